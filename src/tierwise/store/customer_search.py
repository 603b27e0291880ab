"""The trigram index of the customer search (a part of the name or the id), as migration 0014 made it.

SQLite: the FTS5 table ``customer_search`` (trigram tokenizer, case-insensitive) holds every customer's id
and name, kept equal to ``customers`` by triggers; :func:`search_candidates` narrows the customers to those
the index finds, and the caller keeps its own comparison, so the answer is exactly the comparison's (the
index only finds them fast). PostgreSQL: GIN ``gin_trgm_ops`` indexes on ``lower(name)`` and
``lower(customer_id)`` serve the comparison (:func:`contains`: ``lower(column) LIKE lower('%…%')``, which is
what ``ILIKE`` does on UTF-8); :func:`search_candidates` finds the matches on their own first. A text of
fewer than three characters holds no trigram: it is compared row by row.

>>> search_candidates("postgresql", "宏昌") is None, search_candidates("sqlite", "北京宏") is None
(True, False)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, column, func, literal, or_, select, table, text
from sqlalchemy.orm import aliased

from tierwise.store.models import Customer

TRIGRAM = 3  # characters in a trigram: a shorter text cannot be looked up
FTS_TABLE = "customer_search"
# the FTS5 table and the shadow tables FTS5 keeps beside it (not models: the migration creates them)
SQLITE_TABLES = frozenset(
    {FTS_TABLE} | {f"{FTS_TABLE}_{part}" for part in ("data", "idx", "content", "docsize", "config")}
)
POSTGRES_INDEXES = frozenset({"ix_customers_name_trgm", "ix_customers_customer_id_trgm"})

_fts = table(FTS_TABLE, column("customer_id"))


def fts_phrase(value: str) -> str:
    """``value`` as one FTS5 phrase: matched as a substring by the trigram tokenizer, quotes doubled.

    >>> fts_phrase('a"b')
    '"a""b"'
    """
    return '"' + value.replace('"', '""') + '"'


def contains(column: Any, value: str) -> ColumnElement[bool]:
    """``column`` holds ``value`` (case-insensitive; ``%``, ``_`` and ``/`` taken literally) as the indexes
    expect it on both databases: ``lower(column) LIKE lower(:pattern) ESCAPE '/'``, the pattern bound."""
    escaped = value.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return func.lower(column).like(func.lower(literal(f"%{escaped}%")), escape="/")


def search_candidates(dialect: str, value: str) -> ColumnElement[bool] | None:
    """A condition keeping the customers whose id or name may contain ``value`` (a bound parameter), or
    ``None`` when no index can answer (a text shorter than a trigram)."""
    if len(value) < TRIGRAM:
        return None
    if dialect == "postgresql":
        # the matches found on their own first (OFFSET 0 keeps the subquery apart), through the GIN indexes:
        # the planner's guess at a LIKE is far too many rows, and it would walk the id's index testing every row
        other = aliased(Customer)
        part = or_(contains(other.name, value), contains(other.customer_id, value))
        return Customer.customer_id.in_(select(other.customer_id).where(part).offset(0))
    found = select(_fts.c.customer_id).where(text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=fts_phrase(value)))
    return Customer.customer_id.in_(found)
