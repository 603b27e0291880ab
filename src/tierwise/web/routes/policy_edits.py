"""Editing a policy's thresholds (``/policies/{name}/edit``): the form checks itself as it is typed (htmx
posts it to ``…/check``; each message appears beside its field), the what-if preview shows who would move
before anything is saved (``…/preview``), and saving makes a new version (``…/versions``)."""

from __future__ import annotations

from typing import Any

import pyarrow.compute as pc
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from tierwise.errors import TierwiseError
from tierwise.i18n import Language, translate
from tierwise.services.context import ServiceContext
from tierwise.services.customer_names import customer_names
from tierwise.services.policy_edits import EditCheck, ThresholdForm, check_edit, threshold_form
from tierwise.services.policy_versions import preview_policy, save_policy_version
from tierwise.web.pages import page_context, page_values
from tierwise.web.rendering import page_language, render

router = APIRouter()
MOVERS_PAGE = 25


async def _submitted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _messages(check: EditCheck, lang: Language) -> dict[str, Any]:
    """The check's messages in the page's language: beside each field, and about the whole policy."""
    return {
        "errors": {name: translate(message, lang) for name, message in check.errors.items()},
        "problems": [translate(p, lang) for p in check.problems],
    }


def _edit_page(
    request: Request, ctx: ServiceContext, form: ThresholdForm, values: dict[str, str], check: EditCheck | None,
    status_code: int = 200,
) -> HTMLResponse:  # fmt: skip
    lang = page_language(request)
    return render(
        request,
        "policy_edit.html",
        status_code,
        **page_values(request, ctx, active="/policies"),
        form=form,
        values=values,
        check=check,
        **(_messages(check, lang) if check else {"errors": {}, "problems": []}),
    )


@router.get("/policies/{name}/edit", response_class=HTMLResponse)
def edit_page(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """The form of the policy in force: a field per bound, its description, and the new version's name."""
    lang = page_language(request)
    form = threshold_form(ctx, name, lang)
    values = {f.name: _plain(f.value) for f in form.fields}
    values |= {
        "version": form.suggested_version,
        **{f"description-{k}": form.policy.description[k] for k in ("en", "zh")},
    }
    return _edit_page(request, ctx, form, values, None)


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


@router.post("/policies/{name}/check", response_class=HTMLResponse)
async def check_page(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """What is wrong with the form as typed so far (htmx: the summary, each field's message out of band)."""
    lang = page_language(request)
    values = await _submitted(request)
    form = threshold_form(ctx, name, lang)
    check = check_edit(ctx, form, values, lang)
    return render(request, "_edit_check.html", form=form, check=check, **_messages(check, lang))


@router.post("/policies/{name}/preview", response_class=HTMLResponse)
async def preview_page(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> HTMLResponse:
    """Who would move if the edit were saved: counts and sales per class before and after, and the movers
    (one page of them, with both reasons); nothing is saved."""
    lang = page_language(request)
    values = await _submitted(request)
    form = threshold_form(ctx, name, lang)
    check = check_edit(ctx, form, values, lang)
    if not check.ok or check.text is None:
        return render(request, "_edit_check.html", form=form, check=check, **_messages(check, lang))
    found = preview_policy(ctx, name, check.text, lang=lang)
    directions = pc.value_counts(found.movers.column("direction").combine_chunks()).to_pylist() if found.moved else []
    pages = max(1, -(-found.moved // MOVERS_PAGE))
    raw = values.get("page", "1")
    page = min(max(1, int(raw)), pages) if raw.isdigit() else 1
    movers = found.movers.slice((page - 1) * MOVERS_PAGE, MOVERS_PAGE).to_pylist()  # one page of rows
    after = {c.code: c for c in found.after}
    return render(
        request,
        "_preview.html",
        name=name,
        preview=found,
        classes=[(c, after.get(c.code)) for c in found.before],
        moves={str(d["values"]): int(d["counts"]) for d in directions},
        movers=movers,
        names=customer_names(ctx, [m["customer_id"] for m in movers]),
        page=page,
        pages=pages,
        check=check,
    )


@router.post("/policies/{name}/versions")
async def save_page(request: Request, name: str, ctx: ServiceContext = Depends(page_context)) -> Response:
    """Save the edit as a new version of the policy (audited); back to the policy, or the form with what is wrong."""
    lang = page_language(request)
    values = await _submitted(request)
    form = threshold_form(ctx, name, lang)
    check = check_edit(ctx, form, values, lang)
    if check.ok and check.text is not None:
        try:
            saved = save_policy_version(ctx, name, check.text)
        except TierwiseError as exc:
            check.problems = [exc.text, *exc.details]
        else:
            return RedirectResponse(f"/policies/{name}?saved={saved.version}", status_code=303)
    return _edit_page(request, ctx, form, values, check, 400)
