"""Prospect qualification on the store: each customer that is not an approved key account scored against
the qualified-customer profile (:mod:`tierwise.analytics.prospect_profile`) with the reasons, and its
look-alike score — how close its traits are to today's approved key accounts. The look-alike score meets
the profile's look-alike criterion at its bound, so both feed the grade; the grades the profile names to
``develop`` give each account manager's new-account-development count in the contact plan
(:func:`development_counts`: those prospects that have bought nothing and have no open opportunity yet).

A person sees only the prospects they may see (an account manager their own, a manager their teams'):
the traits are standardised and the key accounts searched over every customer (a population figure), but
a nearest key account the viewer does not see is not named.

The look-alike score is 1 / (1 + d), d the Euclidean distance to the nearest approved key account on
standardised traits (log employees, log annual revenue, industry and region one-hot; a missing number
takes the median), found by a nearest-neighbour search. The z-scores' means and deviations over every
customer are aggregates in the store (:mod:`tierwise.services.prospect_population`); the traits are one SQL
query (customers with their opportunities summed up) that reads only the approved key accounts and the
prospects scored — those one sees, or for the plan only those to develop; scoring is column arithmetic;
reasons are written for the prospects returned only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import Float, and_, case, cast, func, literal, or_, select

from tierwise.accounts.lifecycle import KEPT
from tierwise.analytics.prospect_profile import MET, Profile, load_profile, score_prospects
from tierwise.errors import UsageError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action, restricted, visible_clause
from tierwise.services.context import ServiceContext
from tierwise.services.prospect_population import population
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Customer, Opportunity, Transaction

TRAITS = ["customer_id", "name", "industry", "region", "employees", "annual_revenue", "budget", "needs_met", "need"]
EXTRA = ["owner", "is_key", "seen", "open_opportunities", "bought"]
CLOSED_STAGES = ("won", "lost")
BY = ("score", "lookalike")
DEVELOPMENT_PROFILE = "qualified-customer"
BAD_BY = N_("prospects are ordered by %(choices)s, not %(by)s")


@dataclass(frozen=True)
class ProspectScore:
    """A prospect's qualification and look-alike score."""

    customer_id: str
    name: str
    score: float
    grade: str | None
    reasons: tuple[Message, ...]
    lookalike: float | None  # None without approved key accounts
    nearest_key_account: str | None  # None when the viewer does not see it
    owner: str | None = None
    develop: bool = False  # counted in its owner's new-account-development time


