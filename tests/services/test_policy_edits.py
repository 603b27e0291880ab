"""The threshold form of a policy in force: each field checked on its own (a number, best-first order with
its neighbours), the version new, and the text the edit makes, with the description following the bounds."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tierwise.config import Settings
from tierwise.errors import PermissionDeniedError, UsageError
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.policy_edits import check_edit, threshold_form
from tierwise.services.policy_versions import save_policy_version
from tierwise.store.db import create_store_engine, session_factory


@pytest.fixture
def ctx(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = create_store_engine(url)
    yield ServiceContext.system(Settings(database_url=url), sessions=session_factory(engine))
    engine.dispose()


def submitted(form, **changes: str) -> dict[str, str]:
    values = {f.name: str(int(f.value)) for f in form.fields}
    values |= {"version": form.suggested_version, "description-en": form.policy.description["en"]}
    values["description-zh"] = form.policy.description["zh"]
    return values | changes


def test_the_form_holds_china_posts_four_spend_bounds_best_first(ctx) -> None:
    form = threshold_form(ctx, "china-post", "zh")
    assert [(f.name, f.class_label, f.symbol, f.value) for f in form.fields] == [
        ("bound-0-0", "钻石", "≥", 5_000_000),
        ("bound-0-1", "铂金", "≥", 1_000_000),
        ("bound-0-2", "金卡", "≥", 500_000),
        ("bound-0-3", "VIP", "≥", 10_000),
    ]
    assert form.suggested_version == "2"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("5o0000", "enter a number, such as 500000"),
        ("", "enter a number, such as 500000"),
        ("1,000,001", "must not be above the platinum bound (1,000,000)"),
        ("9999", "must not be below the VIP bound (10,000)"),
    ],
)
def test_a_bad_gold_bound_is_named_beside_its_field(ctx, typed: str, message: str) -> None:
    form = threshold_form(ctx, "china-post", "en")
    found = check_edit(ctx, form, submitted(form, **{"bound-0-2": typed}), "en")
    assert {name: m.english() for name, m in found.errors.items()} == {"bound-0-2": message}
    assert not found.ok and found.text is None


def test_a_valid_edit_makes_the_new_version_and_its_description_follows(ctx) -> None:
    form = threshold_form(ctx, "china-post", "en")
    found = check_edit(ctx, form, submitted(form, **{"bound-0-2": "400,000"}), "en")
    assert found.ok and [f.class_ for f in found.changed] == ["gold"]
    data = yaml.safe_load(found.text)
    assert data["version"] == 2
    assert data["criteria"][0]["bounds"][2] == {"class": "gold", "at_least": 400000}
    assert "gold ≥ 400,000, VIP ≥ 10,000" in data["description"]["en"]
    assert "金卡 ≥ 400,000" in data["description"]["zh"]


def test_a_saved_version_is_refused_and_the_next_one_suggested(ctx) -> None:
    form = threshold_form(ctx, "china-post", "en")
    save_policy_version(ctx, "china-post", check_edit(ctx, form, submitted(form, **{"bound-0-2": "400000"}), "en").text)
    form = threshold_form(ctx, "china-post", "en")
    assert form.policy.version == 2 and form.suggested_version == "3"
    found = check_edit(ctx, form, submitted(form, version="2"), "en")
    assert found.errors["version"].english() == "version 2 is already saved: choose a new one, such as 3"


def test_a_policy_without_thresholds_has_no_form(ctx) -> None:
    with pytest.raises(UsageError, match="policy 'abc' has no thresholds to edit here"):
        threshold_form(ctx, "abc", "en")


def test_only_an_analyst_edits_policies(ctx) -> None:
    with pytest.raises(PermissionDeniedError):
        threshold_form(ctx.with_actor(Actor("li", "account_manager")), "china-post", "en")
