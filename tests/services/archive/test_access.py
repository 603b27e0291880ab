"""Permissions in the services: who may do what, and whose customers each person sees, everywhere.

The book: C1, C2 owned by wang (team east); C3, C4 owned by li (team north); C5 owned by nobody. wang is an
account manager, zhao a manager of team north, chen an analyst, the front desk a lobby user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest
from sqlalchemy import select

from tierwise.archive.months import Month
from tierwise.errors import NotFoundError, PermissionDeniedError, RecordError
from tierwise.security.permissions import SYSTEM, Actor
from tierwise.services.alerts import alerts
from tierwise.services.cards import profile_card
from tierwise.services.complaints import add_complaint, change_status, customer_complaints
from tierwise.services.contacts import add_contact, customer_contacts, update_contact
from tierwise.services.customer_list import list_customers
from tierwise.services.plan import contact_plan
from tierwise.services.run_diffs import diff_runs
from tierwise.services.run_history import customer_history, up_or_out
from tierwise.services.runs import list_runs, run_assignments, show_run
from tierwise.services.sealed_data import keyring_of
from tierwise.services.surveys import add_survey, customer_surveys, survey_summary, update_survey
from tierwise.services.visits import add_visit, customer_visits, update_visit
from tierwise.store.models import Complaint, Customer, Survey, Visit
from tierwise.store.sealed import context

D = dt.date
WANG = Actor("wang", "account_manager", frozenset({"east"}))
LI = Actor("li", "account_manager", frozenset({"north"}))
ZHAO = Actor("zhao", "manager", frozenset({"north"}))
CHEN = Actor("chen", "analyst")
DESK = Actor("desk", "lobby")


@pytest.fixture
def filled(book):
    """Two runs of china-post, a complaint, a visit and a survey for C1 (wang's) and C3 (li's)."""
    book.save_run("china-post", D(2026, 1, 31), {"C1": "gold", "C2": "vip", "C3": "diamond", "C4": "vip", "C5": "vip"})
    book.save_run("china-post", D(2026, 2, 28), {"C1": "vip", "C2": "vip", "C3": "gold", "C4": "gold", "C5": "vip"})
    book.add(
        Complaint(customer_id="C1", date=D(2026, 1, 2), complaint_id="K-1", status="open"),
        Complaint(customer_id="C3", date=D(2026, 1, 2), complaint_id="K-3", status="open"),
        Visit(customer_id="C1", date=D(2026, 3, 1), next_visit_date=D(2026, 3, 5)),
        Visit(customer_id="C3", date=D(2026, 3, 1), next_visit_date=D(2026, 3, 5)),
        Survey(customer_id="C1", date=D(2026, 1, 5), csat=5, nps=9),
        Survey(customer_id="C3", date=D(2026, 1, 5), csat=2, nps=1),
    )
    return book


def id_of(book, model, customer_id: str) -> int:
    """The id of the one ``model`` row of ``customer_id``."""
    with book.sessions() as session:
        return session.scalars(select(model.id).where(model.customer_id == customer_id)).one()


def as_(book, actor) -> object:
    """The book's context acting as ``actor``."""
    return replace(book.context(), actor=actor)


def ids(page) -> list[str]:
    return [r.customer_id for r in page.rows]


def test_each_role_lists_exactly_the_customers_it_sees(filled) -> None:
    assert ids(list_customers(as_(filled, WANG))) == ["C1", "C2"]
    assert ids(list_customers(as_(filled, ZHAO))) == ["C3", "C4"]  # the team's; none of their own
    assert ids(list_customers(as_(filled, CHEN))) == ["C1", "C2", "C3", "C4", "C5"]
    assert ids(list_customers(as_(filled, SYSTEM))) == ["C1", "C2", "C3", "C4", "C5"]  # the CLI: the system
    with pytest.raises(PermissionDeniedError, match="the lobby role may not do customers.read"):
        list_customers(as_(filled, DESK))


