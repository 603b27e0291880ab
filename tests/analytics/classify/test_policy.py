"""Policies: every shipped policy loads; bad files give errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.analytics.classify.combine import PolicyClassifier
from tierwise.analytics.classify.policy import Policy, TriagePolicyInfo, load_policy, parse_policy, shipped_policies
from tierwise.errors import IndicatorError, PolicyError
from tierwise.policy_files import PolicyRef

GOOD = """
name: tiny
version: 1
description: {en: tiny, zh: 小}
classes:
  - {code: big, label: {en: big, zh: 大}}
  - {code: small, label: {en: small, zh: 小}}
criteria:
  - name: spend
    method: thresholds
    indicator: sales_12m
    bounds:
      - {class: big, at_least: 100}
    otherwise: small
"""


def test_every_shipped_policy_loads() -> None:
    assert {
        "abc",
        "bank-lobby",
        "china-post",
        "key-account",
        "prospect-grade",
        "rfm",
        "scorecard",
        "value-type",
    } <= set(shipped_policies())
    for name in shipped_policies():
        policy = load_policy(name)
        assert policy.name == name
        assert policy.description.zh and policy.description.en
        if isinstance(policy, Policy):
            assert all(c.label.zh and c.label.en for c in policy.classes)


def test_the_triage_policy_is_listed_but_not_classified() -> None:
    policy = load_policy("bank-lobby")
    assert isinstance(policy, TriagePolicyInfo) and policy.method == "triage"
    with pytest.raises(PolicyError, match="'bank-lobby' is a triage policy"):
        PolicyClassifier(policy)


def test_a_policy_file_path_works_like_a_name(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_policy(path).name == "tiny"
    assert load_policy(PolicyRef.file(str(path))).criteria[0].bounds[0].value == 100
    assert load_policy(PolicyRef.text(GOOD, "tiny v1")).name == "tiny"


@pytest.mark.parametrize("typed", ["/etc/passwd", "../secrets.yaml", "policies/abc.yaml", "abc.yaml", "ABC"])
def test_a_name_never_becomes_a_path(typed: str) -> None:
    # a name passed through from a request cannot make tierwise read a file
    with pytest.raises(PolicyError, match="is not a policy name"):
        load_policy(typed)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("at_least: 100", "at_least: lots"), "criteria.0.bounds.0.at_least: Input should be a valid number"),
        (("at_least: 100", "at_leest: 100"), "criteria.0.bounds.0.at_leest: unknown field"),
        (("method: thresholds", "method: magic"), "criteria.0: unknown method 'magic'; methods: thresholds, "),
        (("otherwise: small", "otherwise: tiny"), "criteria.0.otherwise: unknown class 'tiny'; classes: big, small"),
        (("version: 1\n", ""), "version: required field is missing"),
    ],
)
def test_a_bad_policy_names_the_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(PolicyError) as err:
        parse_policy(GOOD.replace(*change), "tiny.yaml")
    assert "policy tiny.yaml is invalid" in str(err.value)
    assert message in str(err.value)


def test_bounds_must_be_best_first() -> None:
    text = GOOD.replace(
        "      - {class: big, at_least: 100}",
        "      - {class: small, at_least: 10}\n      - {class: big, at_least: 100}",
    )
    with pytest.raises(PolicyError, match="criteria.0: bounds must be listed best first"):
        parse_policy(text)


def test_an_unknown_indicator_lists_the_known_ones() -> None:
    with pytest.raises(IndicatorError) as err:
        parse_policy(GOOD.replace("indicator: sales_12m", "indicator: sales_13m"))
    text = str(err.value)
    assert "policy 'tiny' reads unknown indicator 'sales_13m'; known indicators: has_purchases, sales," in text
    assert "clv_12m" in text


def test_unknown_names_and_broken_yaml() -> None:
    with pytest.raises(PolicyError, match="no shipped policy named 'nope'; shipped: abc, bank-lobby"):
        load_policy("nope")
    with pytest.raises(PolicyError, match="policy broken.yaml is not valid YAML"):
        parse_policy("name: [unclosed", "broken.yaml")
    with pytest.raises(PolicyError, match="cannot read policy file"):
        load_policy(Path("/no/such/policy.yaml"))


def test_a_clv_policy_can_be_written_in_the_format() -> None:
    text = GOOD.replace("indicator: sales_12m", "indicator: clv_12m")
    assert parse_policy(text).indicators() == ["clv_12m"]
