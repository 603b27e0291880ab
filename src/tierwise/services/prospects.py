"""Prospect qualification on the store: each customer that is not an approved key account scored against
the qualified-customer profile (:mod:`tierwise.analytics.prospect_profile`) with the reasons, and its
look-alike score — how close its traits are to today's approved key accounts.

The look-alike score is 1 / (1 + d), d the Euclidean distance to the nearest approved key account on
standardised traits (log employees, log annual revenue, industry and region one-hot; a missing number
takes the median), found by a nearest-neighbour search. The traits are one SQL query (customers
with their opportunities summed up); scoring is column arithmetic; reasons are written for the prospects
returned only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from tierwise.accounts.lifecycle import KEPT
from tierwise.analytics.prospect_profile import MET, Profile, load_profile, score_prospects
from tierwise.i18n import Message
from tierwise.services.context import ServiceContext
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Customer, Opportunity

TRAITS = ["customer_id", "name", "industry", "region", "employees", "annual_revenue", "budget", "needs_met", "need"]


@dataclass(frozen=True)
class ProspectScore:
    """A prospect's qualification and look-alike score."""

    customer_id: str
    name: str
    score: float
    grade: str | None
    reasons: tuple[Message, ...]
    lookalike: float | None  # None without approved key accounts
    nearest_key_account: str | None


def _traits(session, profile: Profile) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    needs = profile.criteria.needs
    objective = needs.objective_need if needs else "yes"
    subjective = [v.lower() for v in needs.subjective_need_any_of] if needs else []
    o = Opportunity
    fits = (func.lower(o.objective_need) == objective) & func.lower(o.subjective_need).in_(subjective or [""])
    opp = (
        select(
            o.customer_id,
            func.max(o.amount).label("budget"),
            func.max(case((fits, 1), else_=0)).label("needs_met"),
            func.max(case((fits, o.subjective_need), else_=None)).label("need"),
        )
        .group_by(o.customer_id)
        .subquery()
    )
    key = select(KeyAccount.customer_id).where(KeyAccount.status.in_(list(KEPT)))
    query = select(
        Customer.customer_id, Customer.name, Customer.industry, Customer.region, Customer.employees,
        Customer.annual_revenue, opp.c.budget, opp.c.needs_met, opp.c.need,
        Customer.customer_id.in_(key).label("is_key"),
    ).join(opp, opp.c.customer_id == Customer.customer_id, isouter=True)  # fmt: skip
    frame = pd.DataFrame(session.execute(query).all(), columns=[*TRAITS, "is_key"])
    for column in ("employees", "annual_revenue", "budget"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
    frame["needs_met"] = frame["needs_met"].fillna(0).astype(int) == 1
    frame["is_key"] = frame["is_key"].fillna(False).astype(bool)
    return frame


def _features(frame: pd.DataFrame) -> np.ndarray:
    numbers = np.log1p(frame[["employees", "annual_revenue"]].clip(lower=0))
    numbers = numbers.fillna(numbers.median()).fillna(0.0)
    labels = pd.get_dummies(
        frame[["industry", "region"]].fillna("").apply(lambda c: c.str.strip().str.lower()), dtype=float
    )
    x = np.hstack([numbers.to_numpy(), labels.to_numpy()])
    std = x.std(axis=0)
    return (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0)  # z-scores; a constant column stays 0


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


def qualify_prospects(
    ctx: ServiceContext, *, profile: Profile | str = "qualified-customer", limit: int | None = 50, by: str = "score"
) -> list[ProspectScore]:
    """Prospects (customers that are not approved key accounts) by qualification score (``by="score"``)
    or by look-alike score (``by="lookalike"``), best first, at most ``limit``."""
    chosen = load_profile(profile) if isinstance(profile, str) else profile
    with ctx.store() as session:
        frame = _traits(session, chosen)
    if frame.empty:
        return []
    scored = score_prospects(frame, chosen)
    scored["lookalike"], scored["nearest"] = np.nan, None
    keys = scored.index[scored.is_key]
    if len(keys) and (~scored.is_key).any():
        features = _features(scored)
        distance, index = _nearest(features[~scored.is_key.to_numpy()], features[keys])
        scored.loc[~scored.is_key, "lookalike"] = 1.0 / (1.0 + distance)
        scored.loc[~scored.is_key, "nearest"] = scored.customer_id.to_numpy()[keys[index]]
    prospects = scored[~scored.is_key]
    order = ["score", "lookalike", "customer_id"] if by == "score" else ["lookalike", "score", "customer_id"]
    prospects = prospects.sort_values(order, ascending=[False, False, True], na_position="last")
    top = prospects if limit is None else prospects.head(limit)
    return [_entry(row, chosen) for row in top.to_dict("records")]  # the prospects shown, not every customer


def _entry(row: dict, profile: Profile) -> ProspectScore:
    values = {
        "industry": row["industry"], "region": row["region"], "employees": _number(row["employees"]),
        "revenue": _number(row["annual_revenue"]), "need": row["need"], "amount": _number(row["budget"]),
    }  # fmt: skip
    reasons = tuple(Message(MET[name], values) for name in MET if row.get(f"met_{name}"))
    lookalike = None if pd.isna(row["lookalike"]) else round(float(row["lookalike"]), 4)
    return ProspectScore(
        row["customer_id"], row["name"], float(row["score"]), row["grade"], reasons, lookalike, row["nearest"]
    )


def _number(value: object) -> str:
    return "–" if value is None or pd.isna(value) else f"{float(value):,.0f}"
