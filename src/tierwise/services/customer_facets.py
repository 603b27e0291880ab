"""The values a customer-list filter offers: the regions, industries, kinds and owners among the
customers the viewer sees, and the policies with a saved run with their classes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tierwise.services.access import require_action, visible_clause
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


def customer_facets(ctx: ServiceContext, *, lang: str | None = None) -> CustomerFacets:
    """The filter choices of ``ctx``'s actor (only values of customers they see)."""
    require_action(ctx, "customers.read")
    lang = lang or ctx.settings.lang
    values: dict[str, list[str]] = {}
    with ctx.store() as session:
        for name in ("region", "industry", "kind", "owner"):
            column = getattr(Customer, name)
            values[name] = list(
                session.execute(
                    select(column).where(column.is_not(None), visible_clause(ctx)).distinct().order_by(column)
                ).scalars()
            )
        runs = latest_runs(session)
    policies = {
        name: [(c.code, c.label[lang]) for c in found[0].policy.classes] for name, found in sorted(runs.items())
    }
    return CustomerFacets(values["region"], values["industry"], values["kind"], values["owner"], policies)
