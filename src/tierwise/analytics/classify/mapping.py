"""A trait mapped to a class, e.g. ``org_level: national → diamond``; other values grant nothing.

Reason: ``organisation level national → diamond`` (the value's own zh/en label when the policy gives one).
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.reasons import indicator_label, reason_list
from tierwise.i18n import Language


class Mapping(Method):
    """Trait → class (policy section ``method: mapping``). No learned state; score is NULL."""

    def decide(self, t: ir.Table, lang: Language):
        """Class of the mapped value and its reason; NULL for values the map does not list."""
        spec = self.spec
        value = t[spec.indicator].cast("string")
        name = indicator_label(spec.indicator, lang, spec.label)
        cls = ibis.cases(*[(value == e.value, ibis.literal(e.class_)) for e in spec.map], else_=ibis.null("string"))
        text = ibis.cases(
            *[
                (
                    value == e.value,
                    ibis.literal(
                        f"{name} {e.label[lang] if e.label else e.value}{self.vocabulary.grants(e.class_, lang)}"
                    ),
                )
                for e in spec.map
            ],
            else_=ibis.null("string"),
        )
        return cls, ibis.null("float64"), reason_list([text])
