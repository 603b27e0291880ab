"""k-means on standardised indicators, clusters ordered by centroid value (scikit-learn ``KMeans``).

``fit`` pulls the complete rows once, standardises each indicator (``cost`` indicators negated so that
larger is always better), runs ``KMeans(n_clusters=len(classes), n_init=10, random_state=seed)`` and
orders the clusters by the sum of their centroid's coordinates, highest first: the first class of the
policy goes to the best cluster. ``assign`` sends each customer to its nearest centroid in the engine.
Score: the customer's own sum of standardised values. Reason: ``nearest to cluster 1 of 3 (centre
+2.10): 12-month sales 52,000.00, 12-month orders 8 → A``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir
import numpy as np

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.reasons import LIST, engine_text, format_value, indicator_label, reason_list
from tierwise.errors import PolicyError
from tierwise.extras import KMEANS, require
from tierwise.i18n import N_, Language, Message

NEAREST = N_("nearest to cluster %(k)s of %(n)s (centre %(centre)s): %(values)s")


class KMeans(Method):
    """k-means tiers (policy section ``method: kmeans``).

    Learns ``means_``, ``scales_`` (standardisation), ``centroids_`` (best cluster first, standardised
    and signed) and ``inertia_``.
    """

    def needed(self) -> list[str]:
        """The clustering indicators."""
        return [w.indicator for w in self.spec.indicators]

    def _signs(self) -> np.ndarray:
        return np.array([1.0 if w.direction == "benefit" else -1.0 for w in self.spec.indicators])

    def fit(self, indicators: ir.Table) -> KMeans:
        """Standardise complete rows, cluster them, order the centroids best first."""
        super().fit(indicators)
        names = self.needed()
        k = len(self.spec.classes)
        complete = indicators.select(*names).drop_null()
        x = np.column_stack([complete[n].cast("float64").to_pyarrow().to_numpy(zero_copy_only=False) for n in names])
        if x.shape[0] < k:
            raise PolicyError(
                Message(
                    "criterion %(criterion)s: k-means with %(k)s classes needs at least %(k)s customers with "
                    "%(names)s; found %(found)s",
                    {"criterion": repr(self.spec.name), "k": k, "names": ", ".join(names), "found": x.shape[0]},
                )
            )
        self.means_ = x.mean(axis=0)
        std = x.std(axis=0)
        self.scales_ = np.where(std > 0, std, 1.0)
        z = (x - self.means_) / self.scales_ * self._signs()
        cluster = require("sklearn.cluster", extra="kmeans", feature=KMEANS)  # heavy: only when a policy clusters
        model = cluster.KMeans(n_clusters=k, n_init=10, random_state=self.spec.seed).fit(z)
        order = np.argsort(-model.cluster_centers_.sum(axis=1), kind="stable")
        self.centroids_ = model.cluster_centers_[order]
        self.inertia_ = float(model.inertia_)
        return self

    def _standardised(self, t: ir.Table) -> list[ir.NumericValue]:
        signs = self._signs()
        return [
            (t[n].cast("float64") - float(self.means_[j])) / float(self.scales_[j]) * float(signs[j])
            for j, n in enumerate(self.needed())
        ]

    def prepare(self, t: ir.Table) -> ir.Table:
        """Add the index of the nearest centroid (ties to the better cluster) and the composite score."""
        z = self._standardised(t)
        distances = []
        for centre in self.centroids_:
            d = ibis.literal(0.0)
            for j, zj in enumerate(z):
                d = d + (zj - float(centre[j])) ** 2
            distances.append(d)
        staged = t.mutate(
            **{self.column(f"d{i}"): d for i, d in enumerate(distances)}, **{self.column("composite"): sum(z[1:], z[0])}
        )
        ds = [staged[self.column(f"d{i}")] for i in range(len(distances))]
        nearest = ibis.least(*ds) if len(ds) > 1 else ds[0]
        return staged.mutate(**{self.column("k"): ibis.cases(*[(d == nearest, i) for i, d in enumerate(ds)])})

    def decide(self, t: ir.Table, lang: Language):
        """Class of the nearest centroid, score (sum of standardised values) and reason."""
        classes = self.spec.classes
        k = t[self.column("k")]
        values = [
            indicator_label(n, lang) + " " + format_value(t[n], self.vocabulary.unit(n), lang) for n in self.needed()
        ]
        detail = values[0]
        for v in values[1:]:
            detail = engine_text(LIST, lang, first=detail, second=v)
        heads = [
            (
                k == i,
                engine_text(
                    Message(NEAREST, {"k": i + 1, "n": len(classes), "centre": f"{self.centroids_[i].sum():+.2f}"}),
                    lang,
                    values=detail,
                ),
            )
            for i in range(len(classes))
        ]
        tails = [(k == i, ibis.literal(self.vocabulary.grants(code, lang))) for i, code in enumerate(classes)]
        cls = ibis.cases(*[(k == i, ibis.literal(code)) for i, code in enumerate(classes)])
        return cls, t[self.column("composite")], reason_list([ibis.cases(*heads) + ibis.cases(*tails)])
