"""Prospect qualification against the shipped qualified-customer profile (industry 25, size 25, region 10,
needs 25, budget 15, look-alike ≥ 0.5 10 points; A ≥ 70, B ≥ 40), and the look-alike score to the approved
key accounts.

- P1 (wang): manufacturing, east, 510 employees, revenue 81 M, an opportunity yes/high of 600,000, look-alike
  0.99 to K1: 110 → A
- P4 (li): logistics, north, 150 employees, revenue 40 M (size not met), yes/mid of 500,000 (at the bound): 75 → A
- P3 (wang): manufacturing, west, 5,000 employees, no opportunity: 50 → B, never bought: to develop
- P5 (wang): energy, west, 10 employees, yes/low of 500,000: 25 + 15 = 40 → B (at the bound), open opportunity
- P2 (li): retail, south, 20 employees, an opportunity yes/low of 100,000: 0 → C
- C1–C5 of the book: no traits, 0 → C
Approved key accounts: K1 (li; manufacturing, east, 500, 80 M), of which P1 is the planted twin, and K2
(wang; logistics, north, 1,200, 300 M).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tierwise.analytics.prospect_profile import LookalikeCriterion, load_profile
from tierwise.errors import PermissionDeniedError, UsageError
from tierwise.i18n import translate
from tierwise.security.permissions import Actor
from tierwise.services.prospects import development_counts, qualify_prospects
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Customer, Opportunity

NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)


OWNERS = {"K1": ("li", "north"), "K2": ("wang", "east"), "P1": ("wang", "east"), "P2": ("li", "north"),
          "P3": ("wang", "east"), "P4": ("li", "north"), "P5": ("wang", "east")}  # fmt: skip


def firm(cid: str, industry: str, region: str, employees: int, revenue: str) -> Customer:
    owner, team = OWNERS[cid]
    return Customer(customer_id=cid, name=cid, industry=industry, region=region, employees=employees,
                    annual_revenue=Decimal(revenue), owner=owner, team=team)  # fmt: skip


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
        firm("P5", "energy", "west", 10, "1000000"),
    )
    people.add(
        opp("O1", "P1", "high", "600000"), opp("O2", "P2", "low", "100000"), opp("O4", "P4", "mid", "500000"),
        opp("O5", "P5", "low", "500000"),
        *[KeyAccount(customer_id=k, status="approved", nominated_at=NOW, nominated_by="zhao", updated_at=NOW,
                     nomination_reasons=["by hand"]) for k in ("K1", "K2")],
    )  # fmt: skip
    return people


def test_prospects_score_against_the_profile_with_reasons(market) -> None:
    found = qualify_prospects(market.context(), limit=4)
    assert [(p.customer_id, p.score, p.grade) for p in found] == [
        ("P1", 110.0, "A"),
        ("P4", 75.0, "A"),
        ("P3", 50.0, "B"),
        ("P5", 40.0, "B"),
    ]
    assert translate(found[0].reasons[-1], "en") == "traits close to an approved key account's (look-alike 0.99)"
    assert translate(found[0].reasons[-1], "zh") == "特征与已批准的大客户相近（相似度 0.99）"
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


def test_the_look_alike_criterion_counts_at_its_bound(market) -> None:
    shipped = load_profile("qualified-customer")
    # P4's look-alike is 0.3779 (to K2): a bound of 0.37 adds the 10 points, one of 0.38 does not
    for bound, score in ((0.37, 85.0), (0.38, 75.0)):
        criteria = shipped.criteria.model_copy(update={"lookalike": LookalikeCriterion(at_least=bound, points=10)})
        profile = shipped.model_copy(update={"criteria": criteria})
        [p4] = [p for p in qualify_prospects(market.context(), profile=profile, limit=None) if p.customer_id == "P4"]
        assert (p4.lookalike, p4.score) == (0.3779, score)


def test_an_account_manager_sees_only_their_own_prospects(market) -> None:
    wang = market.context().with_actor(Actor("wang", "account_manager"))
    found = qualify_prospects(wang, limit=None)
    assert [p.customer_id for p in found] == ["P1", "P3", "P5", "C1", "C2"]
    # P1's nearest key account K1 is li's: its look-alike is given, the account is not named
    assert (found[0].lookalike, found[0].nearest_key_account) == (0.9863, None)
    li = market.context().with_actor(Actor("li", "account_manager"))
    assert [p.customer_id for p in qualify_prospects(li, limit=None)] == ["P4", "C3", "C4", "P2"]
    zhao = market.context().with_actor(Actor("zhao", "manager", frozenset({"north"})))
    assert {p.customer_id for p in qualify_prospects(zhao, limit=None)} == {"P4", "P2", "C3", "C4"}
    assert qualify_prospects(wang, grade="B", limit=None)[0].customer_id == "P3"
    with pytest.raises(PermissionDeniedError):
        qualify_prospects(market.context().with_actor(Actor("xu", "lobby")))
    with pytest.raises(UsageError):
        qualify_prospects(wang, by="name")


def test_the_prospects_to_develop_per_account_manager(market) -> None:
    # P3 (B, never bought, no opportunity) is developed; P5 (B) already has an open opportunity
    assert development_counts(market.context()) == {"wang": 1}
    assert [p.customer_id for p in qualify_prospects(market.context(), limit=None) if p.develop] == ["P3"]
    assert development_counts(market.context().with_actor(Actor("li", "account_manager"))) == {}
