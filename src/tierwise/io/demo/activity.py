"""Demo opportunities, visits, complaints and surveys, drawn from the customers' traits and orders.

Event days never pass the end of the history; planned days (expected close, next visit) may.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from tierwise.io.demo import text
from tierwise.io.demo import vocabulary as vocab
from tierwise.io.demo.population import DAYS_PER_YEAR, HistorySpan, Population

STAGE_WEIGHTS = (0.24, 0.20, 0.16, 0.10, 0.18, 0.12)  # lead, qualified, proposal, negotiation, won, lost
STAGES = ("lead", "qualified", "proposal", "negotiation", "won", "lost")
# Days from the end of the history to the expected close of an open opportunity, by stage (low, high).
CLOSE_AHEAD = ((60, 540), (30, 365), (14, 240), (7, 120))
LEVELS = ("high", "mid", "low")


def _events(
    rng: np.random.Generator, per_customer: np.ndarray, lo: np.ndarray, hi: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Rows for ``per_customer`` events each, on uniform days in [lo, hi]: (customer index, day)."""
    customer = np.repeat(np.arange(len(per_customer)), per_customer)
    span = np.clip(hi - lo, 0, None)[customer]
    return customer, lo[customer] + (rng.random(len(customer)) * (span + 1)).astype(np.int64)


def _contact_names(codes: np.ndarray) -> pa.StringArray:
    names = [f"{s} {g}" for s, _ in vocab.SURNAMES for g, _ in vocab.GIVEN_NAMES]
    return text.words(names, codes % len(names))


def draw_opportunities(
    rng: np.random.Generator, pop: Population, orders: np.ndarray, window: HistorySpan, first_id: int
) -> pa.Table:
    """Open and closed opportunities: prospects get one or two, buying customers a few now and then."""
    n = len(pop)
    prospect = orders == 0
    count = np.where(prospect, (rng.random(n) < 0.8) * (1 + rng.poisson(0.4, n)), rng.poisson(0.25, n))
    opened_from = np.maximum(pop.created, window.start)
    customer, opened = _events(rng, count, opened_from, np.full(n, window.end))
    m = len(customer)
    stage = rng.choice(len(STAGES), m, p=STAGE_WEIGHTS)
    open_stage = stage < 4
    bounds = np.array(CLOSE_AHEAD)[np.minimum(stage, 3)]
    ahead = rng.integers(bounds[:, 0], bounds[:, 1] + 1)
    overdue = rng.random(m) < 0.1
    close = np.where(
        open_stage,
        np.where(overdue, window.end - rng.integers(1, 60, m), window.end + ahead),
        np.minimum(opened + rng.integers(14, 200, m), window.end),
    )
    readiness = np.where(open_stage, stage / 3.0, np.where(stage == 4, 1.0, rng.random(m)))

    def level(shift: float) -> np.ndarray:
        score = readiness + rng.normal(shift, 0.3, m)
        return np.select([score > 0.66, score > 0.3], [0, 1], default=2)

    feasibility = rng.random(m) < 0.2 + 0.6 * readiness
    amount = np.round(rng.lognormal(np.log(np.maximum(pop.spend[customer] * 0.4, 20_000)), 0.7), -2)
    return pa.table(
        {
            "opportunity_id": text.sequential_ids("OPP", first_id + 1, m, 8),
            "customer_id": pop.ids.take(pa.array(customer)),
            "stage": text.words(STAGES, stage),
            "expected_close_date": text.dates(close, mask=rng.random(m) < 0.1),
            "amount": pa.array(amount, pa.float64(), mask=rng.random(m) < 0.05),
            "objective_need": text.words(("yes", "no"), (rng.random(m) >= 0.55 + 0.4 * readiness).astype(np.int8)),
            "subjective_need": text.words(LEVELS, level(0.0)),
            "resolve": text.words(LEVELS, level(-0.1), mask=rng.random(m) < 0.05),
            "feasibility_started": pa.array(feasibility),
            "selection_started": pa.array(feasibility & (rng.random(m) < 0.15 + 0.7 * readiness)),
        }
    )


