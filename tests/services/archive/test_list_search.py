"""The customer list's search by phone, id number and e-mail address (through the keyed hash, never the
plain text), its exact counts and its sorted pages, on SQLite and PostgreSQL: an account manager's search
never finds another's customer, however the number is typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import delete, select, text, update

from tierwise.security.permissions import Actor
from tierwise.services.customer_list import list_customers
from tierwise.services.imports import import_data
from tierwise.services.sealed_data import keyring_of
from tierwise.store.models import Customer
from tierwise.store.sealed import context

WANG = Actor("wang", "account_manager", frozenset({"east"}))
LI = Actor("li", "account_manager", frozenset({"north"}))
ZHAO = Actor("zhao", "manager", frozenset({"north"}))
CHEN = Actor("chen", "analyst")
PERSONAL = {
    "P1": ("wang", "east", {"phone": "13812345678", "id_number": "110101199001011234", "email": "zhang@example.com"}),
    "P2": ("li", "north", {"phone": "13987654321", "id_number": "11010119850505123X", "email": "li.na@example.com"}),
}


def as_(book, actor) -> object:
    return replace(book.context(), actor=actor)


def ids(page) -> list[str]:
    return [r.customer_id for r in page.rows]


@pytest.fixture
def sealed(book):
    """P1 (wang's) and P2 (li's) with their personal data sealed and hashed, as an import stores them."""
    ring = keyring_of(book.context().settings)
    for customer_id, (owner, team, values) in PERSONAL.items():
        columns = {f: ring.encrypt(v, context=context("customers", f, customer_id)) for f, v in values.items()}
        hashes = {f"{f}_hash": ring.search_hash(f, v) for f, v in values.items()}  # type: ignore[arg-type]
        book.add(Customer(customer_id=customer_id, name="张三", owner=owner, team=team, **columns, **hashes))
    return book


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("13812345678", "P1"),
        ("+86 138-1234-5678", "P1"),
        ("0086 13812345678", "P1"),
        ("110101199001011234", "P1"),
        ("11010119850505123x", "P2"),  # the check letter in lower case
        ("ZHANG@example.com", "P1"),
    ],
)
def test_a_whole_phone_id_number_or_address_finds_its_customer(sealed, typed: str, found: str) -> None:
    assert ids(list_customers(as_(sealed, CHEN), q=typed)) == [found]


def test_an_account_managers_search_never_finds_another_managers_customer(sealed) -> None:
    wang, li = as_(sealed, WANG), as_(sealed, LI)
    for typed in ("13987654321", "11010119850505123X", "li.na@example.com"):  # P2's, li's customer
        page = list_customers(wang, q=typed)
        assert (page.total, ids(page)) == (0, [])
        assert ids(list_customers(li, q=typed)) == ["P2"]
    assert ids(list_customers(as_(sealed, ZHAO), q="13987654321")) == ["P2"]  # li's team's manager
    assert list_customers(as_(sealed, ZHAO), q="13812345678").total == 0


def test_a_part_of_a_number_finds_nothing_and_the_plain_text_is_not_in_the_store(sealed) -> None:
    chen = as_(sealed, CHEN)
    assert list_customers(chen, q="1381234").total == 0  # the hash is of the whole number only
    assert list_customers(chen, q="5678").total == 0
    with sealed.sessions() as session:
        stored = session.execute(select(Customer.phone, Customer.id_number, Customer.email)).all()
    assert all(v is None or not v.startswith(("13", "11", "zhang", "li.na")) for row in stored for v in row)


def test_the_search_still_finds_a_part_of_the_name_or_the_id(sealed) -> None:
    chen = as_(sealed, CHEN)
    assert ids(list_customers(chen, q="张")) == ["P1", "P2"]
    assert ids(list_customers(chen, q="p2")) == ["P2"]


def test_counts_are_exact_with_and_without_a_class_and_sorted_pages_follow_the_sort(book) -> None:
    names = ["Delta", "Alpha", "Charlie", "Bravo", "Echo", "Foxtrot", "Golf"]
    for i, name in enumerate(names):
        owner = "wang" if i % 2 == 0 else "li"
        book.add(Customer(customer_id=f"N{i}", name=name, owner=owner, team="east", region="north"))
    book.save_run("china-post", dt.date(2026, 1, 31), {"N0": "gold", "N1": "vip", "N2": "gold", "C1": "gold"})
    chen, wang = as_(book, CHEN), as_(book, WANG)
    everyone = list_customers(chen, limit=1)
    assert everyone.total == len(names) + 5  # the book's five customers and these
    assert list_customers(chen, policy="china-post", class_="gold").total == 3  # N0, N2 and C1
    assert list_customers(wang, policy="china-post", class_="gold").total == 3  # N0, N2 and wang's C1
    assert list_customers(as_(book, LI), policy="china-post", class_="gold").total == 0
    by_name = [r.name for r in list_customers(chen, region="north", sort="name").rows]
    assert by_name == sorted(names)
    first, second = (list_customers(chen, region="north", sort="name", offset=o, limit=4) for o in (0, 4))
    assert [r.name for r in first.rows + second.rows] == by_name
    assert (first.total, second.total) == (len(names), len(names))
    ranked = list_customers(chen, policy="china-post", class_="gold", sort="rank")
    assert {r.customer_id for r in ranked.rows} == {"N0", "N2", "C1"}


def search(book, text: str) -> list[str]:
    return ids(list_customers(as_(book, CHEN), q=text))


def indexed(book) -> int | None:
    """How many rows SQLite's trigram table holds (None on PostgreSQL, whose index has no table)."""
    if not book.url.startswith("sqlite"):
        return None
    with book.sessions() as session:
        return session.execute(text("SELECT count(*) FROM customer_search")).scalar_one()


