"""The HTML report: one self-contained file (styles, scripts and Apache ECharts inlined), readable offline.

>>> from tierwise.reports.html import render_html  # doctest: +SKIP
>>> Path("report.html").write_text(render_html(report), encoding="utf-8")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from importlib import resources
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path

import jinja2

from tierwise.errors import check_language
from tierwise.i18n import Formats, gettext_for, translate, translations
from tierwise.report_model import SECTIONS, ReportData
from tierwise.reports.charts import all_charts
from tierwise.reports.sections import section_titles

ECHARTS_VERSION = "5.6.0"
_HTML_LANG = {"en": "en", "zh": "zh-CN"}


def _static(name: str) -> str:
    return (resources.files("tierwise.reports") / "static" / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def echarts_source() -> str:
    """The vendored, minified Apache ECharts (with its licence header), as inlined into every report."""
    return _static("echarts/echarts.min.js")


def _version() -> str:
    try:
        return package_version("tierwise")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "dev"


@lru_cache(maxsize=2)
def _environment(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tierwise.reports", "templates"),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.install_gettext_translations(translations(lang), newstyle=True)
    fmt = Formats(lang)
    env.filters.update(
        num=fmt.number,
        pct=fmt.percent,
        compact=fmt.compact,
        date=fmt.date,
        msg=lambda message: translate(message, lang),
    )
    return env


def render_html(report: ReportData) -> str:
    """The report as one HTML document in ``report.lang`` (``en`` or ``zh``)."""
    lang = check_language(report.lang)
    env = _environment(lang)
    titles = section_titles(lang)
    _ = gettext_for(lang)
    shown = [key for key in SECTIONS if key != "summary" and report.present(key)]
    if report.summary is None:  # absent sections get cards of their own (see sections.html)
        shown = [key for key in SECTIONS if key != "summary" and (report.present(key) or key in report.missing)]
    toc = [(key, titles[key]) for key in shown]
    generated = report.generated_at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    return env.get_template("report.html").render(
        report=report,
        titles=titles,
        toc=[("quality", _("Data quality")), *toc] if report.summary else toc,
        charts=all_charts(report),
        css=_static("report.css"),
        report_js=_static("report.js"),
        echarts_js=echarts_source(),
        echarts_version=ECHARTS_VERSION,
        html_lang=_HTML_LANG[lang],
        version=_version(),
        generated=Formats(lang).datetime(generated),
    )


def write_html(report: ReportData, path: str | Path) -> Path:
    """Write the HTML report to ``path`` (UTF-8) and return the path."""
    path = Path(path)
    path.write_text(render_html(report), encoding="utf-8")
    return path
