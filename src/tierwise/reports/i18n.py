"""Report languages: the zh-CN message catalogue (Babel), and numbers and dates formatted per language.

The catalogue is the ``.po`` file under ``reports/locales``; it is read and compiled in memory at run
time (``babel.messages.pofile.read_po`` → ``write_mo``), so there is no compiled file to go stale.
English is the source language: message ids are the English texts.

>>> Formats("zh").percent(0.5)
'50.0%'
>>> translate(Message("Customers"), "zh")
'客户数'
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from functools import lru_cache
from importlib import resources

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.support import Translations

from tierwise.errors import UsageError
from tierwise.report_model import Message

#: report language → Babel locale
LOCALES = {"en": "en_US", "zh": "zh_CN"}
DOMAIN = "messages"


def N_(msgid: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark an English text for the catalogue without translating it yet (translated at render time)."""
    return msgid


def check_lang(lang: str) -> str:
    """``lang`` if it is a report language, else a usage error naming the choices."""
    if lang not in LOCALES:
        raise UsageError(f"unknown report language {lang!r}; choose one of {', '.join(LOCALES)}")
    return lang


def catalogue_path(lang: str) -> resources.abc.Traversable:
    """Where the ``.po`` file of ``lang`` lives inside the package."""
    return resources.files("tierwise.reports") / "locales" / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations of ``lang``, compiled from its ``.po`` file (English: identity)."""
    check_lang(lang)
    if lang == "en":
        return gettext.NullTranslations()
    with catalogue_path(lang).open("rb") as po:
        catalog = read_po(po, locale=LOCALES[lang], domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def gettext_for(lang: str):
    """The ``_`` function of ``lang``: ``_("Sales of %(name)s", name="x")`` translates, then fills slots."""
    tr = translations(lang)

    def _(msgid: str, **params: object) -> str:
        # like Jinja2's new-style gettext: always a format string, so a literal percent sign is "%%"
        return tr.gettext(msgid) % params

    return _


def translate(message: Message, lang: str) -> str:
    """A :class:`Message` in ``lang``, its parameters filled in."""
    return gettext_for(lang)(message.msgid, **message.params)


class Formats:
    """Numbers, money, percentages and dates in the conventions of a report language (Babel)."""

    def __init__(self, lang: str) -> None:
        self.lang = check_lang(lang)
        self.locale = Locale.parse(LOCALES[lang])

    def number(self, value: float | None, digits: int = 0) -> str:
        """``1234567.8`` → ``1,234,568`` (``digits`` decimals); ``None`` → an en dash."""
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def percent(self, value: float | None, digits: int = 1) -> str:
        """``0.8`` → ``80.0%``; ``None`` → an en dash."""
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
        if round(value * 100, digits) == 0:  # no "-0.0%"
            value = 0.0
        return format_percent(value, format=pattern, locale=self.locale)

    def compact(self, value: float | None) -> str:
        """Short big numbers for headline cards: ``12,345,678`` → ``12M`` (en) or ``1235万`` (zh)."""
        if value is None:
            return "–"
        if abs(value) < 10_000:
            return self.number(value)
        return format_compact_decimal(value, format_type="short", fraction_digits=1, locale=self.locale)

    def date(self, value: dt.date | None) -> str:
        """A date in the language's medium form (``Jan 15, 2025`` / ``2025年1月15日``)."""
        if value is None:
            return "–"
        return format_date(value, format="medium", locale=self.locale)

    def datetime(self, value: dt.datetime | None) -> str:
        """A date and time in the language's medium form."""
        if value is None:
            return "–"
        return format_datetime(value, format="medium", locale=self.locale)
