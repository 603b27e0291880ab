"""What every classification method shares: the ``fit``/``assign`` contract and the missing-value rule.

A method is built from one validated policy criterion and the policy's vocabulary (class labels, the
indicator catalogue). ``fit(indicators)`` learns whatever the method needs (attributes ending in ``_``)
and returns ``self``; ``assign(indicators, lang)`` returns ``customer_id, class, score, reasons`` as
engine expressions. ``class`` is NULL where the criterion grants nothing (e.g. a trait that maps to no
class), and ``unclassified`` where an indicator it needs is missing and the criterion says
``when_missing: unclassified``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.policy import UNCLASSIFIED
from tierwise.analytics.classify.reasons import ARROW, indicator_label, reason_list
from tierwise.analytics.registry import Indicator
from tierwise.errors import PolicyError
from tierwise.i18n import N_, Language, Message, translate
from tierwise.policy_schema import Text

MISSING = N_("missing %(indicator)s")
UNCLASSIFIED_LABEL = N_("unclassified")


class Verdict(NamedTuple):
    """One criterion's decision for every row: granted class (or NULL), score, reasons, missing flag."""

    cls: ir.StringValue
    score: ir.NumericValue
    reasons: ir.ArrayValue
    missing: ir.BooleanValue
    missing_reasons: ir.ArrayValue


@dataclass(frozen=True)
class Vocabulary:
    """What reasons need from the policy: class labels and the indicator catalogue."""

    labels: dict[str, Text]
    indicators: dict[str, Indicator]

    def class_label(self, code: str, lang: Language) -> str:
        """A class's label in ``lang``."""
        return translate(Message(UNCLASSIFIED_LABEL), lang) if code == UNCLASSIFIED else self.labels[code][lang]

    def grants(self, code: str, lang: Language) -> str:
        """`` → diamond``: the tail of a reason."""
        return ARROW + self.class_label(code, lang)

    def unit(self, name: str) -> str:
        """The unit of an indicator (``currency``, ``ratio`` …)."""
        return self.indicators[name].unit


class Method:
    """Base of the classification methods (see the module docstring)."""

    # whether decide() itself deals with missing values (rules test for them); otherwise a criterion with
    # ``when_missing: skip`` grants nothing to a row missing one of its indicators
    handles_missing = False

    def __init__(self, spec: Any, vocabulary: Vocabulary) -> None:
        self.spec = spec
        self.vocabulary = vocabulary

    def needed(self) -> list[str]:
        """The indicators this criterion reads."""
        return [self.spec.indicator]

    def fit(self, indicators: ir.Table) -> Method:
        """Learn what the method needs from ``indicators``; returns ``self``."""
        self._check_columns(indicators)
        return self

    def column(self, what: str) -> str:
        """Name of a helper column this criterion adds in :meth:`prepare` (unique per criterion)."""
        return f"__{self.spec.name}_{what}"

    def prepare(self, t: ir.Table) -> ir.Table:
        """Add the helper columns :meth:`decide` reads (windows, scores), so each is computed once."""
        return t

    def verdict(self, t: ir.Table, lang: Language = "en") -> Verdict:
        """The criterion's class, score and reasons as expressions over ``t`` (see :class:`Verdict`)."""
        cls, score, reasons = self.decide(t, lang)
        label = self.spec.label
        missing_items = [
            ibis.ifelse(
                t[name].isnull(),
                translate(
                    Message(
                        MISSING,
                        {
                            "indicator": indicator_label(
                                name, lang, label if len(self.needed()) == 1 and label else None
                            )
                        },
                    ),
                    lang,
                )
                + self.vocabulary.grants(UNCLASSIFIED, lang),
                ibis.null("string"),
            )
            for name in self.needed()
        ]
        missing = ibis.or_(*[t[name].isnull() for name in self.needed()])
        if self.spec.when_missing == "unclassified":
            cls = ibis.ifelse(missing, ibis.literal(UNCLASSIFIED), cls)
        else:
            if not self.handles_missing:
                cls = ibis.ifelse(missing, ibis.null("string"), cls)
                reasons = ibis.ifelse(missing, no_reasons(), reasons)
            missing = ibis.literal(False)
        return Verdict(cls, score, reasons, missing, reason_list(missing_items))

    def decide(self, t: ir.Table, lang: Language) -> tuple[ir.StringValue, ir.NumericValue, ir.ArrayValue]:
        """Class (NULL when none is granted), score and reasons for rows whose indicators are present.

        ``t`` is the output of :meth:`prepare`.
        """
        raise NotImplementedError

    def assign(self, indicators: ir.Table, lang: Language = "en") -> ir.Table:
        """``customer_id, class, score, reasons`` for every customer of ``indicators``."""
        self._check_columns(indicators)
        t = self.prepare(indicators)
        v = self.verdict(t, lang)
        staged = t.select(
            t.customer_id,
            _cls=v.cls,
            _score=v.score.cast("float64"),
            _reasons=v.reasons,
            _missing=v.missing,
            _missing_reasons=v.missing_reasons,
        )
        return staged.select(
            staged.customer_id,
            **{
                "class": staged._cls,
                "score": staged._score,
                "reasons": ibis.ifelse(staged._missing, staged._missing_reasons, staged._reasons),
            },
        )

    def _check_columns(self, t: ir.Table) -> None:
        absent = [name for name in self.needed() if name not in t.columns]
        if absent:
            raise PolicyError(
                Message(
                    "criterion %(criterion)s needs indicator(s) %(absent)s, which the indicator table lacks (it has: "
                    "%(columns)s)",
                    {"criterion": repr(self.spec.name), "absent": ", ".join(absent), "columns": ", ".join(t.columns)},
                )
            )


def no_reasons() -> ir.ArrayValue:
    """An empty reasons list (an array of strings)."""
    return reason_list([ibis.null("string")])
