"""ABC classes on cumulative share (Pareto): the few customers that make most of the value.

Customers are sorted by the indicator descending, ties by ``customer_id``. A customer is A while the
cumulative share of the customers *before* it is below the A bound (so the customer that crosses 80 % is
A, and the top customer is always A), B while it is below the B bound, else C. The share is of the
total positive value; customers with zero or negative value are C with that reason.
Reason: ``12-month sales 52,000.00, cumulative share before 41.5% < 80% → A``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.reasons import (
    engine_text,
    format_constant,
    format_number,
    format_value,
    indicator_label,
    reason_list,
)
from tierwise.i18n import N_, Language

BEFORE = N_("%(value)s, cumulative share before %(share)s")


class Abc(Method):
    """ABC analysis (policy section ``method: abc``). Learns ``total_``, the sum of positive values."""

    def fit(self, indicators: ir.Table) -> Abc:
        """Sum the positive values (``total_``), the denominator of every cumulative share."""
        super().fit(indicators)
        value = indicators[self.spec.indicator]
        self.total_ = float(ibis.ifelse(value > 0, value, 0).sum().fill_null(0).execute())
        return self

    def prepare(self, t: ir.Table) -> ir.Table:
        """Add the cumulative share of the customers ranked before each one."""
        value = t[self.spec.indicator]
        positive = ibis.ifelse(value > 0, value, 0)
        window = ibis.window(order_by=[value.isnull(), value.desc(), t.customer_id], rows=(None, -1))
        before = positive.sum().over(window).fill_null(0)
        share = before / self.total_ if self.total_ > 0 else ibis.literal(0.0)
        return t.mutate(**{self.column("share"): share.cast("float64")})

    def decide(self, t: ir.Table, lang: Language):
        """Class A/B/C, score (the value) and the reason naming the cumulative share before the customer."""
        spec = self.spec
        a_code, b_code, c_code = spec.classes
        value = t[spec.indicator]
        share = t[self.column("share")]
        grants = self.vocabulary.grants
        unit = self.vocabulary.unit(spec.indicator)
        head = indicator_label(spec.indicator, lang, spec.label) + " " + format_value(value, unit, lang)
        a_text = format_constant(spec.a, "ratio")
        b_text = format_constant(spec.b, "ratio")
        cls = ibis.cases((value <= 0, c_code), (share < spec.a, a_code), (share < spec.b, b_code), else_=c_code)
        compared = ibis.cases(
            (share < spec.a, ibis.literal(" < " + a_text + grants(a_code, lang))),
            (share < spec.b, ibis.literal(" < " + b_text + grants(b_code, lang))),
            else_=ibis.literal(" ≥ " + b_text + grants(c_code, lang)),
        )
        text = ibis.cases(
            (value <= 0, head + " ≤ 0" + grants(c_code, lang)),
            else_=engine_text(BEFORE, lang, value=head, share=format_number(share * 100, 1) + "%" + compared),
        )
        return cls, value.cast("float64"), reason_list([text])
