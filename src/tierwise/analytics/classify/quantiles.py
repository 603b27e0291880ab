"""Quantiles: equal-count bins of one indicator, best first, with deterministic ties.

Customers with a value are ordered best first (descending, or ascending when lower is better), ties by
``customer_id``; the customer at 1-based position ``p`` of ``n`` belongs to the first bin whose
cumulative share ``s`` has ``p ≤ s · n``. So with 10 customers and shares 0.2/0.3/0.5, positions 1–2,
3–5 and 6–10 form the bins whatever the ties. Reason: ``12-month sales 52,000.00, rank 2 of 10, within
the top 20% → gold``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.policy import Share
from tierwise.analytics.classify.reasons import (
    engine_text,
    format_constant,
    format_value,
    indicator_label,
    reason_list,
)
from tierwise.i18n import N_, Language, Message, translate

EPSILON = 1e-9  # shares such as 0.1 · 30 are not exact in binary floating point
RANK = N_("%(value)s, rank %(position)s of %(count)s")
WITHIN = N_("%(text)s, within the top %(share)s")


def positions(t: ir.Table, value: ir.Value, ascending: bool) -> tuple[ir.IntegerValue, ir.IntegerValue]:
    """1-based position of each row by ``value`` (best first, ties by customer_id; NULLs last) and the count."""
    order = value.asc() if ascending else value.desc()
    window = ibis.window(order_by=[value.isnull(), order, t.customer_id])
    return ibis.row_number().over(window) + 1, value.count().over(ibis.window())


def bin_index(position: ir.IntegerValue, n: ir.IntegerValue, shares: list[float]) -> ir.IntegerValue:
    """0-based bin of a position, given the bin shares best first (see the module docstring)."""
    branches, cumulative = [], 0.0
    for k, share in enumerate(shares[:-1]):
        cumulative += share
        branches.append((position <= n * cumulative + EPSILON, k))
    return ibis.cases(*branches, else_=len(shares) - 1)


class Quantiles(Method):
    """Equal-count bins (policy section ``method: quantiles``). No learned state: positions are per run."""

    def prepare(self, t: ir.Table) -> ir.Table:
        """Add each customer's position and the number of customers with a value."""
        pos, n = positions(t, t[self.spec.indicator], self.spec.ascending)
        return t.mutate(**{self.column("pos"): pos, self.column("n"): n})

    def decide(self, t: ir.Table, lang: Language):
        """Class of the bin, score (the value) and the reason naming the rank."""
        spec = self.spec
        value = t[spec.indicator]
        pos, n = t[self.column("pos")], t[self.column("n")]
        cls, tail = bin_choice(pos, n, spec.bins, self.vocabulary.grants, lang)
        unit = self.vocabulary.unit(spec.indicator)
        head = indicator_label(spec.indicator, lang, spec.label) + " " + format_value(value, unit, lang)
        text = rank_text(head, pos, n, lang) + tail
        return cls, value.cast("float64"), reason_list([text])


def bin_choice(
    pos: ir.IntegerValue, n: ir.IntegerValue, bins: list[Share], grants, lang: Language
) -> tuple[ir.StringValue, ir.StringValue]:
    """Class of each position's bin and the reason tail (``, within the top 20% → gold``)."""
    k = bin_index(pos, n, [b.share for b in bins])
    cls_branches, tails, cumulative = [], [], 0.0
    for i, b in enumerate(bins):
        cumulative += b.share
        within = (
            translate(Message(WITHIN, {"text": "", "share": format_constant(cumulative, "ratio")}), lang)
            if i < len(bins) - 1
            else ""
        )
        cls_branches.append((k == i, ibis.literal(b.class_)))
        tails.append((k == i, ibis.literal(within + grants(b.class_, lang))))
    return ibis.cases(*cls_branches), ibis.cases(*tails)


def rank_text(head: ir.StringValue, pos: ir.IntegerValue, n: ir.IntegerValue, lang: Language) -> ir.StringValue:
    """``head, rank 3 of 100`` / ``head，排名 3/100``."""
    return engine_text(RANK, lang, value=head, position=pos, count=n)
