"""RFM: recency, frequency and monetary scores 1–5 and the named segments they fall in.

Each score is an equal-count bin of its indicator (see :mod:`.quantiles`: ties by ``customer_id``), 5
the best: the most recent purchase, the most orders, the most spend. The segment table is data in the
policy; the first segment whose R, F and M ranges all contain the customer's scores wins, else
``otherwise``. Score: ``100·R + 10·F + M``. Reason: ``R 5 · F 4 · M 5 (days since last purchase 12
days, 12-month orders 8, 12-month sales 52,000.00) → champions``.
"""

from __future__ import annotations

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.criterion import Method
from tierwise.analytics.classify.quantiles import bin_index, positions
from tierwise.analytics.classify.reasons import LIST, engine_text, format_value, indicator_label, reason_list
from tierwise.i18n import N_, Language

SCORES = N_("R %(r)s · F %(f)s · M %(m)s (%(values)s)")


def score(t: ir.Table, value: ir.Value, bins: int, ascending: bool) -> ir.IntegerValue:
    """Score ``bins`` (best) down to 1 of an indicator, by equal-count bins over customers with a value."""
    pos, n = positions(t, value, ascending)
    return (bins - bin_index(pos, n, [1 / bins] * bins)).cast("int64")


class Rfm(Method):
    """RFM segments (policy section ``method: rfm``). No learned state."""

    def needed(self) -> list[str]:
        """Recency, frequency and monetary indicators."""
        return [self.spec.recency, self.spec.frequency, self.spec.monetary]

    def prepare(self, t: ir.Table) -> ir.Table:
        """Add the R, F and M scores (1–``bins``) of every row."""
        s = self.spec
        return t.mutate(
            **{
                self.column("r"): score(t, t[s.recency], s.bins, ascending=True),
                self.column("f"): score(t, t[s.frequency], s.bins, ascending=False),
                self.column("m"): score(t, t[s.monetary], s.bins, ascending=False),
            }
        )

    def decide(self, t: ir.Table, lang: Language):
        """Segment, score ``100·R + 10·F + M`` and the reason showing the scores and the values."""
        spec = self.spec
        r, f, m = (t[self.column(x)] for x in "rfm")
        branches, tails = [], []
        for seg in spec.segments:
            inside = ibis.and_(r.between(*seg.r), f.between(*seg.f), m.between(*seg.m))
            branches.append((inside, ibis.literal(seg.class_)))
            tails.append((inside, ibis.literal(self.vocabulary.grants(seg.class_, lang))))
        cls = ibis.cases(*branches, else_=ibis.literal(spec.otherwise))
        tail = ibis.cases(*tails, else_=ibis.literal(self.vocabulary.grants(spec.otherwise, lang)))
        values = [
            indicator_label(name, lang) + " " + format_value(t[name], self.vocabulary.unit(name), lang)
            for name in self.needed()
        ]
        detail = values[0]
        for v in values[1:]:
            detail = engine_text(LIST, lang, first=detail, second=v)
        text = engine_text(SCORES, lang, r=r, f=f, m=m, values=detail) + tail
        return cls, (r * 100 + f * 10 + m).cast("float64"), reason_list([text])
