"""Rules: boolean conditions over indicators and traits, combined ``all`` or ``any``, granting one class.

A condition on a missing value is false (``op: missing`` tests for it). Reason for ``all``: every
condition joined with ``and`` (``gross margin 35.0% > 30% and 12-month sales 250,000.00 ≥ 200,000 →
key``); for ``any``: the first condition that held.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.policy import Condition
from tierwise.analytics.classify.reasons import engine_text, format_constant, format_value, join_texts, reason_list
from tierwise.analytics.registry import Indicator
from tierwise.i18n import N_, Language, Message, translate

SYMBOL = {">=": " ≥ ", ">": " > ", "<=": " ≤ ", "<": " < ", "==": " = ", "!=": " ≠ "}
IS_MISSING = N_("%(indicator)s missing")
IS_NOT = N_("no %(indicator)s")
MEMBERSHIP = {"in": N_("%(value)s in %(choices)s"), "not_in": N_("%(value)s not in %(choices)s")}


def holds(value: ir.Value, cond: Condition) -> ir.BooleanValue:
    """Whether ``cond`` holds for ``value``; false (never NULL) when the value is missing."""
    op, v = cond.op, cond.value
    if op == "missing":
        return value.isnull()
    if op == "present":
        return value.notnull()
    if op == "in":
        test = value.cast("string").isin(list(v))
    elif op == "not_in":
        test = value.cast("string").notin(list(v))
    else:
        test = {">=": value >= v, ">": value > v, "<=": value <= v, "<": value < v, "==": value == v, "!=": value != v}[
            op
        ]
    return test.fill_null(False)


def condition_text(value: ir.Value, cond: Condition, ind: Indicator | None, lang: Language) -> ir.StringValue:
    """``gross margin 35.0% > 30%``; flags read ``vendor selection started`` / ``no vendor selection started``."""
    label = ind.label(lang) if ind else cond.indicator
    unit = ind.unit if ind else "label"
    if cond.op == "missing":
        return ibis.literal(translate(Message(IS_MISSING, {"indicator": label}), lang))
    if unit == "flag" and cond.op == "==" and isinstance(cond.value, bool):
        return ibis.literal(label if cond.value else translate(Message(IS_NOT, {"indicator": label}), lang))
    shown = ibis.literal(label + " ") + format_value(value, unit, lang)
    if cond.op == "present" or (unit == "label" and cond.op == "=="):
        return shown
    if cond.op in ("in", "not_in"):
        return engine_text(Message(MEMBERSHIP[cond.op], {"choices": ", ".join(cond.value)}), lang, value=shown)
    return shown + SYMBOL[cond.op] + format_constant(cond.value, unit, lang)


class Rules(Method):
    """Boolean criteria (policy section ``method: rules``). No learned state; score = conditions held."""

    handles_missing = True

    def needed(self) -> list[str]:
        """Every indicator a condition reads."""
        return list(dict.fromkeys(c.indicator for c in self.spec.conditions))

    def decide(self, t: ir.Table, lang: Language):
        """The class when the rule fires, the number of conditions held, and the reason."""
        spec = self.spec
        tests = [holds(t[c.indicator], c) for c in spec.conditions]
        texts = [
            condition_text(t[c.indicator], c, self.vocabulary.indicators.get(c.indicator), lang)
            for c in spec.conditions
        ]
        grants = self.vocabulary.grants(spec.class_, lang)
        if spec.match == "all":
            fired = ibis.and_(*tests)
            text = join_texts(texts, lang) + grants
        else:
            fired = ibis.or_(*tests)
            text = ibis.cases(*[(test, txt + grants) for test, txt in zip(tests, texts)], else_=ibis.null("string"))
        held = sum((test.cast("int64") for test in tests[1:]), tests[0].cast("int64"))
        cls = ibis.ifelse(fired, ibis.literal(spec.class_), ibis.null("string"))
        return cls, held.cast("float64"), reason_list([ibis.ifelse(fired, text, ibis.null("string"))])
