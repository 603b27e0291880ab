"""The language of an API answer: ``?lang=`` when given, else the ``Accept-Language`` header, else the setting."""

from __future__ import annotations

from fastapi import Request

from tierwise.i18n import is_language


def request_language(request: Request) -> str:
    """``en`` or ``zh`` for this request.

    ``?lang=zh`` wins; otherwise the first language of ``Accept-Language`` that tierwise speaks
    (``zh-CN``, ``zh-Hans`` and ``zh`` all mean zh); otherwise ``TIERWISE_LANG``.
    """
    asked = request.query_params.get("lang")
    if asked is not None and is_language(asked):
        return asked
    header = request.headers.get("accept-language", "")
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if is_language(primary) and quality > 0:
            ranked.append((-quality, position, primary))
    if ranked:
        return min(ranked)[2]
    settings = getattr(request.app.state, "settings", None)
    return settings.lang if settings is not None else "en"