def _traits(session, profile: Profile, ctx: ServiceContext, owner: str | None, develop: bool) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    """The traits of every approved key account and of the prospects ``ctx``'s actor sees (``owner``'s only;
    ``develop``: only those with no purchase and no open opportunity)."""
    needs = profile.criteria.needs
    objective = needs.objective_need if needs else "yes"
    subjective = [v.lower() for v in needs.subjective_need_any_of] if needs else []
    o = Opportunity
    fits = (func.lower(o.objective_need) == objective) & func.lower(o.subjective_need).in_(subjective or [""])
    opp = (
        select(
            o.customer_id,
            func.max(cast(o.amount, Float)).label("budget"),
            func.max(case((fits, 1), else_=0)).label("needs_met"),
            func.max(case((fits, o.subjective_need), else_=None)).label("need"),
            func.sum(case((func.lower(func.coalesce(o.stage, "")).in_(CLOSED_STAGES), 0), else_=1)).label("open"),
        )
        .group_by(o.customer_id)
        .subquery()
    )
    key = select(KeyAccount.customer_id).where(KeyAccount.status.in_(list(KEPT)))
    buyers = select(Transaction.customer_id).where(Transaction.customer_id == Customer.customer_id).exists()
    seen = literal(1) if restricted(ctx) is None else case((visible_clause(ctx), 1), else_=0)
    is_key = Customer.customer_id.in_(key)
    chosen = [] if restricted(ctx) is None else [visible_clause(ctx)]
    if owner is not None:
        chosen.append(Customer.owner == owner)
    if develop:
        chosen += [func.coalesce(opp.c.open, 0) == 0, ~buyers]
    query = select(
        Customer.customer_id, Customer.name, Customer.industry, Customer.region, Customer.employees,
        cast(Customer.annual_revenue, Float), opp.c.budget, opp.c.needs_met, opp.c.need, Customer.owner,
        is_key.label("is_key"), seen.label("seen"), opp.c.open, case((buyers, 1), else_=0).label("bought"),
    ).join(opp, opp.c.customer_id == Customer.customer_id, isouter=True)  # fmt: skip
    if chosen:
        query = query.where(or_(is_key, and_(*chosen)))
    frame = pd.read_sql_query(query, session.connection())  # one query, read by pandas column-wise
    frame.columns = [*TRAITS, *EXTRA]
    for column in ("employees", "annual_revenue", "budget"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["needs_met"] = frame["needs_met"].fillna(0).astype(int) == 1
    frame["is_key"] = frame["is_key"].fillna(False).astype(bool)
    frame["seen"] = frame["seen"].fillna(0).astype(int) == 1
    frame["open_opportunities"] = frame["open_opportunities"].fillna(0).astype(int)
    frame["bought"] = frame["bought"].fillna(0).astype(int) == 1
    return frame


def _nearest(points: np.ndarray, references: np.ndarray, chunk: int = 4096) -> tuple[np.ndarray, np.ndarray]:
    """For each point, the Euclidean distance to the nearest reference and that reference's position
    (the first on a tie), ``chunk`` points at a time so that memory stays at ``chunk × len(references)``."""
    distance, index = np.empty(len(points)), np.empty(len(points), dtype=np.int64)
    for start in range(0, len(points), chunk):
        part = points[start : start + chunk]
        squared = (part**2).sum(axis=1)[:, None] - 2 * part @ references.T + (references**2).sum(axis=1)[None, :]
        best = squared.argmin(axis=1)
        index[start : start + chunk] = best
        distance[start : start + chunk] = np.sqrt(np.maximum(squared[np.arange(len(part)), best], 0.0))
    return distance, index


def _scored(ctx: ServiceContext, profile: Profile, *, owner: str | None = None, develop: bool = False) -> pd.DataFrame:
    """The prospects ``ctx``'s actor sees (``owner``'s only; ``develop``: only those with no purchase and no
    open opportunity) with their look-alike score, nearest key account, criteria met, score and grade."""
    with ctx.store() as session:
        frame = _traits(session, profile, ctx, owner, develop)
        standard = population(session) if frame.is_key.any() else None
    if frame.empty:
        return frame
    frame["lookalike"], frame["nearest"] = np.nan, None
    keys = frame.index[frame.is_key]
    if standard is not None and (~frame.is_key).any():
        features = standard.features(frame)
        distance, index = _nearest(features[~frame.is_key.to_numpy()], features[keys])
        frame.loc[~frame.is_key, "lookalike"] = 1.0 / (1.0 + distance)
        frame.loc[~frame.is_key, "nearest"] = frame.customer_id.to_numpy()[keys[index]]
        seen_keys = set(frame.customer_id[frame.is_key & frame.seen])
        frame.loc[~frame.nearest.isin(seen_keys), "nearest"] = None  # a key account one does not see: unnamed
    scored = score_prospects(frame, profile)
    prospects = ~scored.is_key
    scored["develop"] = (
        prospects & scored.grade.isin(profile.develop) & ~scored.bought & (scored.open_opportunities == 0)
    )
    return scored[prospects & scored.seen]


def qualify_prospects(
    ctx: ServiceContext,
    *,
    profile: Profile | str = DEVELOPMENT_PROFILE,
    limit: int | None = 50,
    by: str = "score",
    owner: str | None = None,
    grade: str | None = None,
) -> list[ProspectScore]:
    """The prospects ``ctx``'s actor sees (customers that are not approved key accounts; ``owner``: one
    account manager's; ``grade``: of one grade only) by qualification score (``by="score"``) or by
    look-alike score (``by="lookalike"``), best first, at most ``limit``."""
    require_action(ctx, "customers.read")
    if by not in BY:
        raise UsageError(Message(BAD_BY, {"choices": ", ".join(BY), "by": repr(by)}))
    chosen = load_profile(profile) if isinstance(profile, str) else profile
    prospects = _scored(ctx, chosen, owner=owner)
    if prospects.empty:
        return []
    if grade is not None:
        prospects = prospects[prospects.grade == grade]
    order = ["score", "lookalike", "customer_id"] if by == "score" else ["lookalike", "score", "customer_id"]
    prospects = prospects.sort_values(order, ascending=[False, False, True], na_position="last")
    top = prospects if limit is None else prospects.head(limit)
    return [_entry(row, chosen) for row in top.to_dict("records")]  # the prospects shown, not every customer


def development_counts(
    ctx: ServiceContext, *, profile: Profile | str = DEVELOPMENT_PROFILE, owner: str | None = None
) -> dict[str | None, int]:
    """Per account manager, the prospects ``ctx``'s actor sees that are worth new-account development: of a
    grade the profile names to ``develop``, with no purchase and no open opportunity yet."""
    require_action(ctx, "customers.read")
    chosen = load_profile(profile) if isinstance(profile, str) else profile
    prospects = _scored(ctx, chosen, owner=owner, develop=True)
    if prospects.empty:
        return {}
    chosen_rows = prospects[prospects.develop]
    counts = chosen_rows.groupby(chosen_rows.owner.fillna("\0"), sort=True).size()
    return {(None if who == "\0" else who): int(n) for who, n in counts.items()}


def _entry(row: dict, profile: Profile) -> ProspectScore:
    values = {
        "industry": row["industry"], "region": row["region"], "employees": _number(row["employees"]),
        "revenue": _number(row["annual_revenue"]), "need": row["need"], "amount": _number(row["budget"]),
        "lookalike": "–" if pd.isna(row["lookalike"]) else f"{float(row['lookalike']):.2f}",
    }  # fmt: skip
    reasons = tuple(Message(MET[name], values) for name in MET if row.get(f"met_{name}"))
    lookalike = None if pd.isna(row["lookalike"]) else round(float(row["lookalike"]), 4)
    return ProspectScore(
        row["customer_id"], row["name"], float(row["score"]), row["grade"], reasons, lookalike, row["nearest"],
        None if pd.isna(row["owner"]) else row["owner"], bool(row["develop"]),
    )  # fmt: skip


def _number(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.0f}"