def test_counts_and_search_never_include_another_managers_customers(filled) -> None:
    wang = as_(filled, WANG)
    assert list_customers(wang, q="contoso").total == 0  # C3's name, li's customer
    assert list_customers(wang, q="C3").total == 0
    assert list_customers(as_(filled, LI), q="contoso").total == 1
    page = list_customers(wang, policy="china-post", class_="vip")
    assert (page.total, ids(page)) == (2, ["C1", "C2"])  # C5 and C4 are vip too, but not wang's
    assert list_customers(as_(filled, CHEN), policy="china-post", class_="vip").total == 3


def test_a_customer_one_may_not_see_is_not_found_like_a_missing_one(filled) -> None:
    wang = as_(filled, WANG)
    with pytest.raises(NotFoundError) as hidden:
        profile_card(wang, "C3", with_value=False)
    with pytest.raises(NotFoundError) as missing:
        profile_card(wang, "C9", with_value=False)
    assert hidden.value.render("en") == "no customer 'C3'" and missing.value.render("en") == "no customer 'C9'"
    for read in (customer_visits, customer_complaints, customer_surveys, customer_contacts, customer_history):
        with pytest.raises(NotFoundError, match="no customer 'C3'"):
            read(wang, "C3")
    assert profile_card(wang, "C1", with_value=False).record.owner == "wang"
    assert profile_card(as_(filled, ZHAO), "C3", with_value=False).record.owner == "li"


def test_nobody_writes_a_card_of_a_customer_they_may_not_see_and_nothing_is_written(filled) -> None:
    wang = as_(filled, WANG)
    with pytest.raises(NotFoundError, match="no customer 'C3'"):
        add_visit(wang, "C3", D(2026, 3, 9))
    with pytest.raises(NotFoundError, match="no customer 'C3'"):
        add_complaint(wang, "C3", D(2026, 3, 9), description="late")
    with pytest.raises(NotFoundError, match="no customer 'C3'"):
        add_survey(wang, "C3", D(2026, 3, 9), csat=1)
    with pytest.raises(NotFoundError, match="no customer 'C3'"):
        add_contact(wang, "C3", "Spy")
    visit, survey = id_of(filled, Visit, "C3"), id_of(filled, Survey, "C3")
    with pytest.raises(NotFoundError, match=f"unknown visit {visit}"):
        update_visit(wang, visit, content="edited")
    with pytest.raises(NotFoundError, match="unknown complaint K-3"):
        change_status(wang, "K-3", "in_progress")
    with pytest.raises(NotFoundError, match=f"unknown survey {survey}"):
        update_survey(wang, survey, csat=5)
    li_contact = add_contact(as_(filled, LI), "C3", "Ma Li")
    with pytest.raises(NotFoundError, match=f"unknown contact {li_contact.id}"):
        update_contact(wang, li_contact.id, attitude="supportive")
    assert [v.id for v in customer_visits(as_(filled, LI), "C3")] == [visit]
    assert customer_visits(as_(filled, LI), "C3")[0].content is None
    assert customer_complaints(as_(filled, LI), "C3")[0].status.value == "open"
    assert customer_surveys(as_(filled, LI), "C3")[0].csat == 2


def test_roles_without_the_write_action_are_refused(filled) -> None:
    with pytest.raises(PermissionDeniedError, match="the analyst role may not do visits.write"):
        add_visit(as_(filled, CHEN), "C1", D(2026, 3, 9))
    with pytest.raises(PermissionDeniedError, match="the lobby role may not do complaints.write"):
        change_status(as_(filled, DESK), "K-1", "in_progress")
    card = add_visit(as_(filled, WANG), "C1", D(2026, 3, 9), content="met the buyer")
    assert (card.customer_id, card.recorded_by) == ("C1", "wang")
    assert update_visit(as_(filled, WANG), card.id, progress="quote sent").progress == "quote sent"
    assert change_status(as_(filled, ZHAO), "K-3", "in_progress").status.value == "in_progress"


