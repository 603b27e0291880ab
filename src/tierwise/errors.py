"""Every error tierwise raises on purpose, in one module.

The CLI and the API each translate these to the user in exactly one place; library code raises them and
never prints. ``exit_code`` follows DESIGN.md: 1 for invalid data or requests, 2 for usage errors.

An error carries a :class:`~tierwise.i18n.Message` and is rendered in the user's language when shown
(:meth:`TierwiseError.render`); ``str(error)`` is the English text, for logs and tracebacks:

>>> err = UsageError(Message("unknown engine %(name)s", {"name": "'x'"}))
>>> str(err)
"unknown engine 'x'"
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from tierwise.i18n import N_, Message, is_language, translate, unknown_language


class TierwiseError(Exception):
    """Base of every tierwise error: a message shown in the user's language."""

    exit_code = 1

    def __init__(self, message: Message | str = "", details: Sequence[Message | str] = ()) -> None:
        self.text = message
        self.details = tuple(details)
        super().__init__(message)

    def render(self, lang: str = "en") -> str:
        """The error text in ``lang``: the message, then one ``  - `` line per detail."""
        return "\n".join([translate(self.text, lang), *("  - " + translate(d, lang) for d in self.details)])

    def __str__(self) -> str:
        return self.render("en")


class UsageError(TierwiseError):
    """The command or call itself is wrong: unknown option value, missing argument, bad JSON shape."""

    exit_code = 2


class ConfigurationError(TierwiseError):
    """Settings that cannot work (a placeholder secret, an unknown engine)."""

    exit_code = 2


def check_language(lang: str) -> str:
    """``lang`` if tierwise speaks it (en, zh), else a usage error naming the choices."""
    if not is_language(lang):
        raise UsageError(unknown_language(lang))
    return lang


@dataclass(frozen=True)
class Problem:
    """One offending cell or file in a data set, with the reason as a translatable message.

    ``row`` is the row number the user sees in the file (the header is row 1), or ``None`` when the
    problem concerns a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: Message

    def describe(self, lang: str = "en") -> str:
        """One readable line: ``file, row 7, column 金额, value 'abc': not a number`` (in ``lang``)."""
        where: list[Message | str] = [self.file]
        if self.row is not None:
            where.append(Message(N_("row %(row)s"), {"row": self.row}))
        if self.column is not None:
            where.append(Message(N_("column %(column)s"), {"column": self.column}))
        if self.value is not None:
            where.append(Message(N_("value %(value)s"), {"value": repr(self.value)}))
        comma, colon = translate(Message(N_(", ")), lang), translate(Message(N_(": ")), lang)
        return comma.join(translate(w, lang) for w in where) + colon + translate(self.reason, lang)


@dataclass
class DataValidationError(TierwiseError):
    """A data set failed validation. Lists every problem found (the first ``shown`` in the message)."""

    problems: list[Problem]
    total: int | None = None
    shown: int = 50
    exit_code: int = field(default=1, init=False)

    def __post_init__(self) -> None:
        if self.total is None:
            self.total = len(self.problems)
        super().__init__(self.headline())

    def headline(self) -> Message:
        """The first line of the error: how many problems, and that nothing was loaded."""
        return Message(
            N_("The data set is invalid: %(total)s problem(s) found; nothing was loaded."), {"total": self.total}
        )

    def render(self, lang: str = "en") -> str:
        """The error text in ``lang``: a headline, one line per problem (first 50), then how many more."""
        lines = [translate(self.headline(), lang)]
        lines += ["  - " + p.describe(lang) for p in self.problems[: self.shown]]
        rest = self.total - min(self.shown, len(self.problems))
        if rest > 0:
            lines.append("  " + translate(Message(N_("… and %(rest)s more problem(s)"), {"rest": rest}), lang))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


class PolicyError(TierwiseError):
    """A policy file or policy name is invalid; the message names the field."""


class UnknownPolicyError(PolicyError, UsageError):
    """No shipped policy has the name given: a usage error (exit 2), as a wrong option value is."""


class IndicatorError(TierwiseError):
    """An indicator was asked for that does not exist, or cannot be computed from the data given."""


class ModelError(TierwiseError):
    """A value model cannot be fitted or used on the data given."""


class RecordError(TierwiseError):
    """A change to the customer archive that the records refuse: an unknown customer or card, an illegal
    complaint status change, a survey score out of range. The message names the record and the value."""


class StoreError(TierwiseError):
    """The store refused a change: another writer holds it, rows conflict, or a revert others depend on.

    ``reasons`` (each a message) follow the headline, separated by semicolons.
    """

    def __init__(self, message: Message | str, reasons: list[Message] | None = None) -> None:
        self.reasons = list(reasons or [])
        super().__init__(message)

    def render(self, lang: str = "en") -> str:
        """The headline and the reasons in ``lang``."""
        head = translate(self.text, lang)
        if not self.reasons:
            return head
        return head + translate(Message(N_(": ")), lang) + "; ".join(translate(r, lang) for r in self.reasons)


class ImportConstraintError(StoreError):
    """The database refused an import's rows (a duplicate key, a broken constraint): nothing was imported.

    The message names the table and, where the database says it, the column and the key.
    """


# -- access control (security/ raises these; the API answers 401, 403, 404, 429) --


class AuthenticationError(TierwiseError):
    """The caller is not signed in, or the credentials given are wrong (never says which part was wrong)."""


class PermissionDeniedError(TierwiseError):
    """The caller is signed in but their role may not do this."""


class NotFoundError(TierwiseError):
    """The thing asked for does not exist, or the caller may not see it (the two look the same on purpose)."""


class LockedOutError(TierwiseError):
    """Too many failed attempts: refused until ``retry_after_seconds`` have passed."""

    def __init__(self, message: Message | str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class PayloadTooLargeError(UsageError):
    """What was sent is larger than the settings allow (an upload over ``TIERWISE_UPLOAD_MAX_BYTES``)."""


# -- warnings: a result that stands but that the user must know about --


class TierwiseWarning(UserWarning):
    """Base of every warning tierwise gives on purpose: a message shown in the user's language.

    ``str(warning)`` is the English text; :meth:`render` gives it in another language.
    """

    def __init__(self, message: Message | str) -> None:
        self.text = message
        super().__init__(message)

    def render(self, lang: str = "en") -> str:
        """The warning text in ``lang``."""
        return translate(self.text, lang)

    def __str__(self) -> str:
        return self.render("en")


class ModelWarning(TierwiseWarning):
    """A value model was fitted or used, but its result is doubtful: the fit did not converge, ended on a
    bound, has undefined standard errors, or some customers' data could not be used as given."""
