"""Demo transactions (orders and returns) and the receivables invoiced for part of them.

Orders follow the Pareto/NBD process: while a customer is active (from the first order until an
exponential dropout), orders arrive as a Poisson process, so their days are uniform over the active
span. Each order costs the goods sold plus a cost to serve it, so frequent small orders lose money.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from tierwise.io.demo import text
from tierwise.io.demo import vocabulary as vocab
from tierwise.io.demo.population import DAYS_PER_YEAR, HistorySpan, Population

TRANSACTION_DIGITS = 10
INVOICE_DIGITS = 9
ORDER_VALUE_SIGMA = 0.6  # spread of order values around a customer's typical order
PROFIT_GIVEN = 0.65  # share of rows whose profit column is filled (the rest leave it to amount − cost)
INVOICED_MINIMUM = 500.0
INVOICED_SHARE = 0.5
# Per payer type (on time, late, partial, defaulting): chances of paying an invoice on time, late,
# partly, or not at all.
_UNIT_PRICES = np.array([c[2] for c in vocab.CATEGORIES], dtype=np.float32)
PAYMENT_OUTCOMES = np.array(
    [
        [0.90, 0.10, 0.00, 0.00],
        [0.30, 0.70, 0.00, 0.00],
        [0.20, 0.30, 0.50, 0.00],
        [0.10, 0.10, 0.20, 0.60],
    ]
)


@dataclass
class Purchases:
    """Transactions of a segment, and the per-customer order counts the activity tables lean on."""

    table: pa.Table
    orders_per_customer: np.ndarray
    customer: np.ndarray  # local customer index of each row
    day: np.ndarray
    amount: np.ndarray


def _sorted_uniforms(
    rng: np.random.Generator, counts: np.ndarray, group: np.ndarray, opening: np.ndarray
) -> np.ndarray:
    """For each group of ``counts[i]`` rows (``group``: each row's group), sorted uniforms in [0, 1), sort-free.

    Cumulated exponential spacings divided by their total plus one more spacing are distributed as
    sorted uniforms. Where ``opening[i]``, the group's first value is 0 (the customer's first order).
    """
    m = int(counts.sum())
    spacing = rng.exponential(1.0, m)
    spacing[(np.cumsum(counts) - counts)[opening & (counts > 0)]] = 0.0
    running = np.cumsum(spacing)
    ends = np.cumsum(counts)
    before = np.concatenate([[0.0], running])[ends - counts]  # running total before each group
    total = np.concatenate([[0.0], running])[ends] - before + rng.exponential(1.0, len(counts))
    return (running - before[group]) / total[group]


def draw_transactions(rng: np.random.Generator, pop: Population, window: HistorySpan, first_row: int) -> Purchases:
    """Orders and returns of the segment's customers, numbered from ``first_row + 1``."""
    n = len(pop)
    span = np.clip(pop.active_to - pop.active_from, 0, None)
    active = pop.active_to >= pop.active_from
    counts = np.where(active, rng.poisson(pop.rate * span / DAYS_PER_YEAR), 0) + pop.first_order
    customer = np.repeat(np.arange(n, dtype=np.int32), counts)
    position = _sorted_uniforms(rng, counts, customer, pop.first_order)
    day = pop.active_from[customer] + (position * (span[customer] + 1)).astype(np.int64)
    # companies order on working days: Saturday moves to Friday, Sunday to Monday (order is kept)
    weekday = (day + 3) % 7  # 1970-01-01 was a Thursday; 0 = Monday
    day += np.where(pop.company[customer], (weekday == 6).astype(np.int64) - (weekday == 5), 0)
    day = np.clip(day, pop.active_from[customer], window.end)
    m = len(customer)

    # noise is drawn in single precision: plenty for spreads, and half the memory traffic
    with np.errstate(divide="ignore", invalid="ignore"):
        typical_order = np.where(pop.rate > 0, pop.spend / pop.rate, 0.0)
    spread = np.exp(ORDER_VALUE_SIGMA * rng.standard_normal(m, dtype=np.float32) - np.float32(ORDER_VALUE_SIGMA**2 / 2))
    amount = np.round(np.maximum(typical_order[customer] * spread, 5.0), 2)

    returned = rng.random(m, dtype=np.float32) < pop.return_rate[customer]
    r_customer = customer[returned]
    r_day = day[returned] + rng.integers(2, 31, returned.sum())
    r_amount = -np.round(amount[returned] * rng.uniform(0.1, 1.0, returned.sum()), 2)
    kept = r_day <= window.end  # returns follow the orders of the segment, by customer
    customer = np.concatenate([customer, r_customer[kept]])
    day = np.concatenate([day, r_day[kept]])
    amount = np.concatenate([amount, r_amount[kept]])
    rows = len(customer)

    sale = amount > 0
    goods = amount * (1.0 - pop.margin[customer]) * (1.0 + 0.05 * rng.standard_normal(rows, dtype=np.float32))
    cost = np.round(goods + pop.serve_cost[customer] * np.where(sale, 1.0, 0.5), 2)
    profit = np.round(amount - cost, 2)
    category = np.where(
        rng.random(rows, dtype=np.float32) < 0.65,
        pop.category[customer],
        rng.integers(0, len(vocab.CATEGORIES), rows, dtype=np.int8),
    )
    channel = np.where(
        rng.random(rows, dtype=np.float32) < 0.85,
        pop.channel[customer],
        rng.integers(0, len(vocab.CHANNELS), rows, dtype=np.int8),
    )
    unit_price = _UNIT_PRICES[category] * np.exp(0.3 * rng.standard_normal(rows, dtype=np.float32))
    quantity = np.maximum(1.0, np.round(np.abs(amount) / unit_price))
    quantity[~sale] *= -1.0

    table = pa.table(
        {
            "customer_id": pop.ids.take(pa.array(customer)),
            "date": text.dates(day),
            "amount": pa.array(amount, pa.float64()),
            "transaction_id": text.sequential_ids("T", first_row + 1, rows, TRANSACTION_DIGITS),
            "cost": pa.array(cost, pa.float64()),
            "profit": pa.array(profit, pa.float64(), mask=rng.random(rows, dtype=np.float32) >= PROFIT_GIVEN),
            "category": text.words([c[0] for c in vocab.CATEGORIES], category),
            "channel": text.words([c for c, _ in vocab.CHANNELS], channel),
            "quantity": pa.array(quantity, pa.float64()),
        }
    )
    return Purchases(table, np.bincount(customer, minlength=n), customer, day, amount)


