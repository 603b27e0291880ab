"""The total of one account manager's class in the list, from the per-owner counts saved with the run
(services/class_counts.py), on SQLite and PostgreSQL: equal to a COUNT after every insert, change of owner,
delete, import and revert, whether the saved count is read or the customers changed since it was saved."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from sqlalchemy import delete, func, select, update

from tierwise.security.permissions import Actor
from tierwise.services.class_counts import saved_owner_class_total, write_class_counts
from tierwise.services.customer_list import list_customers
from tierwise.services.import_history import revert_import
from tierwise.services.imports import import_data
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment

CHEN = Actor("chen", "analyst")
WANG = Actor("wang", "account_manager")
CLASSES = {"C1": "gold", "C2": "gold", "C3": "gold", "C4": "vip", "C5": "gold", "N1": "gold", "X9": "gold"}


def counted(book, run_id: int, owner: str, code: str) -> int:
    """The COUNT the list's total must equal: the run's customers of ``code`` that ``owner`` has now."""
    with book.sessions() as session:
        return session.execute(
            select(func.count())
            .select_from(Assignment)
            .join(Customer, Customer.customer_id == Assignment.customer_id)
            .where(Assignment.run_id == run_id, Assignment.class_ == code, Customer.owner == owner)
        ).scalar_one()


def saved(book, run_id: int, owner: str, code: str) -> int | None:
    with book.sessions() as session:
        return saved_owner_class_total(session, run_id, owner, code)


def listed(book, actor: Actor = CHEN, **filters: object):
    return list_customers(replace(book.context(), actor=actor), policy="china-post", sort="rank", **filters)


def saved_run(book, as_of: dt.date) -> int:
    run = book.save_run("china-post", as_of, CLASSES)
    with book.engine.begin() as con:
        write_class_counts(con, run)
    return run


def assert_exact(book, run: int) -> None:
    """Every owner's gold and vip total, asked by an analyst with an owner filter and by wang for his own."""
    for owner in ("wang", "li", "zhou"):
        for code in ("gold", "vip"):
            assert listed(book, owner=owner, class_=code).total == counted(book, run, owner, code), (owner, code)
    assert listed(book, WANG, class_="gold").total == counted(book, run, "wang", "gold")


def test_an_owners_class_total_is_the_saved_count_while_no_customer_changed(book) -> None:
    run = book.save_run("china-post", dt.date(2026, 1, 31), CLASSES)
    assert saved(book, run, "wang", "gold") is None  # nothing saved yet: counted through the join
    assert listed(book, owner="wang", class_="gold").total == 2
    with book.engine.begin() as con:
        write_class_counts(con, run)
    # C5 has no owner, N1 and X9 are not in the store: only C1, C2 (wang) and C3 (li) are gold of an owner
    assert [saved(book, run, o, c) for o, c in (("wang", "gold"), ("li", "gold"), ("li", "vip"), ("zhou", "gold"))] == [
        2,
        1,
        1,
        0,
    ]
    page = listed(book, owner="wang", class_="gold")
    assert (page.total, [r.customer_id for r in page.rows]) == (2, ["C1", "C2"])
    assert listed(book, WANG, class_="gold").total == 2
    assert listed(book, WANG, owner="li", class_="gold").total == 0  # wang never sees li's customers
    assert_exact(book, run)


def test_an_insert_a_change_of_owner_and_a_delete_make_the_saved_count_stale(book) -> None:
    run = saved_run(book, dt.date(2026, 1, 31))
    book.add(Customer(customer_id="N1", name="new, classed from the file", owner="wang"))
    assert saved(book, run, "wang", "gold") is None
    assert listed(book, owner="wang", class_="gold").total == 3
    assert_exact(book, run)
    run = saved_run(book, dt.date(2026, 2, 28))
    assert saved(book, run, "wang", "gold") == 3
    with book.sessions.begin() as session:
        session.execute(update(Customer).where(Customer.customer_id == "C3").values(owner="wang"))
    assert saved(book, run, "wang", "gold") is None
    assert (listed(book, owner="wang", class_="gold").total, listed(book, owner="li", class_="gold").total) == (4, 0)
    assert_exact(book, run)
    run = saved_run(book, dt.date(2026, 3, 31))
    with book.sessions.begin() as session:
        session.execute(delete(Customer).where(Customer.customer_id == "C1"))
    assert listed(book, owner="wang", class_="gold").total == 3
    assert listed(book, WANG, class_="gold").total == 3
    assert_exact(book, run)


def test_an_import_and_its_revert_keep_an_owners_class_total_exact(book, tmp_path: Path) -> None:
    run = saved_run(book, dt.date(2026, 1, 31))
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id,name,owner\nN1,新客户,wang\nX9,另一个,zhou\n", encoding="utf-8")
    imported = import_data(book.context(), folder)
    assert (listed(book, owner="wang", class_="gold").total, listed(book, owner="zhou", class_="gold").total) == (3, 1)
    assert_exact(book, run)
    run = saved_run(book, dt.date(2026, 2, 28))
    assert saved(book, run, "zhou", "gold") == 1
    revert_import(book.context(), imported.import_id)
    assert saved(book, run, "zhou", "gold") is None
    assert (listed(book, owner="wang", class_="gold").total, listed(book, owner="zhou", class_="gold").total) == (2, 0)
    assert_exact(book, run)
