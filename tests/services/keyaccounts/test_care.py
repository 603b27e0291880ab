"""The care calendar per account manager: birthdays, anniversaries and the Chinese holidays in a window,
and the due list the contact plan shows for its month."""

from __future__ import annotations

import datetime as dt

import pytest

from tierwise.accounts.care import CareKind
from tierwise.archive.months import Month
from tierwise.errors import UsageError
from tierwise.services.care import care_calendar
from tierwise.services.key_accounts import decide, evaluate, nominate
from tierwise.services.plan import contact_plan
from tierwise.store.models import Contact, Customer

D = dt.date
K = CareKind


@pytest.fixture
def caring(people):
    with people.sessions.begin() as session:
        session.get(Customer, "C1").created_at = D(2019, 2, 17)  # 7 years on 17 February 2026
        session.get(Customer, "C3").created_at = D(2026, 2, 10)  # a customer since this year: no anniversary
        session.get(Customer, "C4").created_at = D(2020, 3, 2)
    people.add(
        Contact(customer_id="C1", name="张伟", birthday=D(1980, 2, 14)),
        Contact(customer_id="C2", name="李娜", birthday=D(1992, 2, 29)),  # no 29 February in 2026: the 28th
        Contact(customer_id="C3", name="王强", birthday=D(1975, 3, 1)),
        Contact(customer_id="C4", name="赵敏", birthday=D(1988, 1, 31)),
        Contact(customer_id="C2", name="孙丽"),  # no birthday known
    )
    nominate(people.context("wang"), "C1", ["big buyer"])
    evaluate(people.context("wang"), ["C1"])
    decide(people.context("zhao"), "C1", approve=True, comment="yes")
    return people


def dates(found) -> list[tuple]:
    return [(c.date, c.kind.value, c.customer_id, c.owner, c.contact, c.years) for c in found]


def test_february_2026_for_every_manager(caring) -> None:
    found = care_calendar(caring.context(), D(2026, 2, 1), D(2026, 2, 28))
    assert dates(found) == [
        (D(2026, 2, 14), "birthday", "C1", "wang", "张伟", None),
        (D(2026, 2, 17), "anniversary", "C1", "wang", None, 7),
        (D(2026, 2, 17), "spring_festival", "C1", "wang", None, None),  # key accounts only
        (D(2026, 2, 28), "birthday", "C2", "wang", "李娜", None),
    ]


def test_one_managers_calendar_across_a_year_end(caring) -> None:
    found = care_calendar(caring.context(), D(2026, 12, 20), D(2027, 3, 5), owner="li")
    assert dates(found) == [
        (D(2027, 1, 31), "birthday", "C4", "li", "赵敏", None),
        (D(2027, 2, 10), "anniversary", "C3", "li", None, 1),
        (D(2027, 3, 1), "birthday", "C3", "li", "王强", None),
        (D(2027, 3, 2), "anniversary", "C4", "li", None, 7),
    ]


def test_mid_autumn_for_key_accounts_and_the_window_bound(caring) -> None:
    found = care_calendar(caring.context(), D(2026, 9, 1), D(2026, 9, 30))
    assert dates(found) == [(D(2026, 9, 25), "mid_autumn", "C1", "wang", None, None)]
    with pytest.raises(UsageError, match="at most 366 days"):
        care_calendar(caring.context(), D(2026, 1, 1), D(2027, 1, 2))


def test_the_contact_plan_lists_the_months_greetings_per_manager(caring) -> None:
    plan = contact_plan(caring.context(), Month(2026, 2))
    mine = {m.owner: m for m in plan.managers}
    assert [(c.date, c.kind) for c in mine["wang"].care] == [
        (D(2026, 2, 14), K.BIRTHDAY), (D(2026, 2, 17), K.ANNIVERSARY), (D(2026, 2, 17), K.SPRING_FESTIVAL),
        (D(2026, 2, 28), K.BIRTHDAY),
    ]  # fmt: skip
    assert [c.kind for c in contact_plan(caring.context(), Month(2026, 3), owner="li").managers[0].care] == [
        K.BIRTHDAY, K.ANNIVERSARY
    ]  # fmt: skip
