"""The assignment table (DESIGN.md output contract) from an indicator table and a policy.

``customer_id, policy, policy_version, as_of, class, label, score, rank, reasons``: ``label`` is the
class label in the chosen language, ``rank`` runs from 1 within the policy by class order (best class
first, ``unclassified`` last), then score descending, then customer id.

>>> import ibis
>>> from tierwise.analytics.classify.policy import load_policy
>>> t = ibis.memtable({"customer_id": ["c1", "c2"], "sales_12m": [6e6, 2e4], "org_level": [None, "county"]})
>>> out = classify(t, load_policy("china-post"), "2025-06-30").execute()
>>> out[["customer_id", "class", "rank"]].to_dict("records")
[{'customer_id': 'c1', 'class': 'diamond', 'rank': 1}, {'customer_id': 'c2', 'class': 'vip', 'rank': 2}]
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

from tierwise.analytics.classify.combine import PolicyClassifier
from tierwise.analytics.classify.criterion import UNCLASSIFIED_LABEL
from tierwise.analytics.classify.policy import UNCLASSIFIED, Policy
from tierwise.i18n import Language, Message, translate

ASSIGNMENT_COLUMNS = ("customer_id", "policy", "policy_version", "as_of", "class", "label", "score", "rank", "reasons")


def as_date(value: dt.date | str) -> dt.date:
    """A date from a ``date`` or an ISO text (``2025-06-30``)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def class_order(policy: Policy, column: ir.StringValue) -> ir.IntegerValue:
    """0 for the policy's best class, 1 for the next …, and ``len(classes)`` for ``unclassified``."""
    return ibis.cases(*[(column == c, i) for i, c in enumerate(policy.class_codes)], else_=len(policy.classes))


def label_of(policy: Policy, column: ir.StringValue, lang: Language) -> ir.StringValue:
    """The class label in ``lang`` for each class code."""
    branches = [(column == c.code, ibis.literal(c.label[lang])) for c in policy.classes]
    return ibis.cases(
        *branches, (column == UNCLASSIFIED, ibis.literal(translate(Message(UNCLASSIFIED_LABEL), lang))), else_=column
    )


def rank_of(t: ir.Table, policy: Policy) -> ir.IntegerValue:
    """1-based rank within the policy: class order, then score descending (missing last), then customer id."""
    window = ibis.window(order_by=[class_order(policy, t["class"]), t.score.isnull(), t.score.desc(), t.customer_id])
    return (ibis.row_number().over(window) + 1).cast("int64")


def to_assignments(classified: ir.Table, policy: Policy, as_of: dt.date | str, lang: Language = "en") -> ir.Table:
    """Add policy, version, as-of date, label and rank to ``customer_id, class, score, reasons``."""
    t = classified
    return t.select(
        t.customer_id,
        policy=ibis.literal(policy.name),
        policy_version=ibis.literal(str(policy.version)),
        as_of=ibis.literal(as_date(as_of)),
        **{"class": t["class"]},
        label=label_of(policy, t["class"], lang),
        score=t.score,
        rank=rank_of(t, policy),
        reasons=t.reasons,
    )


def classify(indicators: ir.Table, policy: Policy, as_of: dt.date | str, lang: Language = "en") -> ir.Table:
    """Fit the policy on ``indicators`` and return the assignment table (see the module docstring)."""
    classifier = PolicyClassifier(policy).fit(indicators)
    return to_assignments(classifier.assign(indicators, lang), policy, as_of, lang)
