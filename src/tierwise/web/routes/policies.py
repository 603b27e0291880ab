"""The policy pages: the list (``/policies``) and one policy in force (``/policies/{name}``: its classes, the
bounds and rules of its criteria, its saved versions and latest runs), with the button that runs it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from tierwise.analytics.classify.policy import MappingCriterion, Policy, ThresholdsCriterion, TriagePolicyInfo
from tierwise.analytics.classify.reasons import indicator_label
from tierwise.api.routes.jobs import Queue
from tierwise.i18n import Language
from tierwise.policy_files import PolicyRef
from tierwise.services.context import ServiceContext
from tierwise.services.policies import describe_criterion, list_policies, read_policy
from tierwise.services.policy_edits import bound_fields
from tierwise.services.policy_versions import policy_in_force, saved_versions
from tierwise.services.runs import list_runs
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
LATEST_RUNS = 5


@router.get("/policies", response_class=HTMLResponse)
def policies_page(request: Request, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """Every policy with the version in force, what it classifies into, and how many runs it has."""
    lang = page_language(request)
    newest: dict[str, str] = {}
    for version in saved_versions(ctx):  # newest first: the first seen of a name is in force
        newest.setdefault(version.name, version.version)
    runs: dict[str, int] = {}
    for run in list_runs(ctx):
        runs[run.policy] = runs.get(run.policy, 0) + 1
    rows = []
    for info in list_policies():
        loaded = read_policy(PolicyRef.shipped(info.name))
        labels = [] if isinstance(loaded, TriagePolicyInfo) else [c.label[lang] for c in loaded.classes]
        rows.append(
            {
                "info": info,
                "version": newest.get(info.name, str(info.version)),
                "edited": info.name in newest and newest[info.name] != str(info.version),
                "labels": labels,
                "runs": runs.get(info.name, 0),
            }
        )
    return render(request, "policies.html", **page_values(request, ctx, active="/policies"), rows=rows, lang_code=lang)


@router.get("/policies/{name}", response_class=HTMLResponse)
def policy_page(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """One policy in force: classes with cadence, each criterion's bounds or rules, versions, latest runs."""
    lang = page_language(request)
    loaded = read_policy(PolicyRef.shipped(name)) if _is_triage(name) else None
    if isinstance(loaded, TriagePolicyInfo):
        return render(request, "policy_triage.html", **page_values(request, ctx, active="/policies"), policy=loaded)
    text, policy = policy_in_force(ctx, name)
    bounds = bound_fields(policy, lang)
    criteria = [
        {
            "name": crit.name,
            "method": crit.method,
            "bounds": [b for b in bounds if b.criterion == i],
            "otherwise": _otherwise(crit, policy, lang),
            "entries": _entries(crit, policy, lang),
            "text": describe_criterion(crit, policy, lang),
        }
        for i, crit in enumerate(policy.criteria)
    ]
    return render(
        request,
        "policy.html",
        **page_values(request, ctx, active="/policies"),
        policy=policy,
        text=text,
        criteria=criteria,
        editable=bool(bounds),
        versions=saved_versions(ctx, name),
        runs=list_runs(ctx, policy=name)[:LATEST_RUNS],
        saved=request.query_params.get("saved"),
    )


def _otherwise(crit: object, policy: Policy, lang: Language) -> str | None:
    """The class a thresholds criterion grants below every bound (its label), if any."""
    if isinstance(crit, ThresholdsCriterion) and crit.otherwise:
        return policy.class_spec(crit.otherwise).label[lang]
    return None


def _entries(crit: object, policy: Policy, lang: Language) -> list[tuple[str, str]]:
    """A mapping criterion as (class label, the value that grants it) rows; nothing for other methods."""
    if not isinstance(crit, MappingCriterion):
        return []
    name = indicator_label(crit.indicator, lang)
    return [
        (policy.class_spec(e.class_).label[lang], f"{name} = {e.label[lang] if e.label else e.value}") for e in crit.map
    ]


def _is_triage(name: str) -> bool:
    return any(p.name == name and p.method == "triage" for p in list_policies())


@router.post("/policies/{name}/runs")
def run_policy(
    request: Request, name: str, queue: Queue, ctx: ServiceContext = Depends(page_context)
) -> RedirectResponse:
    """Queue a run of the policy in force; then the page that follows its progress."""
    from tierwise.services.run_jobs import submit_run  # the analytics load on the first run, not at start-up

    job = submit_run(ctx, queue, name, lang=page_language(request))
    return RedirectResponse(f"/policies/{name}/jobs/{job.id}", status_code=303)
