"""``/api/v1/prospects``, ``/api/v1/analyses`` and ``/api/v1/churn`` on the market of ``prospect_market``
(SQLite and PostgreSQL): exact scores, grades and look-alike scores at the bounds, reasons in both languages,
and an account manager who gets none of another's prospects.

The qualified-customer profile: industry 25, size 25, region 10, needs 25, budget 15, look-alike ≥ 0.5 10
points; A ≥ 70, B ≥ 40. K1 (li) and K2 (wang) are approved key accounts; P1 (wang) is K1's twin: 110 → A;
P4 (li): 75 → A, budget at its bound; P3 (wang): 50 → B, to develop; P5 (wang): 40 → B at the bound. The
book's C1–C5 (wang: C1, C2; li: C3, C4) have no traits: 0 → C.
"""

from __future__ import annotations

import pytest
from prospect_market import fill_market

V1 = "/api/v1"


@pytest.fixture
def market(api):
    fill_market(api.settings.database_url)
    for name in ("wang", "li"):
        api.user("account_manager", name)
    return api


def test_the_prospects_with_grades_reasons_and_look_alike(market, client_as) -> None:
    analyst = client_as("analyst", "chen")
    found = analyst.get(f"{V1}/prospects", params={"limit": 4}).json()
    assert [(p["customer_id"], p["score"], p["grade"], p["lookalike"]) for p in found] == [
        ("P1", 110.0, "A", 0.9863),
        ("P4", 75.0, "A", 0.3779),
        ("P3", 50.0, "B", 0.1864),
        ("P5", 40.0, "B", 0.1319),
    ]
    assert found[1]["reasons"] == [
        "industry logistics is one we serve",
        "region north is covered",
        "an opportunity with an objective need and a mid subjective need",
        "budget: an opportunity of 500,000",
    ]
    assert [p["develop"] for p in found] == [False, False, True, False]
    twin = analyst.get(f"{V1}/prospects", params={"by": "lookalike", "limit": 1, "lang": "zh"}).json()
    assert (twin[0]["customer_id"], twin[0]["nearest_key_account"]) == ("P1", "K1")
    assert twin[0]["reasons"][-1] == "特征与已批准的大客户相近（相似度 0.99）"
    graded = analyst.get(f"{V1}/prospects", params={"grade": "B", "limit": 1000}).json()
    assert [p["customer_id"] for p in graded] == ["P3", "P5"]
    assert analyst.get(f"{V1}/prospects", params={"by": "name"}).status_code == 422


def test_an_account_manager_gets_only_their_own_prospects(market, client_as) -> None:
    wang = client_as("account_manager", "wang").get(f"{V1}/prospects", params={"limit": 1000}).json()
    assert [p["customer_id"] for p in wang] == ["P1", "P3", "P5", "C1", "C2"]  # C1, C2: the book's, no traits
    assert {p["owner"] for p in wang} == {"wang"}
    assert wang[0]["nearest_key_account"] is None  # K1 is li's
    li = client_as("account_manager", "li")
    assert [p["customer_id"] for p in li.get(f"{V1}/prospects", params={"limit": 1000}).json()] == [
        "P4",
        "C3",
        "C4",
        "P2",
    ]
    assert li.get(f"{V1}/prospects", params={"owner": "wang"}).json() == []
    assert client_as("lobby", "desk").get(f"{V1}/prospects").status_code == 403


def test_the_plan_develops_the_qualified_prospects(market, client_as) -> None:
    plan = client_as("account_manager", "wang").get(f"{V1}/plan", params={"month": "2026-03"}).json()
    [mine] = plan["managers"]
    new = next(line for line in mine["allocation"] if line["group"] == "new")
    assert (new["accounts"], new["days"], new["counted"]) == (1, 0.05, True)  # P3: 2 days × 1 / 40


def test_the_analyses_and_churn_of_the_callers_customers(market, client_as) -> None:
    analyst = client_as("analyst", "chen")
    found = analyst.get(f"{V1}/analyses", params={"by": "owner", "as_of": "2026-01-31"}).json()
    # twelve purchases of 1,000 from 5 Jan 2025, every 30 days: 11 in the year to 31 Jan 2026
    assert [(s["code"], s["customers"], s["repeat_customers"], s["sales"]) for s in found["segments"]] == [
        ("li", 1, 1, 11000.0),
        ("wang", 1, 1, 11000.0),
    ]
    wang = client_as("account_manager", "wang").get(f"{V1}/analyses", params={"by": "owner"}).json()
    assert [s["code"] for s in wang["segments"]] == ["wang"]
    window = {"by": "owner", "promotion": "Spring:2025-06-01:2025-06-30", "as_of": "2026-01-31"}
    promotions = analyst.get(f"{V1}/analyses", params=window).json()["promotions"]
    assert {(p["promotion"], p["segment"]) for p in promotions} == {("Spring", "li"), ("Spring", "wang")}
    bad = analyst.get(f"{V1}/analyses", params={"promotion": "Spring:2025-06-30:2025-06-01"})
    assert bad.status_code == 400
    # both key accounts stopped buying on 2025-12-01 (monthly): lost after 3 × 30 days, on 2026-03-01
    churn = analyst.get(f"{V1}/churn", params={"as_of": "2026-06-30"}).json()
    assert sorted(w["customer_id"] for w in churn["win_back"]) == ["K1", "K2"]
    mine = client_as("account_manager", "wang").get(f"{V1}/churn", params={"as_of": "2026-06-30"}).json()
    assert [w["customer_id"] for w in mine["win_back"]] == ["K2"]
