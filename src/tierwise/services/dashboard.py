"""The dashboard (总览) of one viewer: what their customers look like in the latest saved run of a policy.

A director sees every customer, a manager their teams', an account manager their own
(:mod:`tierwise.services.access`). Everything comes from the summaries saved with the
runs (:mod:`tierwise.services.run_summaries`) and from a few grouped queries on the archive — nothing
recomputes indicators per request:

- the class distribution with customers, 12-month sales and profit and their shares;
- the Pareto curve (sales) with its 80/20 point and the whale curve (profit) with its peak (a manager's or
  an account manager's drawn for their scope when the run was saved, :mod:`tierwise.services.scope_curves`,
  else from the assignments of their customers);
- the migration between the policy's last two runs (the Sankey);
- open complaints by age, and the NPS by quarter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import ColumnElement, Float, Integer, case, cast, exists, extract, func, literal, select
from sqlalchemy.orm import Session

from tierwise.archive.surveys import DETRACTOR_AT, PROMOTER_AT
from tierwise.errors import NotFoundError
from tierwise.i18n import Message
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.complaints import unresolved
from tierwise.services.context import ServiceContext
from tierwise.services.run_summaries import concentration_curve
from tierwise.services.saved_classes import SavedRun, latest_runs
from tierwise.services.scope_curves import saved_scope_curves
from tierwise.store.models import Complaint, Customer, Survey
from tierwise.store.run_models import Assignment
from tierwise.store.summary_models import RunCurve, RunMove, RunTotal

AGE_BANDS: tuple[tuple[int, int | None], ...] = ((0, 7), (8, 30), (31, 90), (91, None))  # days, inclusive
NPS_QUARTERS = 8


@dataclass(frozen=True)
class ClassShare:
    """One class of the viewer's customers: how many, what they bought and earned, and the shares."""

    code: str
    label: str
    customers: int
    sales: float | None
    profit: float | None
    customer_share: float
    sales_share: float | None
    profit_share: float | None


@dataclass(frozen=True)
class Move:
    """Customers who went from one class to another between the last two runs."""

    from_class: str
    to_class: str
    customers: int


@dataclass(frozen=True)
class Dashboard:
    """The viewer's dashboard for one policy (``run_id`` None: the policy has no saved run yet)."""

    policy: str | None
    policies: list[str]  # every policy with a saved run, for the selector
    run_id: int | None
    as_of: dt.date | None
    previous_run_id: int | None
    classes: list[ClassShare]
    pareto: list[list[float]]  # [customer share, cumulative sales share]
    whale: list[list[float]]  # [customer share, cumulative profit share]
    moves: list[Move]
    complaints_by_age: list[tuple[str, int]]  # ("0-7", n), …, ("91+", n)
    nps_by_quarter: list[tuple[str, int, float | None]]  # ("2026Q1", answers, NPS)
    previous_as_of: dt.date | None = None  # the previous run's as-of date (the migration chart's start)

    @property
    def customers(self) -> int:
        """The viewer's customers in the run."""
        return sum(c.customers for c in self.classes)

    @property
    def top20_sales_share(self) -> float | None:
        """The sales share of the best 20 % of customers (read off the Pareto curve)."""
        return share_at(self.pareto, 0.2)

    @property
    def whale_peak(self) -> list[float] | None:
        """The whale curve's peak: the customer share at which cumulative profit is highest, and that profit."""
        return max(self.whale, key=lambda p: p[1]) if self.whale else None


def share_at(curve: list[list[float]], x: float) -> float | None:
    """The curve's value at customer share ``x`` (linear between the stored points)."""
    for (x0, y0), (x1, y1) in zip(curve, curve[1:], strict=False):
        if x0 <= x <= x1:
            return y0 if x1 == x0 else y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return None


def dashboard(ctx: ServiceContext, *, policy: str | None = None, lang: str | None = None) -> Dashboard:
    """The dashboard of ``ctx``'s actor for ``policy`` (default: the policy saved most recently)."""
    require_action(ctx, "customers.read")
    lang = lang or ctx.settings.lang
    today = ctx.now().date()
    with ctx.store() as session:
        runs = latest_runs(session, depth=2)
        policies = sorted(runs)
        if policy is None and runs:
            policy = max(runs, key=lambda name: (runs[name][0].as_of, runs[name][0].run_id))
        if policy is not None and policy not in runs:
            raise NotFoundError(Message("no saved run of policy %(policy)s", {"policy": repr(policy)}))
        chosen = runs.get(policy, []) if policy else []
        latest = chosen[0] if chosen else None
        previous = chosen[1] if len(chosen) > 1 else None
        classes: list[ClassShare] = []
        pareto: list[list[float]] = []
        whale: list[list[float]] = []
        moves: list[Move] = []
        if latest is not None:
            classes = _class_shares(session, ctx, latest, lang)
            pareto, whale = _curves(session, ctx, latest.run_id)
            moves = _moves(session, ctx, latest.run_id) if previous else []
        complaints = _complaints_by_age(session, ctx, today)
        nps = _nps_by_quarter(session, ctx)
    return Dashboard(
        policy,
        policies,
        latest.run_id if latest else None,
        latest.as_of if latest else None,
        previous.run_id if previous else None,
        classes,
        pareto,
        whale,
        moves,
        complaints,
        nps,
        previous.as_of if previous else None,
    )