def test_run_assignments_counts_and_diff_hold_only_visible_customers(filled) -> None:
    wang, chen = as_(filled, WANG), as_(filled, CHEN)
    first, second = (r.id for r in sorted(list_runs(chen), key=lambda r: r.as_of))
    assert [r.customers for r in list_runs(wang)] == [2, 2]
    assert [r.customers for r in list_runs(chen)] == [5, 5]
    page = run_assignments(wang, second)
    assert (page.total, sorted(r.customer_id for r in page.rows)) == (2, ["C1", "C2"])
    assert run_assignments(wang, second, class_="gold").total == 0  # C3 and C4 are gold: li's
    assert run_assignments(chen, second, class_="gold").total == 2
    detail = show_run(wang, second)
    assert {c.code: c.customers for c in detail.classes if c.customers} == {"vip": 2}
    assert sorted(detail.assignments.column("customer_id").to_pylist()) == ["C1", "C2"]
    moved = diff_runs(wang, first, second)
    assert moved.movers.column("customer_id").to_pylist() == ["C1"]  # C3 moved too, but is li's
    assert sum(c.customers for c in moved.matrix) == 2
    assert [e.customer_id for e in up_or_out(wang, run_id=second).entries] == ["C1"]
    with pytest.raises(PermissionDeniedError):
        list_runs(as_(filled, DESK))


def test_alerts_plan_and_survey_figures_of_another_manager_stay_out(filled) -> None:
    wang = as_(filled, WANG)
    fired = alerts(wang)
    assert fired and {a.customer_id for a in fired} == {"C1"}
    assert {a.customer_id for a in alerts(as_(filled, ZHAO))} == {"C3"}
    assert {a.customer_id for a in alerts(as_(filled, SYSTEM))} >= {"C1", "C3"}
    plan = contact_plan(wang, Month(2026, 3))
    assert {e.customer_id for m in plan.managers for e in m.entries} == {"C1", "C2"}
    summary = survey_summary(wang, by="owner")
    assert [(q.group, q.answers) for q in summary.quarters] == [("wang", 1)]
    with pytest.raises(PermissionDeniedError, match="the lobby role may not do alerts.read"):
        alerts(as_(filled, DESK))


def test_personal_data_is_masked_in_the_list(book) -> None:
    ring = keyring_of(as_(book, WANG).settings)
    values = {"phone": "13812345678", "email": "zhang@example.com", "id_number": "110101199001011234"}
    sealed = {f: ring.encrypt(v, context=context("customers", f, "P1")) for f, v in values.items()}  # as imported
    book.add(Customer(customer_id="P1", name="Zhang", owner="wang", annual_revenue=Decimal("1"), **sealed))
    row = list_customers(as_(book, WANG), q="P1").rows[0]
    assert (row.phone, row.email, row.id_number) == ("138****5678", "z***@example.com", "110***********1234")


def test_the_system_keeps_its_own_error_for_an_unknown_customer(book) -> None:
    with pytest.raises(RecordError, match="unknown customer C9"):
        add_visit(as_(book, SYSTEM), "C9", D(2026, 3, 9))


def test_filters_sort_and_pages(filled) -> None:
    chen = as_(filled, CHEN)
    filled.add(Customer(customer_id="C6", name="Zeta", owner="wang", team="east", region="north", kind="company"))
    assert ids(list_customers(chen, region="north")) == ["C6"]
    assert ids(list_customers(chen, kind="company", owner="wang")) == ["C6"]
    assert ids(list_customers(chen, sort="name", limit=2)) == ["C5", "C3"]  # Adventure Works, Contoso
    assert ids(list_customers(chen, sort="customer_id", descending=True, limit=2)) == ["C6", "C5"]
    page = list_customers(chen, offset=4, limit=2)
    assert (page.total, ids(page)) == (6, ["C5", "C6"])
    ranked = list_customers(chen, policy="china-post", sort="class")
    assert [r.class_ for r in ranked.rows][:2] == ["gold", "gold"]
    assert list_customers(chen, q="100%").total == 0  # % is a character, not a wildcard
