"""The names of a page of customers (movers of a run comparison or a what-if), among those the acting
person sees: a customer they may not see has no name here."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.services.access import require_action, visible_clause
from tierwise.services.context import ServiceContext
from tierwise.services.runs import store_engine
from tierwise.store.models import Customer


def customer_names(ctx: ServiceContext, customer_ids: Collection[str]) -> dict[str, str]:
    """``customer_id → name`` of the given customers the acting person sees (a page of them, not thousands)."""
    require_action(ctx, "customers.read")
    if not customer_ids:
        return {}
    query = select(Customer.customer_id, Customer.name).where(
        Customer.customer_id.in_(sorted(customer_ids)), visible_clause(ctx)
    )
    with Session(store_engine(ctx)) as session:
        return {customer_id: name for customer_id, name in session.execute(query) if name}
