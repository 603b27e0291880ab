"""Exporting the filtered customer list: the customers one sees only, personal data masked, audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook
from personal_book import ANALYST, LI, LOBBY, MANAGER_EAST, WANG, Store

from tierwise.errors import PermissionDeniedError, UsageError
from tierwise.security.permissions import Actor
from tierwise.services.customer_export import ListFilters, export_customers


def rows(made) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(made.content.decode("utf-8-sig"))))


def test_an_account_manager_exports_only_their_customers_with_personal_data_masked(store: Store) -> None:
    made = export_customers(store.context(WANG), ListFilters(), "csv")
    got = rows(made)
    assert [(r["Customer id"], r["Account manager"]) for r in got] == [("C1", "wang"), ("C3", "wang")]
    assert (got[0]["Phone"], got[0]["Email"], got[0]["ID number"]) == (
        "+86**********5678",
        "Z***@Example.com",
        "110***********1234",
    )
    assert made.content.startswith("\ufeff".encode())  # Excel opens the Chinese names as they are
    assert made.filename.endswith(".csv") and made.rows == 2


def test_filters_narrow_the_export_and_the_manager_sees_their_team(store: Store) -> None:
    assert [r["Customer id"] for r in rows(export_customers(store.context(MANAGER_EAST), ListFilters(), "csv"))] == [
        "C1",
        "C3",
    ]
    found = export_customers(store.context(ANALYST), ListFilters(q="李"), "csv")
    assert [(r["Customer id"], r["Name"]) for r in rows(found)] == [("C2", "李娜")]


def test_the_xlsx_export_holds_the_same_rows_with_headers_in_the_language(store: Store) -> None:
    made = export_customers(store.context(LI), ListFilters(), "xlsx", lang="zh")
    sheet = load_workbook(io.BytesIO(made.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:4] == ("客户编号", "姓名", "等级", "客户经理")
    assert values[1] == (
        "C2",
        "李娜",
        None,
        "li",
        "north",
        None,
        None,
        None,
        "139****1111",
        "l***@example.cn",
        "110***********567x",
    )


def test_each_export_is_audited_with_its_filters_and_count(store: Store) -> None:
    export_customers(store.context(WANG), ListFilters(region="north", q="C"), "xlsx")
    [(actor, target, after)] = store.raw("SELECT actor, target_id, after FROM audit WHERE action = 'customers.export'")
    after = after if isinstance(after, dict) else json.loads(after)
    assert (actor, target, after) == (
        "wang",
        "xlsx",
        {"format": "xlsx", "rows": 0, "filters": {"region": "north", "q": "C"}},
    )


@pytest.mark.parametrize("actor", [LOBBY, Actor("root", "admin")])
def test_roles_without_the_export_permission_are_refused(store: Store, actor: Actor) -> None:
    with pytest.raises(PermissionDeniedError, match="may not do customers.export"):
        export_customers(store.context(actor), ListFilters(), "csv")


def test_an_unknown_format_is_refused(store: Store) -> None:
    with pytest.raises(UsageError, match="unknown export format 'pdf'"):
        export_customers(store.context(ANALYST), ListFilters(), "pdf")
