"""A whole policy as one classifier: every criterion decides, the highest class granted wins.

The reasons list every criterion that fired (also those granting a lower class). A customer missing an
indicator that a criterion needs (``when_missing: unclassified``) is ``unclassified`` with one reason per
missing indicator; a customer no criterion grants a class to gets the policy's ``default_class`` (else
its lowest class) with the reason ``no criterion met → regular``.

>>> from tierwise.analytics.classify.policy import load_policy
>>> PolicyClassifier(load_policy("abc")).policy.name
'abc'
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.abc import Abc
from tierwise.analytics.classify.criterion import Method, Vocabulary
from tierwise.analytics.classify.kmeans import KMeans
from tierwise.analytics.classify.mapping import Mapping
from tierwise.analytics.classify.policy import UNCLASSIFIED, Policy, check_indicators, known_indicators
from tierwise.analytics.classify.quantiles import Quantiles
from tierwise.analytics.classify.rfm import Rfm
from tierwise.analytics.classify.rules import Rules
from tierwise.analytics.classify.scorecard import Scorecard
from tierwise.analytics.classify.thresholds import Thresholds
from tierwise.errors import PolicyError
from tierwise.i18n import N_, Language, Message, translate

METHOD_CLASSES: dict[str, type[Method]] = {
    "thresholds": Thresholds,
    "quantiles": Quantiles,
    "abc": Abc,
    "rfm": Rfm,
    "rules": Rules,
    "mapping": Mapping,
    "scorecard": Scorecard,
    "kmeans": KMeans,
}
NONE_MET = N_("no criterion met")
_NOT_GRANTED = 1_000_000


def build_method(spec, policy: Policy) -> Method:
    """The method object for one criterion of ``policy``."""
    vocabulary = Vocabulary({c.code: c.label for c in policy.classes}, known_indicators(policy))
    return METHOD_CLASSES[spec.method](spec, vocabulary)


class PolicyClassifier:
    """Classify customers by a policy: ``fit`` every criterion, then ``assign`` the best class granted."""

    def __init__(self, policy: Policy) -> None:
        if not isinstance(policy, Policy):
            raise PolicyError(
                Message(
                    "policy %(policy)s is a %(method)s policy, not a classification policy",
                    {"policy": repr(policy.name), "method": policy.method},
                )
            )
        self.policy = policy

    def fit(self, indicators: ir.Table) -> PolicyClassifier:
        """Fit every criterion on ``indicators`` (``methods_``); returns ``self``."""
        check_indicators(self.policy)
        self.methods_ = [build_method(spec, self.policy).fit(indicators) for spec in self.policy.criteria]
        return self

    def assign(self, indicators: ir.Table, lang: Language = "en") -> ir.Table:
        """``customer_id, class, score, reasons`` for every customer, reasons in ``lang``.

        Built in stages (criteria, then the best class, then the reasons) so that every expression is
        computed once per row, however many criteria read it.
        """
        policy = self.policy
        codes = policy.class_codes
        t = indicators
        for method in self.methods_:
            t = method.prepare(t)
        verdicts = [m.verdict(t, lang) for m in self.methods_]
        score = t[policy.score_indicator] if policy.score_indicator else verdicts[self._score_index()].score
        columns: dict[str, ir.Value] = {"_score": score.cast("float64")}
        for i, v in enumerate(verdicts):
            columns |= {f"_c{i}": v.cls, f"_r{i}": v.reasons, f"_m{i}": v.missing, f"_mr{i}": v.missing_reasons}
        s1 = t.select(t.customer_id, **columns)

        n = len(verdicts)
        ranks = [
            ibis.cases(*[(s1[f"_c{i}"] == c, r) for r, c in enumerate(codes)], else_=_NOT_GRANTED) for i in range(n)
        ]
        gating = [i for i, m in enumerate(self.methods_) if m.spec.when_missing == "unclassified"]
        missing = ibis.or_(*[s1[f"_m{i}"] for i in gating]) if gating else ibis.literal(False)
        s2 = s1.mutate(_best=ranks[0] if n == 1 else ibis.least(*ranks), _missing=missing)

        fallback = policy.default_class or codes[-1]
        granted = ibis.cases(*[(s2._best == r, ibis.literal(c)) for r, c in enumerate(codes)], else_=fallback)
        fired = _concat([s2[f"_r{i}"] for i in range(n)])
        none_met = ibis.array(
            [ibis.literal(translate(Message(NONE_MET), lang) + self.methods_[0].vocabulary.grants(fallback, lang))]
        )
        fired = ibis.ifelse(s2._best == _NOT_GRANTED, fired.concat(none_met), fired)
        reasons = ibis.ifelse(s2._missing, _concat([s2[f"_mr{i}"] for i in gating]), fired) if gating else fired
        return s2.select(
            s2.customer_id,
            **{
                "class": ibis.ifelse(s2._missing, ibis.literal(UNCLASSIFIED), granted),
                "score": s2._score,
                "reasons": reasons,
            },
        )

    def _score_index(self) -> int:
        names = [c.name for c in self.policy.criteria]
        return names.index(self.policy.score_from) if self.policy.score_from else 0


def _concat(arrays: list[ir.ArrayValue]) -> ir.ArrayValue:
    return arrays[0].concat(*arrays[1:]) if len(arrays) > 1 else arrays[0]


__all__ = ["METHOD_CLASSES", "PolicyClassifier", "build_method"]
