"""The contact plan on a hand-made book: exact due dates, days overdue, statuses and the month's time.

Today is Tuesday 10 March 2026; March has 22 working days, February 20. Saved runs as of 28 February:

| customer | owner | china-post (cadence) | key-account | prospect-grade | visits            |
|----------|-------|----------------------|-------------|----------------|-------------------|
| C1       | wang  | diamond (7)          | key (14)    | –              | 20 Feb, 1 Mar     |
| C2       | wang  | gold (30)            | key (14)    | a (7)          | 5 Mar             |
| C3       | li    | platinum (14)        | regular (90)| b (14)         | none              |
| C4       | li    | standard (180)       | regular (90)| c (30)         | 10 Mar            |
| C5       | –     | vip (90)             | –           | –              | 15 Dec, (25 Mar)  |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tierwise.archive.contact import ContactStatus
from tierwise.archive.months import Month
from tierwise.security.permissions import Actor
from tierwise.services.plan import contact_plan
from tierwise.store.models import Customer, Opportunity, Transaction, Visit

D = dt.date
RUN = D(2026, 2, 28)
OVERDUE, DUE, ON_TRACK = ContactStatus.OVERDUE, ContactStatus.DUE, ContactStatus.ON_TRACK


@pytest.fixture
def planned(book, ctx):
    book.save_run("china-post", RUN, {"C1": "diamond", "C2": "gold", "C3": "platinum", "C4": "standard", "C5": "vip"})
    book.save_run("key-account", RUN, {"C1": "key", "C2": "key", "C3": "regular", "C4": "regular"})
    book.save_run("prospect-grade", RUN, {"C2": "a", "C3": "b", "C4": "c"})
    visits = [
        ("C1", D(2026, 2, 20)),
        ("C1", D(2026, 3, 1)),
        ("C2", D(2026, 3, 5)),
        ("C4", D(2026, 3, 10)),
        ("C5", D(2025, 12, 15)),
        ("C5", D(2026, 3, 25)),  # a date after today is a plan, not a contact
    ]
    book.add(*[Visit(customer_id=c, date=d) for c, d in visits])
    return ctx


def rows(plan):
    return {
        m.owner: [
            (e.customer_id, e.policy, e.class_code, e.due_date, e.status, e.days_overdue, e.visits_needed)
            for e in m.entries
        ]
        for m in plan.managers
    }


def test_each_customer_follows_its_tightest_cadence(planned) -> None:
    plan = contact_plan(planned, Month.parse("2026-03"))
    assert (plan.reference, plan.working_days) == (D(2026, 3, 10), 22)
    assert plan.policies == ("china-post", "key-account", "prospect-grade")
    assert rows(plan) == {
        "li": [
            # never visited: due since the run's as-of date, 28 Feb → 10 days overdue; platinum every 14 days
            # (china-post and prospect-grade b tie at 14: the policy name decides) → 10 and 24 March
            ("C3", "china-post", "platinum", D(2026, 2, 28), OVERDUE, 10, 2),
            # visited today: prospect c every 30 days → 9 April
            ("C4", "prospect-grade", "c", D(2026, 4, 9), ON_TRACK, 0, 0),
        ],
        "wang": [
            # diamond weekly from 1 March → 8 March: 2 days overdue; then 17, 24 and 31 March
            ("C1", "china-post", "diamond", D(2026, 3, 8), OVERDUE, 2, 4),
            # prospect a weekly from 5 March → 12 March, then 19 and 26 March
            ("C2", "prospect-grade", "a", D(2026, 3, 12), DUE, 0, 3),
        ],
        # VIP quarterly from 15 December → 15 March (the visit of 25 March is not counted yet)
        None: [("C5", "china-post", "vip", D(2026, 3, 15), DUE, 0, 1)],
    }
    wang = plan.managers[1]
    assert (wang.count(OVERDUE), wang.count(DUE), wang.count(ON_TRACK), wang.visits_needed) == (1, 1, 0, 7)


def test_the_month_time_is_scaled_to_each_managers_grades(planned) -> None:
    plan = contact_plan(planned, Month.parse("2026-03"))
    assert plan.allocation_as_of == RUN
    by_owner = {m.owner: m.allocation for m in plan.managers}
    # wang holds one A prospect: 1 × 10/8 = 1.25 days, and no qualified prospect to develop (no traits)
    assert [(line.group, line.accounts, line.days) for line in by_owner["wang"].lines] == [
        ("a", 1, 1.25),
        ("b", 0, 0.0),
        ("c", 0, 0.0),
        ("new", 0, 0.0),
    ]
    # li: one B (4/12 day) and one C (4/24 day) prospect
    assert by_owner["li"].total_days == pytest.approx(1 / 3 + 1 / 6)
    assert not any(a.exceeds for a in by_owner.values())


def test_the_plan_of_one_manager_and_of_chosen_policies(planned) -> None:
    plan = contact_plan(planned, Month.parse("2026-03"), owner="wang", policies=["key-account"])
    assert plan.policies == ("key-account",)
    # key every 14 days: C1 from 1 March → 15 March; C2 from 5 March → 19 March
    assert rows(plan) == {
        "wang": [
            ("C1", "key-account", "key", D(2026, 3, 15), DUE, 0, 2),
            ("C2", "key-account", "key", D(2026, 3, 19), DUE, 0, 1),
        ]
    }


def test_a_later_month_counts_from_its_first_day_and_a_past_one_from_its_last(planned) -> None:
    april = contact_plan(planned, Month.parse("2026-04"), owner="li")
    assert april.reference == D(2026, 4, 1)
    # C3 due since 28 Feb: 32 days overdue on 1 April; C4 due 9 April
    assert [(e.customer_id, e.status, e.days_overdue) for e in april.managers[0].entries] == [
        ("C3", OVERDUE, 32),
        ("C4", DUE, 0),
    ]
    february = contact_plan(planned, Month.parse("2026-02"), owner="wang")
    assert february.reference == D(2026, 2, 28)
    # on 28 Feb C1's last contact is 20 Feb (diamond → 27 Feb: 1 day overdue); C2 never visited: due 28 Feb
    assert [(e.customer_id, e.due_date, e.status, e.days_overdue) for e in february.managers[0].entries] == [
        ("C1", D(2026, 2, 27), OVERDUE, 1),
        ("C2", D(2026, 2, 28), DUE, 0),
    ]


@pytest.mark.parametrize(("b_prospects", "exceeds"), [(9, False), (10, True)])
def test_a_month_that_needs_more_days_than_it_has(book, ctx, b_prospects: int, exceeds: bool) -> None:
    # February 2026: 20 working days. 12 A = 15 days; 9 B = 3 days; new accounts 2 → exactly 20: it fits;
    # one more B prospect needs 20⅓ days
    zhou = [f"Z{i:02d}" for i in range(12 + b_prospects)]
    book.add(*[Customer(customer_id=c, name=c, owner="zhou") for c in zhou])
    book.save_run("prospect-grade", RUN, {c: ("a" if i < 12 else "b") for i, c in enumerate(zhou)})
    plan = contact_plan(ctx, Month.parse("2026-02"), owner="zhou", new_accounts=40)
    allocation = plan.managers[0].allocation
    assert allocation.working_days == 20
    assert allocation.total_days == pytest.approx(20 + (b_prospects - 9) / 3)
    assert allocation.exceeds is exceeds


def test_without_a_prospect_grade_run_the_recommendation_stands(book, ctx) -> None:
    book.save_run("key-account", RUN, {"C1": "key"})
    plan = contact_plan(ctx, Month.parse("2026-03"), new_accounts=20)
    assert plan.allocation_as_of is None
    [wang] = plan.managers
    assert [(line.accounts, line.days, line.counted) for line in wang.allocation.lines] == [
        (8, 10.0, False),
        (12, 4.0, False),
        (24, 4.0, False),
        (20, 1.0, True),
    ]


def test_new_account_development_follows_the_qualified_prospects(planned, book) -> None:
    # qualified-customer profile: industry 25, size 25, region 10, needs 25, budget 15; A ≥ 70, B ≥ 40;
    # A and B prospects with no purchase and no open opportunity are developed (2 days for 40 accounts)
    book.add(
        Customer(customer_id="N1", name="N1", owner="wang", industry="energy", employees=200),  # 50: B
        Customer(customer_id="N2", name="N2", owner="wang", industry="logistics", region="east"),  # 35: C
        Customer(customer_id="N3", name="N3", owner="wang", industry="energy", region="east", employees=199,
                 annual_revenue=50_000_000),  # 60: B (revenue at the bound)
        Customer(customer_id="N4", name="N4", owner="li", industry="logistics", employees=900),  # 50: B, bought
        Customer(customer_id="N5", name="N5", owner="li", industry="logistics", employees=900),  # 50: B, open
    )  # fmt: skip
    book.add(
        Transaction(customer_id="N4", date=D(2026, 1, 5), amount=Decimal("100")),
        Opportunity(opportunity_id="ON5", customer_id="N5", stage="lead"),
    )
    plan = contact_plan(planned, Month.parse("2026-03"))
    new = {m.owner: next(line for line in m.allocation.lines if line.group == "new") for m in plan.managers}
    assert (new["wang"].accounts, new["wang"].days, new["wang"].counted) == (2, 0.1, True)
    assert (new["li"].accounts, new["li"].days) == (0, 0.0)
    li = contact_plan(book.context("li").with_actor(Actor("li", "account_manager")), Month.parse("2026-03"))
    assert [(m.owner, m.allocation.lines[-1].accounts) for m in li.managers] == [("li", 0)]


def test_the_next_visit_promised_on_the_card_comes_before_the_cadence(planned, book) -> None:
    # C4 (li; prospect c every 30 days from 10 March → 9 April): visited today, next visit promised for
    # 20 March → due on 20 March; C2 (wang; prospect a weekly from 5 March → 12 March): a promise of 30 March
    # comes after the cadence, which stands; C1's promise of 1 March was kept by that day's visit
    book.add(
        Visit(customer_id="C4", date=D(2026, 3, 10), next_visit_date=D(2026, 3, 20)),
        Visit(customer_id="C2", date=D(2026, 3, 5), next_visit_date=D(2026, 3, 30)),
        Visit(customer_id="C1", date=D(2026, 2, 20), next_visit_date=D(2026, 3, 1)),
    )
    plan = rows(contact_plan(planned, Month.parse("2026-03")))
    assert plan["li"][1] == ("C4", "prospect-grade", "c", D(2026, 3, 20), DUE, 0, 1)
    assert plan["wang"][1] == ("C2", "prospect-grade", "a", D(2026, 3, 12), DUE, 0, 3)
    assert plan["wang"][0][3] == D(2026, 3, 8)  # C1: from its visit of 1 March, diamond weekly
