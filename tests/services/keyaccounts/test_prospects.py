"""Prospect qualification against the shipped qualified-customer profile (industry 25, size 25, region 10,
needs 25, budget 15 points; A ≥ 70, B ≥ 40), and the look-alike score to the approved key accounts.

- P1: manufacturing, east, 510 employees, revenue 81 M, an opportunity yes/high of 600,000: 100 → A
- P4: logistics, north, 150 employees, revenue 40 M (size not met), yes/mid of 500,000 (at the bound): 75 → A
- P3: manufacturing, west, 5,000 employees, no opportunity: 50 → B
- P2: retail, south, 20 employees, an opportunity yes/low of 100,000: 0 → C
Approved key accounts: K1 (manufacturing, east, 500, 80 M), of which P1 is the planted twin, and K2
(logistics, north, 1,200, 300 M).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tierwise.i18n import translate
from tierwise.services.prospects import qualify_prospects
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Customer, Opportunity

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


def firm(cid: str, industry: str, region: str, employees: int, revenue: str) -> Customer:
    return Customer(customer_id=cid, name=cid, industry=industry, region=region, employees=employees,
                    annual_revenue=Decimal(revenue))  # fmt: skip


def opp(oid: str, cid: str, subjective: str, amount: str) -> Opportunity:
    return Opportunity(opportunity_id=oid, customer_id=cid, stage="proposal", objective_need="yes",
                       subjective_need=subjective, amount=Decimal(amount))  # fmt: skip


@pytest.fixture
def market(people):
    people.add(
        firm("K1", "manufacturing", "east", 500, "80000000"),
        firm("K2", "logistics", "north", 1200, "300000000"),
        firm("P1", "Manufacturing", "East", 510, "81000000"),
        firm("P2", "retail", "south", 20, "1000000"),
        firm("P3", "manufacturing", "west", 5000, "2000000000"),
        firm("P4", "logistics", "north", 150, "40000000"),
    )
    people.add(
        opp("O1", "P1", "high", "600000"), opp("O2", "P2", "low", "100000"), opp("O4", "P4", "mid", "500000"),
        *[KeyAccount(customer_id=k, status="approved", nominated_at=NOW, nominated_by="zhao", updated_at=NOW,
                     nomination_reasons=["by hand"]) for k in ("K1", "K2")],
    )  # fmt: skip
    return people


def test_prospects_score_against_the_profile_with_reasons(market) -> None:
    found = qualify_prospects(market.context(), limit=3)
    assert [(p.customer_id, p.score, p.grade) for p in found] == [
        ("P1", 100.0, "A"),
        ("P4", 75.0, "A"),
        ("P3", 50.0, "B"),
    ]
    everyone = {p.customer_id: p for p in qualify_prospects(market.context(), limit=None)}
    assert (everyone["P2"].score, everyone["P2"].grade, everyone["P2"].reasons) == (0.0, "C", ())
    assert [translate(r, "en") for r in found[1].reasons] == [
        "industry logistics is one we serve",
        "region north is covered",
        "an opportunity with an objective need and a mid subjective need",
        "budget: an opportunity of 500,000",
    ]
    assert "K1" not in everyone and "K2" not in everyone


def test_the_planted_twin_of_a_key_account_ranks_first_by_look_alike(market) -> None:
    found = qualify_prospects(market.context(), by="lookalike", limit=None)
    assert (found[0].customer_id, found[0].nearest_key_account) == ("P1", "K1")
    assert found[0].lookalike > found[1].lookalike
    assert next(p for p in found if p.customer_id == "P4").nearest_key_account == "K2"


def test_the_prospects_command(market) -> None:
    import json

    from typer.testing import CliRunner

    from tierwise.cli import app

    done = CliRunner().invoke(app, ["prospects", "--by", "lookalike", "--limit", "1", "--db", market.url, "--json"])
    assert done.exit_code == 0, done.output
    assert [(p["customer_id"], p["nearest_key_account"]) for p in json.loads(done.output)] == [("P1", "K1")]