def _class_shares(session: Session, ctx: ServiceContext, run: SavedRun, lang: str) -> list[ClassShare]:
    rows = session.execute(
        select(
            RunTotal.class_,
            func.sum(RunTotal.customers),
            func.sum(RunTotal.sales),
            func.sum(RunTotal.profit),
        )
        .where(RunTotal.run_id == run.run_id, visible_clause(ctx, RunTotal.owner, RunTotal.team))
        .group_by(RunTotal.class_)
    ).all()
    found = {code: (int(n), sales, profit) for code, n, sales, profit in rows}
    labels = {c.code: c.label[lang] for c in run.policy.classes}
    order = [*run.policy.class_codes, *sorted(set(found) - set(run.policy.class_codes))]
    n_all = sum(v[0] for v in found.values()) or 1
    sales_all = sum(v[1] or 0.0 for v in found.values())
    profit_all = sum(v[2] or 0.0 for v in found.values())
    out = []
    for code in order:
        n, sales, profit = found.get(code, (0, None, None))
        out.append(
            ClassShare(
                code,
                labels.get(code, code),
                n,
                sales,
                profit,
                n / n_all,
                (sales or 0.0) / sales_all if sales_all > 0 else None,
                (profit or 0.0) / profit_all if profit_all > 0 else None,
            )
        )
    return out


def _curves(session: Session, ctx: ServiceContext, run_id: int) -> tuple[list[list[float]], list[list[float]]]:
    seen = restricted(ctx)
    if seen is None:  # everyone: the curve saved with the run
        saved = session.execute(select(RunCurve.points).where(RunCurve.run_id == run_id)).scalar_one_or_none()
        return (saved or {}).get("sales", []), (saved or {}).get("profit", [])
    saved_curves = saved_scope_curves(session, run_id, seen)
    if saved_curves is not None:  # drawn when the run was saved, and no customer changed since
        return saved_curves
    # the viewer's customers first (an index on owner or team), then each one's row of the run by its key: as a
    # join, SQLite's planner may walk every assignment of the run and look each customer up (40 s at 1M)
    visible = select(Customer.customer_id).where(visible_clause(ctx))
    rows = session.execute(
        select(Assignment.sales, Assignment.profit).where(
            Assignment.run_id == run_id, Assignment.customer_id.in_(visible)
        )
    ).all()
    values = np.array(rows, dtype=float).reshape(-1, 2)  # NULL → NaN
    return concentration_curve(values[:, 0]), concentration_curve(values[:, 1])


def _moves(session: Session, ctx: ServiceContext, run_id: int) -> list[Move]:
    rows = session.execute(
        select(RunMove.from_class, RunMove.to_class, func.sum(RunMove.customers))
        .where(RunMove.run_id == run_id, visible_clause(ctx, RunMove.owner, RunMove.team))
        .group_by(RunMove.from_class, RunMove.to_class)
        .order_by(RunMove.from_class, RunMove.to_class)
    ).all()
    return [Move(a, b, int(n)) for a, b, n in rows]


def _complaints_by_age(session: Session, ctx: ServiceContext, today: dt.date) -> list[tuple[str, int]]:
    dates = session.execute(select(Complaint.date).where(unresolved(), _seen(ctx, Complaint.customer_id))).scalars()
    ages = (np.datetime64(today) - np.array(list(dates), dtype="datetime64[D]")).astype(int)
    bands = []
    for low, high in AGE_BANDS:  # four bands, each counted over the whole array
        inside = ages >= low if high is None else (ages >= low) & (ages <= high)
        bands.append((f"{low}+" if high is None else f"{low}-{high}", int(inside.sum())))
    return bands


def _nps_by_quarter(session: Session, ctx: ServiceContext) -> list[tuple[str, int, float | None]]:
    quarter = cast(extract("year", Survey.date), Integer) * 4 + (cast(extract("month", Survey.date), Integer) - 1) // 3
    answers = func.count(Survey.nps)
    promoters = func.sum(case((Survey.nps >= PROMOTER_AT, 1), else_=0))
    detractors = func.sum(case((Survey.nps <= DETRACTOR_AT, 1), else_=0))
    nps = case((answers > 0, literal(100.0) * (promoters - detractors) / cast(answers, Float)), else_=None)
    rows = session.execute(
        select(quarter.label("q"), answers, nps)
        .where(_seen(ctx, Survey.customer_id))
        .group_by(quarter)
        .order_by(quarter.desc())
        .limit(NPS_QUARTERS)
    ).all()
    return [
        (f"{int(q) // 4}Q{int(q) % 4 + 1}", int(n), float(v) if v is not None else None) for q, n, v in reversed(rows)
    ]


def _seen(ctx: ServiceContext, customer_id: Any) -> ColumnElement[bool]:
    """A complaint's or survey's customer is in the store and seen by ``ctx``'s actor: each row's customer is
    looked up by its key. As a join, SQLite's planner started from the viewer's customers (a manager's 50,000
    at a million) and probed the complaints of each, even with no complaint at all."""
    return exists().where(Customer.customer_id == customer_id, visible_clause(ctx))


def owners_in_view(ctx: ServiceContext) -> list[str]:
    """The account managers of the customers ``ctx``'s actor may see, by name (for pickers)."""
    require_action(ctx, "customers.read")
    with ctx.store() as session:
        names = session.execute(
            select(Customer.owner)
            .where(Customer.owner.is_not(None), visible_clause(ctx))
            .distinct()
            .order_by(Customer.owner)
        ).scalars()
        return list(names)