def test_a_part_of_the_name_or_id_is_found_through_the_trigram_index_as_the_comparison_finds_it(book) -> None:
    book.add(
        Customer(customer_id="ACME-007", name="北京宏通贸易有限公司"),
        Customer(customer_id="X1", name="利润50%_公司"),
        Customer(customer_id="X2", name='说"好"的店'),
    )
    assert search(book, "宏通贸") == ["ACME-007"]  # three characters and more: through the index
    assert search(book, "京宏通贸易有限公") == ["ACME-007"]
    assert search(book, "acme-00") == ["ACME-007"]  # the id, case-insensitive
    assert search(book, "NORTHWIND") == ["C2"]  # the name, case-insensitive
    assert search(book, "thwi") == ["C2"]
    assert search(book, "50%_") == ["X1"]  # % and _ are characters, not patterns
    assert search(book, "0%公") == []
    assert search(book, '"好"') == ["X2"]  # a quote is a character of the phrase
    assert search(book, "有限公司") == ["ACME-007", "C1"]
    assert search(book, "宏") == ["ACME-007"]  # shorter than a trigram: compared row by row
    assert ids(list_customers(as_(book, WANG), q="有限公司")) == ["C1"]  # still only the viewer's customers


def test_the_index_follows_inserts_renames_and_deletes(book) -> None:
    book.add(Customer(customer_id="R1", name="恒盛物流有限公司"))
    assert search(book, "恒盛物流") == ["R1"]
    with book.sessions.begin() as session:
        session.execute(update(Customer).where(Customer.customer_id == "R1").values(name="瑞德科技有限公司"))
    assert search(book, "恒盛物流") == []
    assert search(book, "瑞德科技") == ["R1"]
    with book.sessions.begin() as session:
        session.execute(update(Customer).where(Customer.customer_id == "R1").values(region="上海"))  # name kept
    assert search(book, "瑞德科技") == ["R1"]
    assert indexed(book) in (None, 6)  # one row per customer: a rename replaces its row
    with book.sessions.begin() as session:
        session.execute(delete(Customer).where(Customer.customer_id.in_(["R1", "C2"])))  # a long id and a short one
    assert search(book, "瑞德科技") == [] and search(book, "northwind") == []
    assert indexed(book) in (None, 4)


def test_an_imported_and_then_changed_customer_is_found_by_its_new_name(book, tmp_path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "customers.csv").write_text("customer_id,name\nI100,天津泰科电子有限公司\n", encoding="utf-8")
    ctx = book.context()
    import_data(ctx, folder)
    assert search(book, "泰科电子") == ["I100"]
    (folder / "customers.csv").write_text("customer_id,name\nI100,天津泰和电子有限公司\n", encoding="utf-8")
    import_data(ctx, folder, mode="upsert")
    assert search(book, "泰科电子") == []
    assert search(book, "泰和电子") == ["I100"]
    assert indexed(book) in (None, 6)
