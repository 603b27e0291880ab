"""Dates as whole day numbers in SQL, the same on SQLite and PostgreSQL, so date arithmetic stays set-based.

``day_number(column)`` is the number of days since 1970-01-01 (SQLite: from ``julianday``; PostgreSQL:
``date - DATE '1970-01-01'``); :func:`day_of` gives the same number for a Python date, to compare or bind.
A due date is then ``day_number(last_visit) + every_days``, and "overdue by" is a subtraction.

>>> day_of(dt.date(1970, 1, 11)), date_of(10)
(10, datetime.date(1970, 1, 11))
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

EPOCH = dt.date(1970, 1, 1)
_JULIAN_EPOCH = 2440587.5  # julianday('1970-01-01')


class day_number(FunctionElement[int]):  # noqa: N801 - reads as an SQL function
    """Days since 1970-01-01 of a DATE column or expression."""

    type = Integer()
    inherit_cache = True
    name = "day_number"


@compiles(day_number)
def _day_number_default(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '1970-01-01')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - {_JULIAN_EPOCH} AS INTEGER)"


def day_of(day: dt.date) -> int:
    """The day number of a Python date."""
    return (day - EPOCH).days


def date_of(number: int | None) -> dt.date | None:
    """The date of a day number (``None`` stays ``None``)."""
    return None if number is None else EPOCH + dt.timedelta(days=int(number))
