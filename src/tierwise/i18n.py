"""Every user-visible text in one gettext catalogue, and numbers, money and dates per language (Babel).

Below every other layer: this module imports nothing of tierwise. English is the source language: a
message id is the English text with ``%(name)s`` slots (a literal percent sign is ``%%``). The one
catalogue, ``tierwise/locales/zh_CN/LC_MESSAGES/messages.po``, is read and compiled in memory at run
time (``read_po`` → ``write_mo``), so there is no compiled file to go stale.

How code writes a message:

- a text shown later (an error, a reason template, a report note) is a :class:`Message`:
  ``Message(N_("unknown customer %(id)s"), {"id": "C9"})``, or ``Message("unknown customer %(id)s", {...})``
  (the extractor reads the first argument of ``Message``, ``N_`` and ``_``);
- a text needed now in a known language: ``translate(message, lang)``, or ``_ = gettext_for(lang)`` then
  ``_("Customers")``;
- numbers, money, percentages and dates: ``Formats(lang).number(x)``, ``.money(x)``, ``.percent(x)``,
  ``.date(d)``.

>>> translate(Message("Customers"), "zh")
'客户数'
>>> translate(Message("%(n)s problem(s)", {"n": 3}), "en")
'3 problem(s)'
>>> Formats("zh").percent(0.5)
'50.0%'
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_compact_decimal, format_decimal, format_percent
from babel.support import Translations

#: A language tierwise speaks.
Language = Literal["en", "zh"]
#: language → Babel locale
LOCALES: dict[str, str] = {"en": "en_US", "zh": "zh_CN"}
LANGUAGES: tuple[str, ...] = tuple(LOCALES)
DOMAIN = "messages"


def N_(msgid: str) -> str:  # noqa: N802 - gettext's conventional name
    """Mark an English text for the catalogue without translating it yet (it is translated when shown)."""
    return msgid


@dataclass(frozen=True)
class Message:
    """A translatable text: ``msgid`` is the English text in the catalogue, with ``%(name)s`` slots.

    A parameter may itself be a :class:`Message` (a business name inside a reason); it is translated
    into the same language.

    >>> Message("no %(table)s table", {"table": "receivables"}).english()
    'no receivables table'
    """

    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        """The text in English, parameters filled in (what logs and ``str(error)`` show)."""
        return translate(self, "en")

    def __str__(self) -> str:
        return self.english()


def is_language(lang: object) -> bool:
    """Whether ``lang`` is one of :data:`LANGUAGES`."""
    return lang in LOCALES


def unknown_language(lang: object) -> Message:
    """The message for a language tierwise does not speak (callers raise it as a usage error)."""
    return Message(N_("unknown language %(lang)s: choose en or zh"), {"lang": repr(lang)})


def catalogue_path(lang: str) -> resources.abc.Traversable:
    """Where the ``.po`` file of ``lang`` lives inside the package."""
    return resources.files("tierwise") / "locales" / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"


@lru_cache(maxsize=4)
def translations(lang: str) -> gettext.NullTranslations:
    """The gettext translations of ``lang``, compiled from its ``.po`` file (English: identity)."""
    if not is_language(lang):
        raise ValueError(unknown_language(lang).english())
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
        return tr.gettext(msgid) % {k: translate(v, lang) if isinstance(v, Message) else v for k, v in params.items()}

    return _


def translate(message: Message | str, lang: str) -> str:
    """A :class:`Message` in ``lang``, its parameters filled in; a plain string is returned as it is."""
    if isinstance(message, str):
        return message
    return gettext_for(lang)(message.msgid, **message.params)


def bilingual(message: Message | str, lang: str) -> str:
    """The text in ``lang`` with the English after it (``数据无效 … / The data set is invalid …``).

    For users who asked for both (``TIERWISE_BILINGUAL=1``): one language alone when they coincide.
    """
    shown, english = translate(message, lang), translate(message, "en")
    return shown if shown == english else f"{shown} / {english}"


class Formats:
    """Numbers, money, percentages and dates in the conventions of a language (Babel)."""

    def __init__(self, lang: str) -> None:
        if not is_language(lang):
            raise ValueError(unknown_language(lang).english())
        self.lang = lang
        self.locale = Locale.parse(LOCALES[lang])

    def number(self, value: float | None, digits: int = 0) -> str:
        """``1234567.8`` → ``1,234,568`` (``digits`` decimals); ``None`` → an en dash."""
        if value is None:
            return "–"
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def decimal(self, value: float, digits: int = 6) -> str:
        """Up to ``digits`` decimals, trailing zeros dropped: ``5000000`` → ``5,000,000``, ``0.125`` → ``0.125``."""
        if round(value, digits) == 0:  # no "-0"
            value = 0.0
        return format_decimal(value, format="#,##0." + "#" * digits, locale=self.locale)

    def money(self, value: float | None, digits: int = 2) -> str:
        """An amount with its cents, ``5200000`` → ``5,200,000.00``; ``None`` → an en dash."""
        return self.number(value, digits)

    def bound(self, value: float) -> str:
        """A policy bound: cents only when it has some (``20000`` → ``20,000``, ``0.5`` → ``0.50``)."""
        return self.number(value, 0 if float(value).is_integer() else 2)

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
