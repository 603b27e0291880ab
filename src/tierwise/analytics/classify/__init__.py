"""Explained classification: policies as data, one module per method, reasons a sales manager reads.

>>> from tierwise.analytics.classify import classify, load_policy
>>> load_policy("abc").summary_method
'abc'
"""

from tierwise.analytics.classify.assign import ASSIGNMENT_COLUMNS, classify, to_assignments
from tierwise.analytics.classify.combine import METHOD_CLASSES, PolicyClassifier
from tierwise.analytics.classify.migration import apply_grace, migration_matrix, movers, what_if
from tierwise.analytics.classify.policy import Policy, TriagePolicyInfo, load_policy, parse_policy, shipped_policies
from tierwise.analytics.classify.prospects import prospect_indicators

__all__ = [
    "ASSIGNMENT_COLUMNS",
    "METHOD_CLASSES",
    "Policy",
    "PolicyClassifier",
    "TriagePolicyInfo",
    "apply_grace",
    "classify",
    "load_policy",
    "migration_matrix",
    "movers",
    "parse_policy",
    "prospect_indicators",
    "shipped_policies",
    "to_assignments",
    "what_if",
]
