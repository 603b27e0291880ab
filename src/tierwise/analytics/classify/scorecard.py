"""Scorecard: a weighted multi-indicator score (0–100) cut into tiers.

Each indicator is min–max normalised over the customers seen at ``fit`` (``cost`` indicators reversed,
so 1 is always best); the score is ``100 · Σ wⱼ zⱼ``. Weights are given in the policy, derived by AHP
from a pairwise matrix (principal eigenvector; CR ≥ 0.10 is an error), or by the entropy-weight method
from the data. With ``topsis: true`` the score is instead ``100 ·`` TOPSIS closeness. Tiers follow from
score bounds or from quantiles. Reason: ``score 72.35 ≥ 70 → A``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.quantiles import bin_choice, positions, rank_text
from tierwise.analytics.classify.reasons import format_number, reason_list
from tierwise.analytics.classify.thresholds import tier_expressions
from tierwise.analytics.classify.weights import ahp_weights, entropy_weights, minmax, topsis
from tierwise.errors import PolicyError
from tierwise.i18n import N_, Language, Message, translate

SCORE = N_("score")


class Scorecard(Method):
    """Weighted score (policy section ``method: scorecard``).

    Learns ``weights_`` (sum 1), ``mins_``/``maxs_`` (normalisation), for AHP ``lambda_max_``, ``ci_``
    and ``cr_``, and for TOPSIS ``norms_``, ``ideal_`` and ``anti_ideal_``.
    """

    def needed(self) -> list[str]:
        """The scorecard's indicators."""
        return [w.indicator for w in self.spec.indicators]

    def fit(self, indicators: ir.Table) -> Scorecard:
        """Learn the normalisation, the weights and (TOPSIS) the ideal points from complete rows."""
        super().fit(indicators)
        spec = self.spec
        names = self.needed()
        benefit = [w.direction == "benefit" for w in spec.indicators]
        complete = indicators.select(*names).drop_null()
        x = (
            np.column_stack([complete[n].cast("float64").to_pyarrow().to_numpy(zero_copy_only=False) for n in names])
            if names
            else np.empty((0, 0))
        )
        if x.shape[0] == 0:
            raise_empty(spec.name, names)
        z, self.mins_, self.maxs_ = minmax(x, benefit)
        if spec.weights == "given":
            given = np.array([w.weight for w in spec.indicators], dtype=float)
            self.weights_ = given / given.sum()
        elif spec.weights == "ahp":
            self.weights_, self.lambda_max_, self.ci_, self.cr_ = ahp_weights(spec.pairwise, names)
        else:
            self.weights_ = entropy_weights(z)
        if spec.topsis:
            _, self.norms_, self.ideal_, self.anti_ideal_ = topsis(x, self.weights_, benefit)
        return self

    def score(self, t: ir.Table) -> ir.NumericValue:
        """The 0–100 score of every row as an expression."""
        spec = self.spec
        if spec.topsis:
            d_plus, d_minus = ibis.literal(0.0), ibis.literal(0.0)
            for j, name in enumerate(self.needed()):
                v = t[name].cast("float64") / float(self.norms_[j]) * float(self.weights_[j])
                d_plus = d_plus + (v - float(self.ideal_[j])) ** 2
                d_minus = d_minus + (v - float(self.anti_ideal_[j])) ** 2
            d_plus, d_minus = d_plus.sqrt(), d_minus.sqrt()
            total = d_plus + d_minus
            return ibis.ifelse(total > 0, d_minus / total, 0.0) * 100
        total = ibis.literal(0.0)
        for j, w in enumerate(spec.indicators):
            lo, hi = float(self.mins_[j]), float(self.maxs_[j])
            if hi > lo:
                up = (t[w.indicator].cast("float64") - lo) / (hi - lo)
                z = up if w.direction == "benefit" else 1 - up
            else:
                z = ibis.literal(1.0)
            total = total + z * float(self.weights_[j])
        return total * 100

    def prepare(self, t: ir.Table) -> ir.Table:
        """Add the score (NULL when an indicator is missing) and, for quantile tiers, its rank."""
        complete = ibis.and_(*[t[n].notnull() for n in self.needed()])
        scored = t.mutate(**{self.column("score"): ibis.ifelse(complete, self.score(t), ibis.null("float64"))})
        if self.spec.quantiles is None:
            return scored
        pos, n = positions(scored, scored[self.column("score")], ascending=False)
        return scored.mutate(**{self.column("pos"): pos, self.column("n"): n})

    def decide(self, t: ir.Table, lang: Language):
        """Tier, score and the reason naming the score and the bound (or rank) reached."""
        spec = self.spec
        score = t[self.column("score")]
        head = ibis.literal(
            (spec.label[lang] if spec.label else translate(Message(SCORE), lang)) + " "
        ) + format_number(score, 2)
        if spec.tiers is not None:
            cls, text = tier_expressions(score, spec.tiers, spec.otherwise, head, "score", self.vocabulary.grants, lang)
            return cls, score, reason_list([text])
        pos, n = t[self.column("pos")], t[self.column("n")]
        cls, tail = bin_choice(pos, n, spec.quantiles, self.vocabulary.grants, lang)
        return cls, score, reason_list([rank_text(head, pos, n, lang) + tail])


def raise_empty(criterion: str, names: list[str]) -> None:
    """No customer has every indicator of a scorecard: nothing to learn from."""
    raise PolicyError(
        Message(
            "criterion %(criterion)s: no customer has all of %(names)s; cannot fit the scorecard",
            {"criterion": repr(criterion), "names": ", ".join(names)},
        )
    )
