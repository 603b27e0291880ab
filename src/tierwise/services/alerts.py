"""The alerts of key-account work (``tierwise alerts``): one set-based SQL query per kind, on the store.

What each kind means, its bound and how it clears is in :mod:`tierwise.archive.alerts`; the bounds are
the ``TIERWISE_ALERT_*`` settings. Today is the context's clock. "High-value" customers are those in the
best class of the latest saved run of the value policy (``clv``) or of a key-account policy; their
P(alive) comes from the value models fitted on the store's transactions (fitted only when there is such
a customer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import and_, case, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from tierwise.accounts.lifecycle import KEPT
from tierwise.archive.alerts import Alert, AlertBounds, AlertKind
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.complaints import unresolved
from tierwise.services.contacts import role_code
from tierwise.services.context import ServiceContext
from tierwise.services.customer_values import value_facts
from tierwise.services.day_numbers import day_number, day_of
from tierwise.services.saved_classes import latest_runs
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Complaint, Contact, Customer, Receivable, Survey, Visit
from tierwise.store.run_models import Assignment

K = AlertKind


def alerts(ctx: ServiceContext, *, owner: str | None = None, kinds: Sequence[AlertKind] | None = None) -> list[Alert]:
    """Every alert firing today (``owner``: one account manager's customers; ``kinds``: only these)."""
    require_action(ctx, "alerts.read")
    bounds = AlertBounds.from_settings(ctx.settings)
    today = ctx.now().date()
    wanted = list(kinds) if kinds is not None else list(AlertKind)
    found: list[Alert] = []
    who = _Owners(owner, visible_clause(ctx) if restricted(ctx) is not None else None)
    with ctx.store() as session:
        for kind in wanted:
            if kind is K.HIGH_VALUE_AT_RISK:
                continue
            found.extend(_QUERIES[kind](session, bounds, today, who))
        candidates = _high_value(session, bounds, who) if K.HIGH_VALUE_AT_RISK in wanted else []
    if candidates:
        found.extend(_at_risk(ctx, candidates, bounds, today))
    order = {k: i for i, k in enumerate(AlertKind)}
    return sorted(found, key=lambda a: (order[a.kind], a.date, a.customer_id))


@dataclass(frozen=True)
class _Owners:
    """Whose customers' alerts: one manager's (``owner``) or everyone's, within what the person sees."""

    owner: str | None
    seen: Any  # a SQL condition on Customer (None: every customer)

    def keep(self, query: Any, manager: Any = Customer.owner) -> Any:
        """``query`` filtered to these customers (``manager``: the column naming their manager)."""
        if self.owner is not None:
            query = query.where(manager == self.owner)
        return query if self.seen is None else query.where(self.seen)


def _customer_join(query: Any, customer_id: Any) -> Any:
    return query.join(Customer, Customer.customer_id == customer_id, isouter=True)


def _alert(kind: AlertKind, row: Any, date: dt.date, **params: Any) -> Alert:
    return Alert(kind, row.customer_id, row.name or row.customer_id, row.owner, date, params)


def _visited_since(customer_id: Any, day: Any, *, strictly: bool = False) -> Any:
    after = Visit.date > day if strictly else Visit.date >= day
    return exists().where(Visit.customer_id == customer_id, after)


def _downgraded(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    out: list[Alert] = []
    for name, runs in latest_runs(session, bounds.key_policies, depth=2).items():
        if len(runs) < 2:
            continue
        later, previous = runs
        order = later.policy.class_codes
        now, before = aliased(Assignment), aliased(Assignment)
        position = {
            t: case(*[(t.class_ == code, i) for i, code in enumerate(order)], else_=None) for t in (now, before)
        }
        query = _customer_join(
            select(
                now.customer_id,
                now.class_.label("to_class"),
                before.class_.label("from_class"),
                Customer.name,
                Customer.owner,
            ).join(before, and_(before.customer_id == now.customer_id, before.run_id == previous.run_id)),
            now.customer_id,
        ).where(
            now.run_id == later.run_id,
            position[now] > position[before],
            ~_visited_since(now.customer_id, later.as_of),
        )
        for row in session.execute(owner.keep(query)):
            out.append(
                _alert(
                    K.KEY_ACCOUNT_DOWNGRADED,
                    row,
                    later.as_of,
                    policy=name,
                    from_class=row.from_class,
                    to_class=row.to_class,
                    previous=previous.as_of.isoformat(),
                )
            )
    return out


def _complaints_open(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    days = literal(day_of(today)) - day_number(Complaint.date)
    query = _customer_join(
        select(
            Complaint.customer_id,
            Complaint.complaint_id,
            Complaint.id,
            Complaint.category,
            Complaint.status,
            Complaint.date,
            days.label("days"),
            Customer.name,
            Customer.owner,
        ),
        Complaint.customer_id,
    ).where(unresolved(), days > bounds.complaint_open_days)
    return [
        _alert(
            K.COMPLAINT_OPEN,
            row,
            row.date,
            complaint=row.complaint_id or str(row.id),
            category=row.category or "–",
            status=row.status or "open",
            days=row.days,
            bound=bounds.complaint_open_days,
        )
        for row in session.execute(owner.keep(query))
    ]


def _visits_overdue(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    latest = func.row_number().over(partition_by=Visit.customer_id, order_by=(Visit.date.desc(), Visit.id.desc()))
    ranked = select(Visit.customer_id, Visit.date, Visit.next_visit_date, latest.label("pick")).subquery()
    days = literal(day_of(today)) - day_number(ranked.c.next_visit_date)
    query = _customer_join(
        select(
            ranked.c.customer_id,
            ranked.c.date,
            ranked.c.next_visit_date,
            days.label("days"),
            Customer.name,
            Customer.owner,
        ),
        ranked.c.customer_id,
    ).where(ranked.c.pick == 1, ranked.c.next_visit_date < today)
    return [
        _alert(K.VISIT_OVERDUE, row, row.next_visit_date, visit_date=row.date.isoformat(), days=row.days)
        for row in session.execute(owner.keep(query))
    ]


def _surveys_dropped(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    order = func.row_number().over(partition_by=Survey.customer_id, order_by=(Survey.date.desc(), Survey.id.desc()))
    ranked = select(Survey.customer_id, Survey.date, Survey.csat, Survey.nps, order.label("pick")).subquery()
    last, prev = ranked.alias("last_survey"), ranked.alias("previous_survey")
    dropped = or_(prev.c.csat - last.c.csat >= bounds.csat_drop, prev.c.nps - last.c.nps >= bounds.nps_drop)
    query = _customer_join(
        select(
            last.c.customer_id,
            last.c.date,
            last.c.csat,
            last.c.nps,
            prev.c.date.label("prev_date"),
            prev.c.csat.label("prev_csat"),
            prev.c.nps.label("prev_nps"),
            Customer.name,
            Customer.owner,
        ).join(prev, and_(prev.c.customer_id == last.c.customer_id, prev.c.pick == 2)),
        last.c.customer_id,
    ).where(last.c.pick == 1, dropped, ~_visited_since(last.c.customer_id, last.c.date, strictly=True))
    return [
        _alert(
            K.SURVEY_DROPPED,
            row,
            row.date,
            scores=_scores(row.csat, row.nps),
            previous_scores=_scores(row.prev_csat, row.prev_nps),
            previous=row.prev_date.isoformat(),
        )
        for row in session.execute(owner.keep(query))
    ]


def _scores(csat: int | None, nps: int | None) -> str:
    return f"CSAT {'–' if csat is None else csat}, NPS {'–' if nps is None else nps}"


def _receivables_overdue(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    r = Receivable
    paid = case((and_(r.paid_date.is_not(None), r.paid_date <= today), func.coalesce(r.paid_amount, r.amount)), else_=0)
    unpaid = r.amount - paid
    days = literal(day_of(today)) - day_number(r.due_date)
    query = _customer_join(
        select(
            r.customer_id,
            r.invoice_id,
            r.due_date,
            unpaid.label("unpaid"),
            days.label("days"),
            Customer.name,
            Customer.owner,
        ),
        r.customer_id,
    ).where(unpaid > 0, days > bounds.receivable_overdue_days)
    return [
        _alert(
            K.RECEIVABLE_OVERDUE,
            row,
            row.due_date,
            invoice=row.invoice_id,
            unpaid=f"{Decimal(str(row.unpaid)):,.2f}",
            days=row.days,
            bound=bounds.receivable_overdue_days,
        )
        for row in session.execute(owner.keep(query))
    ]


def _high_value(session: Any, bounds: AlertBounds, owner: _Owners) -> list[tuple[Any, str, str, dt.date]]:
    """The customers in the best class of the latest run of the value policy or of a key-account policy."""
    names = [bounds.value_policy, *bounds.key_policies]
    out: list[tuple[Any, str, str, dt.date]] = []
    seen: set[str] = set()
    for name, (run, *_rest) in sorted(latest_runs(session, names).items(), key=lambda item: names.index(item[0])):
        best = run.policy.class_codes[0]
        query = _customer_join(
            select(Assignment.customer_id, Customer.name, Customer.owner), Assignment.customer_id
        ).where(Assignment.run_id == run.run_id, Assignment.class_ == best)
        for row in session.execute(owner.keep(query)):
            if row.customer_id not in seen:
                seen.add(row.customer_id)
                out.append((row, name, best, run.as_of))
    return out


def _at_risk(
    ctx: ServiceContext, candidates: list[tuple[Any, str, str, dt.date]], bounds: AlertBounds, today: dt.date
) -> list[Alert]:
    facts = value_facts(ctx, today)
    if facts is None:
        return []
    wanted = pa.table({"customer_id": [row.customer_id for row, *_ in candidates], "_i": list(range(len(candidates)))})
    low = wanted.join(facts, "customer_id").filter(pc.field("p_alive") < bounds.p_alive_below)
    out = []
    for i, p_alive in zip(low["_i"].to_pylist(), low["p_alive"].to_pylist(), strict=True):
        row, policy, best, _as_of = candidates[i]
        out.append(
            _alert(
                K.HIGH_VALUE_AT_RISK,
                row,
                today,
                policy=policy,
                **{"class": best},
                p_alive=f"{p_alive:.2f}",
                bound=f"{bounds.p_alive_below:.2f}",
            )
        )
    return out


def _reviews_overdue(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    ka = KeyAccount
    days = literal(day_of(today)) - day_number(ka.next_review_date)
    query = _customer_join(
        select(ka.customer_id, ka.next_review_date, days.label("days"), Customer.name, Customer.owner), ka.customer_id
    ).where(ka.status.in_(list(KEPT)), ka.next_review_date < today)
    query = owner.keep(query, func.coalesce(ka.owner, Customer.owner))
    return [
        _alert(K.KEY_ACCOUNT_REVIEW_OVERDUE, row, row.next_review_date, customer=row.customer_id, days=row.days)
        for row in session.execute(query)
    ]


def _roles_uncovered(session: Any, bounds: AlertBounds, today: dt.date, owner: _Owners) -> list[Alert]:
    """One query: every approved key account × decision role with no contact holding that role."""
    ka = KeyAccount
    roles = union_all(*[select(literal(r).label("role")) for r in bounds.decision_roles]).subquery("decision_roles")
    held = exists().where(Contact.customer_id == ka.customer_id, role_code(Contact.purchase_role) == roles.c.role)
    query = (
        select(ka.customer_id, roles.c.role, Customer.name, Customer.owner)
        .select_from(ka)
        .join(roles, literal(True))
        .join(Customer, Customer.customer_id == ka.customer_id)
        .where(ka.status.in_(list(KEPT)), ~held)
        .order_by(ka.customer_id)
    )
    query = owner.keep(query, func.coalesce(ka.owner, Customer.owner))
    missing: dict[str, tuple[Any, list[str]]] = {}
    for row in session.execute(query):  # one row per uncovered role: a handful per key account
        missing.setdefault(row.customer_id, (row, []))[1].append(row.role)
    order = {r: i for i, r in enumerate(bounds.decision_roles)}
    return [
        _alert(K.DECISION_ROLES_UNCOVERED, row, today, customer=row.customer_id,
               roles=", ".join(sorted(found, key=order.__getitem__)))
        for row, found in missing.values()
    ]  # fmt: skip


_QUERIES = {
    K.KEY_ACCOUNT_DOWNGRADED: _downgraded,
    K.COMPLAINT_OPEN: _complaints_open,
    K.VISIT_OVERDUE: _visits_overdue,
    K.SURVEY_DROPPED: _surveys_dropped,
    K.RECEIVABLE_OVERDUE: _receivables_overdue,
    K.KEY_ACCOUNT_REVIEW_OVERDUE: _reviews_overdue,
    K.DECISION_ROLES_UNCOVERED: _roles_uncovered,
}
