"""The values a customer-list filter offers: the regions, industries, kinds and owners among the
customers the viewer sees, and the policies with a saved run with their classes.

For a viewer who sees everyone each column's values are walked along its index, one lookup per value
(a recursive query: the least value above the previous one), instead of a DISTINCT over every customer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.context import ServiceContext
from tierwise.services.saved_classes import latest_runs
from tierwise.store.models import Customer


@dataclass(frozen=True)
class CustomerFacets:
    """Filter choices: each a sorted list of the values present."""

    regions: list[str]
    industries: list[str]
    kinds: list[str]
    owners: list[str]
    policies: dict[str, list[tuple[str, str]]]  # policy → (class code, label), policy order


def _index_walk(column: Any) -> Select:
    """The distinct values of ``column`` in order, one index lookup each (the next value above the last):
    a DISTINCT over every customer reads a million rows on PostgreSQL, which has no skip scan."""
    walk = select(select(func.min(column)).scalar_subquery().label("value")).cte("walk", recursive=True)
    above = select(func.min(column)).where(column > walk.c.value).correlate(walk).scalar_subquery()
    walk = walk.union_all(select(above).where(walk.c.value.is_not(None)))
    return select(walk.c.value).where(walk.c.value.is_not(None)).order_by(walk.c.value)


def customer_facets(ctx: ServiceContext, *, lang: str | None = None) -> CustomerFacets:
    """The filter choices of ``ctx``'s actor (only values of customers they see)."""
    require_action(ctx, "customers.read")
    lang = lang or ctx.settings.lang
    values: dict[str, list[str]] = {}
    everyone = restricted(ctx) is None
    with ctx.store() as session:
        for name in ("region", "industry", "kind", "owner"):
            column = getattr(Customer, name)
            found = (
                _index_walk(column)
                if everyone
                else select(column).where(column.is_not(None), visible_clause(ctx)).distinct().order_by(column)
            )
            values[name] = list(session.execute(found).scalars())
        runs = latest_runs(session)
    policies = {
        name: [(c.code, c.label[lang]) for c in found[0].policy.classes] for name, found in sorted(runs.items())
    }
    return CustomerFacets(values["region"], values["industry"], values["kind"], values["owner"], policies)
