"""The run pages: saved runs (``/runs``), one run (``/runs/{id}``: customers per class and the assignments by
rank with their reasons, paged) and two runs compared (``/runs/compare?a=&b=``: the migration matrix and
the movers). Counts and rows hold only the customers the viewer sees (the services filter them)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from tierwise.api.params import LARGEST_ID
from tierwise.services.context import ServiceContext
from tierwise.services.customer_names import customer_names
from tierwise.services.run_diffs import diff_runs
from tierwise.services.runs import list_runs, previous_run, run_assignments, run_classes, saved_policy, store_engine
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
PAGE_SIZE = 50
RunId = Annotated[int, Query(ge=1, le=LARGEST_ID)]


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, policy: str | None = None, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """Saved runs, newest as-of date first (of one policy when chosen), each with the run it follows."""
    every = list_runs(ctx)
    policies = sorted({r.policy for r in every})
    policy = policy if policy in policies else None
    shown = [r for r in every if policy is None or r.policy == policy]
    before: dict[int, int] = {}
    by_policy: dict[str, list] = {}
    for run in every:
        by_policy.setdefault(run.policy, []).append(run)
    for runs in by_policy.values():  # newest first: each run follows the next one of its policy
        for newer, older in zip(runs, runs[1:], strict=False):
            before[newer.id] = older.id
    return render(
        request,
        "runs.html",
        **page_values(request, ctx, active="/runs"),
        runs=shown,
        policies=policies,
        policy=policy,
        before=before,
    )


@router.get("/runs/compare", response_class=HTMLResponse)
def compare_page(
    request: Request,
    a: RunId,
    b: RunId,
    ctx: ServiceContext = Depends(page_context),
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """Run ``a`` (earlier) against run ``b``: who went from which class to which, and the movers by page."""
    lang = page_language(request)
    moved = diff_runs(ctx, a, b, lang=lang)
    policy = saved_policy(store_engine(ctx), moved.after)
    codes = policy.class_codes
    labels = {c.code: c.label[lang] for c in policy.classes}
    cells = {(c.from_class, c.to_class): c.customers for c in moved.matrix}
    extra = sorted({code for pair in cells for code in pair} - set(codes))
    order = [*codes, *extra]
    total = moved.movers.num_rows
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    directions = pc.value_counts(moved.movers.column("direction").combine_chunks()).to_pylist() if total else []
    rows = moved.movers.slice((page - 1) * PAGE_SIZE, PAGE_SIZE).to_pylist()  # one page of movers
    return render(
        request,
        "run_compare.html",
        **page_values(request, ctx, active="/runs"),
        diff=moved,
        order=order,
        labels=labels,
        cells=cells,
        rows=rows,
        names=customer_names(ctx, [m["customer_id"] for m in rows]),
        moves={str(d["values"]): int(d["counts"]) for d in directions},
        total=total,
        page=page,
        pages=pages,
        link=lambda to: "/runs/compare?" + urlencode({"a": a, "b": b, "page": to}),
    )


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(
    request: Request,
    run_id: int,
    ctx: ServiceContext = Depends(page_context),
    class_: Annotated[str | None, Query(alias="class", max_length=100)] = None,
    page: Annotated[int, Query(ge=1)] = 1,
) -> HTMLResponse:
    """One saved run: its customers per class and a page of its assignments (of one class when chosen)."""
    lang = page_language(request)
    run, classes = run_classes(ctx, run_id, lang=lang)
    class_ = class_ if class_ in {c.code for c in classes} else None
    found = run_assignments(ctx, run_id, class_=class_, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-found.total // PAGE_SIZE))
    earlier = previous_run(ctx, run)

    def link(to_page: int = 1, to_class: str | None = class_) -> str:
        """This run's page at ``to_page`` of class ``to_class`` (all when ``None``)."""
        given = {"page": to_page, **({"class": to_class} if to_class else {})}
        return f"/runs/{run_id}?" + urlencode(given)

    template = "_run_assignments.html" if request.headers.get("hx-request") else "run.html"
    return render(
        request,
        template,
        **page_values(request, ctx, active="/runs"),
        classes=classes,
        run=run,
        total=sum(c.customers for c in classes),
        found=found,
        chosen=class_,
        labels={c.code: c.label for c in classes},
        page=page,
        pages=pages,
        link=link,
        earlier=earlier,
    )
