"""Pages in the visitor's language: one Jinja2 environment per language on the shared message catalogue.

The language of a page is ``?lang=`` when given (the switch on every page, which also remembers it in a
cookie), else the remembered choice, else the browser's ``Accept-Language``, else ``TIERWISE_LANG``. A
user's saved language (``/settings``) is put in that cookie at each sign-in, so it comes before the
browser's ``Accept-Language``; the switch then changes the language in that browser until the next sign-in.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse

from tierwise import __version__
from tierwise.api.language import request_language
from tierwise.i18n import Formats, Language, gettext_for, is_language, translate, translations

LANGUAGE_COOKIE = "tierwise_lang"
LANGUAGE_NAMES: dict[str, str] = {"zh": "中文", "en": "English"}
ONE_YEAR = 365 * 24 * 3600


def page_language(request: Request) -> Language:
    """``en`` or ``zh`` for this page (see the module's docstring for the order)."""
    asked = request.query_params.get("lang")
    if asked is not None and is_language(asked):
        return asked  # type: ignore[return-value]
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered is not None and is_language(remembered):
        return remembered  # type: ignore[return-value]
    return request_language(request)  # type: ignore[return-value]


@lru_cache(maxsize=2)
def environment(lang: Language) -> jinja2.Environment:
    """The page templates with gettext in ``lang`` and the locale's number, money and date filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tierwise.web", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    fmt = Formats(lang)
    _ = gettext_for(lang)

    def figure(value: object) -> str:
        """Any indicator value as shown: numbers per locale (decimals only when there are any), yes/no, text."""
        if value is None:
            return "–"
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, int | float):
            return fmt.number(float(value), 0 if float(value).is_integer() else 2)
        return str(value)

    env.filters.update(
        figure=figure,
        num=fmt.number,
        money=fmt.money,
        pct=fmt.percent,
        compact=fmt.compact,
        date=fmt.date,
        datetime=fmt.datetime,
        msg=lambda message: translate(message, lang),
    )
    env.globals.update(product="tierwise", version=__version__, language_names=LANGUAGE_NAMES, in_language=in_language)
    return env


def in_language(request: Request, lang: str) -> str:
    """This page's address in ``lang``: its other query parameters (filters, page, dates) kept."""
    kept = [(key, value) for key, value in request.query_params.multi_items() if key != "lang"]
    return "?" + urlencode([*kept, ("lang", lang)])


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """``template`` rendered for ``request`` in its page language; an explicit ``?lang=`` is remembered."""
    lang = page_language(request)
    html = environment(lang).get_template(template).render(request=request, lang=lang, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANGUAGE_COOKIE, lang, max_age=ONE_YEAR, samesite="lax", httponly=True)
    return response