def draw_receivables(
    rng: np.random.Generator, pop: Population, purchases: Purchases, window: HistorySpan, first_invoice: int
) -> pa.Table:
    """Invoices for part of the orders of customers with payment terms, paid on time, late, partly or not."""
    customer, amount = purchases.customer, purchases.amount
    invoiced = (pop.terms[customer] > 0) & (amount >= INVOICED_MINIMUM) & (rng.random(len(amount)) < INVOICED_SHARE)
    customer, day, amount = customer[invoiced], purchases.day[invoiced], amount[invoiced]
    n = len(customer)
    terms = pop.terms[customer]
    due = day + terms
    chances = np.cumsum(PAYMENT_OUTCOMES[pop.payer[customer]], axis=1)
    outcome = (rng.random(n)[:, None] > chances[:, :-1]).sum(axis=1)  # 0 on time, 1 late, 2 partial, 3 unpaid
    paid_day = np.select(
        [outcome == 0, outcome == 1, outcome == 2],
        [
            day + np.round(rng.uniform(0.2, 1.0, n) * terms).astype(np.int64),
            due + 1 + rng.exponential(40.0, n).astype(np.int64),
            due + rng.exponential(20.0, n).astype(np.int64),
        ],
        default=window.end + 1,
    )
    paid_amount = np.where(outcome == 2, np.round(amount * rng.uniform(0.2, 0.9, n), 2), amount)
    unpaid = paid_day > window.end  # includes invoices paid only after the end of the history
    return pa.table(
        {
            "invoice_id": text.sequential_ids("INV", first_invoice + 1, n, INVOICE_DIGITS),
            "customer_id": pop.ids.take(pa.array(customer)),
            "invoice_date": text.dates(day),
            "due_date": text.dates(due),
            "amount": pa.array(amount, pa.float64()),
            "paid_date": text.dates(paid_day, mask=unpaid),
            "paid_amount": pa.array(paid_amount, pa.float64(), mask=unpaid),
        }
    )