def draw_visits(rng: np.random.Generator, pop: Population, window: HistorySpan, first_id: int) -> pa.Table:
    """Account managers' visits: big accounts monthly, small ones about yearly, persons rarely."""
    per_year = np.where(pop.company, 1.0 + 11.0 * pop.spend / (pop.spend + 300_000.0), 0.3)
    lo = np.maximum(pop.created, window.start)
    hi = np.where(pop.active_to >= pop.active_from, np.minimum(pop.active_to + 90, window.end), window.end)
    count = rng.poisson(per_year * np.clip(hi - lo, 0, None) / DAYS_PER_YEAR)
    customer, day = _events(rng, count, lo, hi)
    m = len(customer)
    return pa.table(
        {
            "customer_id": pop.ids.take(pa.array(customer)),
            "date": text.dates(day),
            "visit_id": text.sequential_ids("V", first_id + 1, m, 9),
            "contact_person": _contact_names(rng.integers(0, 10**6, m)),
            "channel": text.words([c for c, _ in vocab.VISIT_CHANNELS], rng.integers(0, len(vocab.VISIT_CHANNELS), m)),
            "content": text.words([c for c, _ in vocab.VISIT_CONTENTS], rng.integers(0, len(vocab.VISIT_CONTENTS), m)),
            "progress": text.words(
                [c for c, _ in vocab.VISIT_PROGRESS],
                rng.integers(0, len(vocab.VISIT_PROGRESS), m),
                mask=rng.random(m) < 0.1,
            ),
            "next_visit_date": text.dates(day + rng.integers(7, 121, m), mask=rng.random(m) < 0.2),
        }
    )


def draw_complaints(
    rng: np.random.Generator, pop: Population, orders: np.ndarray, window: HistorySpan, first_id: int
) -> tuple[pa.Table, np.ndarray]:
    """Complaints in proportion to orders; most resolved within weeks, recent ones often still open.

    Returns the table and the number of complaints per customer.
    """
    n = len(pop)
    count = rng.poisson(0.02 * orders + 0.03 * (orders > 0))
    customer, day = _events(rng, count, pop.active_from, pop.active_to)
    m = len(customer)
    resolved_day = day + rng.exponential(12.0, m).astype(np.int64)
    resolved = (resolved_day <= window.end) & (rng.random(m) < 0.95)
    pick = lambda vocabulary: rng.integers(0, len(vocabulary), m)  # noqa: E731
    return pa.table(
        {
            "customer_id": pop.ids.take(pa.array(customer)),
            "date": text.dates(day),
            "complaint_id": text.sequential_ids("CP", first_id + 1, m, 8),
            "category": text.words([c for c, _ in vocab.COMPLAINT_CATEGORIES], pick(vocab.COMPLAINT_CATEGORIES)),
            "description": text.words([c for c, _ in vocab.COMPLAINT_DESCRIPTIONS], pick(vocab.COMPLAINT_DESCRIPTIONS)),
            "cause": text.words(
                [c for c, _ in vocab.COMPLAINT_CAUSES], pick(vocab.COMPLAINT_CAUSES), mask=rng.random(m) < 0.2
            ),
            "resolution": text.words(
                [c for c, _ in vocab.COMPLAINT_RESOLUTIONS], pick(vocab.COMPLAINT_RESOLUTIONS), mask=~resolved
            ),
            "status": text.words(("resolved", "open"), (~resolved).astype(np.int8)),
            "resolved_date": text.dates(resolved_day, mask=~resolved),
        }
    ), np.bincount(customer, minlength=n)


def draw_surveys(
    rng: np.random.Generator, pop: Population, orders: np.ndarray, complaints: np.ndarray, window: HistorySpan
) -> pa.Table:
    """Satisfaction surveys from about a third of buying customers; complaints pull the scores down."""
    n = len(pop)
    count = np.where((orders > 0) & (rng.random(n) < 0.35), 1 + rng.poisson(0.6, n), 0)
    customer, day = _events(rng, count, pop.active_from, np.full(n, window.end))
    m = len(customer)
    mood = 4.1 - 0.6 * complaints[customer] + rng.normal(0.0, 0.8, m)
    csat = np.clip(np.round(mood), 1, 5).astype(np.int64)
    nps = np.clip(np.round(2.2 * csat - 1.0 + rng.normal(0.0, 1.3, m)), 0, 10).astype(np.int64)
    return pa.table(
        {
            "customer_id": pop.ids.take(pa.array(customer)),
            "date": text.dates(day),
            "csat": pa.array(csat, pa.int64(), mask=rng.random(m) < 0.03),
            "nps": pa.array(nps, pa.int64(), mask=rng.random(m) < 0.05),
            "comment": text.words(
                [c for c, _ in vocab.SURVEY_COMMENTS],
                rng.integers(0, len(vocab.SURVEY_COMMENTS), m),
                mask=rng.random(m) >= 0.3,
            ),
        }
    )
