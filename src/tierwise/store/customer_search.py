"""The trigram index of the customer search (a part of the name or the id), as migration 0014 made it.

SQLite: the FTS5 table ``customer_search`` (trigram tokenizer, case-insensitive) holds every customer's id
and name, kept equal to ``customers`` by triggers; :func:`search_candidates` narrows the customers to those
the index finds, and the caller keeps its own comparison, so the answer is exactly the comparison's (the
index only finds them fast). PostgreSQL: GIN ``gin_trgm_ops`` indexes on ``name`` and ``customer_id``
serve the comparison (``column ILIKE '%…%'``) as it is, so no extra condition is needed there. A text of
fewer than three characters holds no trigram: it is compared row by row.

>>> search_candidates("postgresql", "北京宏") is None, search_candidates("sqlite", "宏昌") is None
(True, True)
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, column, select, table, text

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


def search_candidates(dialect: str, value: str) -> ColumnElement[bool] | None:
    """A condition keeping the customers whose id or name may contain ``value`` (a bound parameter), or
    ``None`` when there is no index to ask (PostgreSQL's serves the comparison itself; a short text)."""
    if dialect != "sqlite" or len(value) < TRIGRAM:
        return None
    found = select(_fts.c.customer_id).where(text(f"{FTS_TABLE} MATCH :phrase").bindparams(phrase=fts_phrase(value)))
    return Customer.customer_id.in_(found)
