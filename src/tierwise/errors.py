"""Every error tierwise raises on purpose, in one module.

The CLI and the API each translate these to the user in exactly one place; library code raises them and
never prints. ``exit_code`` follows DESIGN.md: 1 for invalid data or requests, 2 for usage errors.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class TierwiseError(Exception):
    """Base of every tierwise error."""

    exit_code = 1


class UsageError(TierwiseError):
    """The command or call itself is wrong: unknown option value, missing argument, bad JSON shape."""

    exit_code = 2


class ConfigurationError(TierwiseError):
    """Settings that cannot work (a placeholder secret, an unknown engine)."""

    exit_code = 2


@dataclass(frozen=True)
class Problem:
    """One offending cell or file in a data set, with the reason in English and Chinese.

    ``row`` is the row number the user sees in the file (the header is row 1), or ``None`` when the
    problem concerns a whole file or column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str
    reason_zh: str

    def describe(self) -> str:
        """One readable line: ``file, row 7, column 金额, value 'abc': not a number / 不是数字``."""
        parts = [self.file]
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(f"value {self.value!r}")
        return f"{', '.join(parts)}: {self.reason} / {self.reason_zh}"


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
        super().__init__(self.message())

    def message(self) -> str:
        """The error text: a headline, one line per problem (first 50), then how many more."""
        head = (
            f"The data set is invalid: {self.total} problem(s) found; nothing was loaded. "
            f"/ 数据无效：发现 {self.total} 个问题，未加载任何数据。"
        )
        lines = [head] + ["  - " + p.describe() for p in self.problems[: self.shown]]
        rest = self.total - min(self.shown, len(self.problems))
        if rest > 0:
            lines.append(f"  … and {rest} more problem(s) / 另有 {rest} 个问题")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.message()


class PolicyError(TierwiseError):
    """A policy file or policy name is invalid; the message names the field."""


class IndicatorError(TierwiseError):
    """An indicator was asked for that does not exist, or cannot be computed from the data given."""


class ModelError(TierwiseError):
    """A value model cannot be fitted or used on the data given."""


class RecordError(TierwiseError):
    """A change to the customer archive that the records refuse: an unknown customer or card, an illegal
    complaint status change, a survey score out of range. The message names the record and the value."""
