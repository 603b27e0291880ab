"""The list's totals from the counts the store keeps (services/class_counts.py), on SQLite and PostgreSQL:
equal to a COUNT at every step, whether the saved count is read or the customers changed since it was."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import delete, func, select, update

from tierwise.security.permissions import Actor
from tierwise.services.class_counts import customer_total, saved_class_total, write_class_counts
from tierwise.services.customer_facets import customer_facets
from tierwise.services.customer_list import list_customers
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment

CHEN = Actor("chen", "analyst")


def counted(book, run_id: int, code: str) -> int:
    """The COUNT the list's total must equal: the run's customers of ``code`` that are in the store."""
    with book.sessions() as session:
        return session.execute(
            select(func.count())
            .select_from(Assignment)
            .join(Customer, Customer.customer_id == Assignment.customer_id)
            .where(Assignment.run_id == run_id, Assignment.class_ == code)
        ).scalar_one()


def saved(book, run_id: int, code: str) -> int | None:
    with book.sessions() as session:
        return saved_class_total(session, run_id, code)


def total(book, **filters: object) -> int:
    return list_customers(replace(book.context(), actor=CHEN), policy="china-post", **filters).total


def test_the_customer_total_follows_every_insert_and_delete(book) -> None:
    with book.sessions() as session:
        assert customer_total(session) == 5
    book.add(*(Customer(customer_id=f"N{i}", name=f"n{i}") for i in range(3)))
    with book.sessions.begin() as session:
        session.execute(delete(Customer).where(Customer.customer_id.in_(["N0", "C5"])))
    with book.sessions() as session:
        assert customer_total(session) == session.execute(select(func.count()).select_from(Customer)).scalar_one() == 6
    assert list_customers(replace(book.context(), actor=CHEN), limit=1).total == 6


def test_a_class_total_reads_the_saved_count_until_customers_change(book) -> None:
    # X9 was classed from a file but is not in the store: the list never shows it, so the count leaves it out
    run = book.save_run("china-post", dt.date(2026, 1, 31), {"C1": "gold", "C2": "gold", "C3": "vip", "X9": "gold"})
    assert saved(book, run, "gold") is None  # nothing saved yet: counted through the join
    assert total(book, class_="gold") == 2
    with book.engine.begin() as con:
        write_class_counts(con, run)
    assert (saved(book, run, "gold"), saved(book, run, "vip"), saved(book, run, "diamond")) == (2, 1, 0)
    assert total(book, class_="gold") == counted(book, run, "gold") == 2
    book.add(Customer(customer_id="X9", name="from the file, imported later"))
    assert saved(book, run, "gold") is None  # a customer was added: the saved count may be wrong
    assert total(book, class_="gold") == counted(book, run, "gold") == 3
    assert total(book, class_="gold", owner="wang") == 2  # a filter counts through the join, as before


def test_moving_a_customer_to_another_owner_or_removing_one_makes_the_saved_count_stale(book) -> None:
    run = book.save_run("china-post", dt.date(2026, 1, 31), {"C1": "gold", "C2": "vip"})
    with book.engine.begin() as con:
        write_class_counts(con, run)
    assert saved(book, run, "gold") == 1
    with book.sessions.begin() as session:
        session.execute(update(Customer).where(Customer.customer_id == "C1").values(name="renamed"))
    assert saved(book, run, "gold") == 1  # a new name changes no count
    with book.sessions.begin() as session:
        session.execute(update(Customer).where(Customer.customer_id == "C1").values(owner="li"))
    assert saved(book, run, "gold") is None
    with book.engine.begin() as con:
        write_class_counts(con, book.save_run("china-post", dt.date(2026, 2, 28), {"C1": "gold"}))
    with book.sessions.begin() as session:
        session.execute(delete(Customer).where(Customer.customer_id == "C1"))
    assert total(book, class_="gold") == 0


def test_the_filter_choices_walked_along_the_indexes_are_the_distinct_values(book) -> None:
    book.add(
        Customer(customer_id="F1", name="f1", region="上海", industry="零售", kind="company", owner="zhou"),
        Customer(customer_id="F2", name="f2", region="北京", industry="零售", kind="person", owner="wang"),
        Customer(customer_id="F3", name="f3", region="上海", kind="company"),
    )
    everyone = customer_facets(replace(book.context(), actor=CHEN))
    with book.sessions() as session:
        for name in ("region", "industry", "kind", "owner"):
            column = getattr(Customer, name)
            distinct = session.execute(select(column).where(column.is_not(None)).distinct().order_by(column))
            assert getattr(everyone, f"{name}s" if name != "industry" else "industries") == list(distinct.scalars())
    wang = customer_facets(replace(book.context(), actor=Actor("wang", "account_manager")))
    assert (wang.regions, wang.owners) == (["北京"], ["wang"])  # a restricted viewer: their customers' values
