"""Thresholds on one indicator: the first bound the value reaches grants its class.

``at_least``/``at_most`` bounds are inclusive, ``above``/``below`` exclusive; below every bound the
criterion grants ``otherwise`` (or nothing). Reason: ``12-month spend 5,200,000.00 ≥ 5,000,000 → diamond``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.policy import Bound
from tierwise.analytics.classify.reasons import format_constant, format_value, indicator_label, reason_list
from tierwise.i18n import Language

SYMBOL = {"at_least": " ≥ ", "above": " > ", "at_most": " ≤ ", "below": " < "}
# the comparison that holds when a value misses a bound
MISSED = {"at_least": " < ", "above": " ≤ ", "at_most": " > ", "below": " ≥ "}


def reaches(value: ir.NumericValue, bound: Bound) -> ir.BooleanValue:
    """Whether ``value`` reaches ``bound`` (inclusive for ``at_*``)."""
    b = bound.value
    return {"at_least": value >= b, "above": value > b, "at_most": value <= b, "below": value < b}[bound.kind]


def tier_expressions(
    value: ir.NumericValue,
    bounds: list[Bound],
    otherwise: str | None,
    prefix: ir.StringValue,
    unit: str,
    grants,
    lang: Language,
) -> tuple[ir.StringValue, ir.StringValue]:
    """Class and reason text of a value against best-first bounds; ``prefix`` is ``label value``.

    The prefix appears once in the text expression (the bound part is a choice among literals), so the
    formatted number is computed once per row.
    """
    cls_branches, tails = [], []
    for bound in bounds:
        hit = reaches(value, bound)
        cls_branches.append((hit, ibis.literal(bound.class_)))
        tails.append(
            (
                hit,
                ibis.literal(
                    SYMBOL[bound.kind] + format_constant(bound.value, unit, lang) + grants(bound.class_, lang)
                ),
            )
        )
    last = bounds[-1]
    if otherwise is None:
        else_cls, else_tail = ibis.null("string"), ibis.null("string")
    else:
        else_cls = ibis.literal(otherwise)
        else_tail = ibis.literal(MISSED[last.kind] + format_constant(last.value, unit, lang) + grants(otherwise, lang))
    return ibis.cases(*cls_branches, else_=else_cls), prefix + ibis.cases(*tails, else_=else_tail)


class Thresholds(Method):
    """Thresholds on one indicator (policy section ``method: thresholds``). No learned state."""

    def decide(self, t: ir.Table, lang: Language):
        """Class, score (the indicator value) and the reason of the bound reached."""
        spec = self.spec
        value = t[spec.indicator]
        unit = self.vocabulary.unit(spec.indicator)
        prefix = indicator_label(spec.indicator, lang, spec.label) + " " + format_value(value, unit, lang)
        cls, text = tier_expressions(
            value, spec.bounds, spec.otherwise, ibis.literal("") + prefix, unit, self.vocabulary.grants, lang
        )
        return cls, value.cast("float64"), reason_list([text])
