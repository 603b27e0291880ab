"""The alerts of key-account work: what each kind means, its bounds, and how it is cleared.

Each alert names the customer, the fact with its date, and the action that clears it. The bounds come
from the settings (``TIERWISE_ALERT_*``, see :class:`tierwise.config.Settings`); the classes come from the
saved runs of the policies named there. A bound "past N days" fires on day N + 1: a complaint opened on
1 March with N = 14 fires from 16 March.

- ``key_account_downgraded``: between the last two saved runs of a key-account policy the customer moved
  to a lower class; cleared by a visit card dated on or after the later run's as-of date.
- ``high_value_at_risk``: a customer in the best class of the latest saved run of the value policy whose
  probability of being alive (BG/NBD, as of today) is under the bound; cleared when P(alive) is back at
  the bound (the customer buys again) — a visit is the way there.
- ``complaint_open``: a complaint open or in progress more than N days after its date; cleared by moving
  it to resolved.
- ``visit_overdue``: the next visit date of the latest visit card has passed with no visit since; cleared
  by a visit card dated on or after it.
- ``survey_dropped``: the latest survey scored lower than the one before (CSAT by at least the CSAT
  bound, or the NPS answer by at least the NPS bound); cleared by a visit card dated after the survey.
- ``receivable_overdue``: an invoice still (partly) unpaid more than N days after its due date; cleared
  when the payment is recorded (``paid_date`` and ``paid_amount`` in an import of the receivables).
- ``key_account_review_overdue``: an approved key account whose next review date has passed; cleared by
  the review (``tierwise key-account review``).
- ``decision_roles_uncovered``: an approved key account with no contact in one of the decision roles
  (``TIERWISE_ALERT_DECISION_ROLES``, default decision maker and budget holder); cleared by recording a
  contact in that role.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tierwise.i18n import N_, Message


class AlertKind(StrEnum):
    """The kinds of alert, in the order the list shows them."""

    KEY_ACCOUNT_DOWNGRADED = "key_account_downgraded"
    HIGH_VALUE_AT_RISK = "high_value_at_risk"
    COMPLAINT_OPEN = "complaint_open"
    VISIT_OVERDUE = "visit_overdue"
    SURVEY_DROPPED = "survey_dropped"
    RECEIVABLE_OVERDUE = "receivable_overdue"
    KEY_ACCOUNT_REVIEW_OVERDUE = "key_account_review_overdue"
    DECISION_ROLES_UNCOVERED = "decision_roles_uncovered"


K = AlertKind
#: kind → (the fact, how to clear it): message ids with ``%(name)s`` slots filled from ``Alert.params``
# what each kind of alert is called in lists and pages
KIND_NAMES = {
    AlertKind.KEY_ACCOUNT_DOWNGRADED: N_("key account downgraded"),
    AlertKind.HIGH_VALUE_AT_RISK: N_("high-value customer at risk"),
    AlertKind.COMPLAINT_OPEN: N_("complaint open too long"),
    AlertKind.VISIT_OVERDUE: N_("next visit date passed"),
    AlertKind.SURVEY_DROPPED: N_("survey score dropped"),
    AlertKind.RECEIVABLE_OVERDUE: N_("receivable overdue"),
    AlertKind.KEY_ACCOUNT_REVIEW_OVERDUE: N_("key-account review overdue"),
    AlertKind.DECISION_ROLES_UNCOVERED: N_("decision makers not covered"),
}

TEXTS: dict[AlertKind, tuple[str, str]] = {
    K.KEY_ACCOUNT_DOWNGRADED: (
        N_("%(policy)s: %(from_class)s → %(to_class)s in the run as of %(date)s (previous run as of %(previous)s)"),
        N_("review the account with the customer and record the visit (tierwise visit add) on or after %(date)s"),
    ),
    K.HIGH_VALUE_AT_RISK: (
        N_("%(policy)s class %(class)s, P(alive) %(p_alive)s under %(bound)s as of %(date)s"),
        N_("contact the customer to win back purchases; the alert clears when P(alive) is back at %(bound)s"),
    ),
    K.COMPLAINT_OPEN: (
        N_("complaint %(complaint)s (%(category)s) %(status)s since %(date)s: %(days)s days, more than %(bound)s"),
        N_("resolve it: tierwise complaint status %(complaint)s resolved"),
    ),
    K.VISIT_OVERDUE: (
        N_("next visit was planned for %(date)s (visit of %(visit_date)s), %(days)s days ago, and no visit since"),
        N_("visit the customer and record it (tierwise visit add) dated %(date)s or later"),
    ),
    K.SURVEY_DROPPED: (
        N_("survey of %(date)s scored %(scores)s after %(previous_scores)s on %(previous)s"),
        N_("call the customer about the survey and record the visit (tierwise visit add) after %(date)s"),
    ),
    K.RECEIVABLE_OVERDUE: (
        N_("invoice %(invoice)s due %(date)s has %(unpaid)s unpaid, %(days)s days overdue (more than %(bound)s)"),
        N_("collect the payment and import the receivable with its paid_date and paid_amount"),
    ),
    K.KEY_ACCOUNT_REVIEW_OVERDUE: (
        N_("key-account review was due on %(date)s, %(days)s days ago"),
        N_("review the account: tierwise key-account review %(customer)s --comment ..."),
    ),
    K.DECISION_ROLES_UNCOVERED: (
        N_("key account with no contact as %(roles)s (as of %(date)s)"),
        N_("meet the people in these roles and record them as contacts of %(customer)s"),
    ),
}


@dataclass(frozen=True)
class AlertBounds:
    """The bounds the alerts use (see the module docstring; from ``TIERWISE_ALERT_*`` settings)."""

    key_policies: tuple[str, ...] = ("key-account",)
    value_policy: str = "clv"
    p_alive_below: float = 0.5
    complaint_open_days: int = 14
    receivable_overdue_days: int = 30
    csat_drop: int = 1
    nps_drop: int = 2
    decision_roles: tuple[str, ...] = ("decision_maker", "budget_holder")

    @classmethod
    def from_settings(cls, settings: Any) -> AlertBounds:
        """The bounds of a :class:`~tierwise.config.Settings`."""
        return cls(
            key_policies=tuple(settings.alert_key_policies),
            value_policy=settings.alert_value_policy,
            p_alive_below=settings.alert_p_alive_below,
            complaint_open_days=settings.alert_complaint_open_days,
            receivable_overdue_days=settings.alert_receivable_overdue_days,
            csat_drop=settings.alert_csat_drop,
            nps_drop=settings.alert_nps_drop,
            decision_roles=tuple(settings.alert_decision_roles),
        )


@dataclass(frozen=True)
class Alert:
    """One alert: which customer, which fact on which date, and the values its texts name."""

    kind: AlertKind
    customer_id: str
    customer_name: str
    owner: str | None
    date: dt.date
    params: dict[str, Any] = field(default_factory=dict)  # the values the texts name, ready to show

    def fact(self) -> Message:
        """The fact, with its date."""
        return Message(TEXTS[self.kind][0], {"date": self.date.isoformat(), **self.params})

    def clear(self) -> Message:
        """How to clear the alert."""
        return Message(TEXTS[self.kind][1], {"date": self.date.isoformat(), **self.params})


def past_bound(opened: dt.date, today: dt.date, days: int) -> bool:
    """Whether ``today`` is more than ``days`` days after ``opened`` (the rule "past N days").

    >>> opened = dt.date(2026, 3, 1)
    >>> past_bound(opened, dt.date(2026, 3, 15), 14), past_bound(opened, dt.date(2026, 3, 16), 14)
    (False, True)
    """
    return (today - opened).days > days
