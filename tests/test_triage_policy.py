"""Triage policies as data: the shipped one by name, an edited copy by path, and bad ones refused by field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from tierwise.errors import PolicyError
from tierwise.policy_files import PolicyRef
from tierwise.triage import load_triage_policy, shipped_triage_policies, triage

SHIPPED = resources.files("tierwise").joinpath("analytics", "policies", "bank-lobby.yaml").read_text(encoding="utf-8")


def edited(tmp_path: Path, change) -> Path:
    """A copy of the shipped policy with ``change(data)`` applied, written to a file."""
    data = yaml.safe_load(SHIPPED)
    change(data)
    path = tmp_path / "my-branch.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_shipped_policy_is_listed_by_name() -> None:
    assert "bank-lobby" in shipped_triage_policies()


def test_an_unchanged_copy_loads_like_the_shipped_policy(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(SHIPPED, encoding="utf-8")
    assert load_triage_policy(path) == load_triage_policy("bank-lobby")
    assert load_triage_policy(PolicyRef.file(str(path))) == load_triage_policy("bank-lobby")


def test_an_edited_small_bound_moves_the_decision(tmp_path: Path) -> None:
    def lower(data):
        data["bounds"]["small_below"]["deposit"] = 10000
        data["version"] = 2

    policy = load_triage_policy(edited(tmp_path, lower))
    d = triage({"business": "deposit", "amount": 15000}, policy)
    assert (d.flow, d.next_step_code, d.policy_version) == ("ordinary", "counter", 2)
    assert d.reasons == ("deposit 15,000.00: not small (≥ 10,000) and below the potential-VIP amount 50,000",)


def test_the_policy_local_average_is_used_unless_the_walk_in_gives_one(tmp_path: Path) -> None:
    def set_average(data):
        data["bounds"]["bill_payment"]["local_average"] = 250.5

    policy = load_triage_policy(edited(tmp_path, set_average))
    assert triage({"business": "bill_payment", "amount": 250.5}, policy).reasons == (
        "bill payment 250.50 not above the local average 250.50: small business",
    )
    assert triage({"business": "bill_payment", "amount": 250.51}, policy).flow == "potential_vip"
    assert triage({"business": "bill_payment", "amount": 400, "local_average_bill": 500}, policy).reasons == (
        "bill payment 400.00 not above the local average 500.00: small business",
    )


def test_wealth_products_can_be_made_a_signal_on_their_own(tmp_path: Path) -> None:
    def add_enquiry(data):
        data["potential_vip_enquiries"].append("wealth_product")

    policy = load_triage_policy(edited(tmp_path, add_enquiry))
    d = triage({"enquiries": ["wealth_product"]}, policy)
    assert (d.flow, d.reasons) == ("potential_vip", ("enquires about wealth products: potential-VIP signal",))


def test_edited_next_step_texts_are_used(tmp_path: Path) -> None:
    def retext(data):
        data["next_steps"]["self_service"]["en"] = "Use the machines by the door."

    policy = load_triage_policy(edited(tmp_path, retext))
    assert triage({"business": "withdrawal", "amount": 100}, policy).next_step == "Use the machines by the door."


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["bounds"]["small_below"].update(deposit=-5),
            "  - bounds.small_below.deposit: Input should be greater than 0 (got -5)",
        ),
        (
            lambda d: d["bounds"]["small_below"].update(deposit="20k"),
            "  - bounds.small_below.deposit: Input should be a valid number, "
            "unable to parse string as a number (got '20k')",
        ),
        (
            lambda d: d["bounds"]["small_below"].pop("remittance"),
            "  - bounds.small_below.remittance: required field is missing",
        ),
        (lambda d: d["bounds"].update(colour="red"), "  - bounds.colour: unknown field"),
        (
            lambda d: d["bounds"]["potential_vip_at"].update(withdrawal=15000),
            "  - bounds: potential_vip_at.withdrawal (15,000) is below small_below.withdrawal (20,000): "
            "an amount cannot be both small and a potential-VIP signal",
        ),
        (
            lambda d: d["bounds"]["bill_payment"].update(local_average=10000),
            "  - bounds: bill_payment.local_average (10,000) must be below bill_payment.very_large_at (10,000)",
        ),
        (
            lambda d: d["potential_vip_enquiries"].append("gold"),
            "  - potential_vip_enquiries.5: Input should be 'vip_service', 'forex', 'safe_deposit', 'study_abroad', "
            "'deposit_certificate' or 'wealth_product' (got 'gold')",
        ),
        (lambda d: d["flows"].pop("assess"), "  - (top level): flows lacks assess"),
        (lambda d: d["next_steps"].pop("counter"), "  - (top level): next_steps lacks counter"),
        (
            lambda d: d["next_steps"]["counter"].pop("zh"),
            "  - next_steps.counter.zh: required field is missing",
        ),
        (lambda d: d.update(version=0), "  - version: Input should be greater than or equal to 1 (got 0)"),
    ],
)
def test_a_bad_policy_is_refused_naming_the_field(tmp_path: Path, change, message: str) -> None:
    path = edited(tmp_path, change)
    with pytest.raises(PolicyError) as caught:
        load_triage_policy(path)
    assert str(caught.value) == f"triage policy {path} is invalid:\n{message}"


def test_a_classification_policy_is_not_a_triage_policy(tmp_path: Path) -> None:
    path = edited(tmp_path, lambda d: d.update(method="abc"))
    with pytest.raises(PolicyError) as caught:
        load_triage_policy(path)
    assert str(caught.value) == f"policy {path} has method 'abc', not 'triage': it is a classification policy"


def test_an_unknown_name_lists_the_shipped_policies() -> None:
    with pytest.raises(PolicyError) as caught:
        load_triage_policy("bank-lobbby")
    assert str(caught.value) == (
        "no shipped triage policy named 'bank-lobbby'; shipped: bank-lobby; or pass the path of a YAML file"
    )


def test_a_missing_file_and_bad_yaml_are_named(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"^cannot read triage policy file .*nothere\.yaml: No such file"):
        load_triage_policy(tmp_path / "nothere.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"^triage policy .*bad\.yaml is not valid YAML"):
        load_triage_policy(bad)
    listed = tmp_path / "list.yaml"
    listed.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"must be a mapping of fields, not list$"):
        load_triage_policy(listed)


def test_the_county_branch_example_of_the_docs(tmp_path: Path) -> None:
    def county(data):
        data.update(name="county-branch", version=2)
        data["bounds"].update(
            small_below={"deposit": 10000, "withdrawal": 10000, "remittance": 20000},
            potential_vip_at={"deposit": 30000, "withdrawal": 30000, "remittance": 30000, "other": 30000},
            product_minimum=10000,
            large_early_repayment_at=50000,
            bill_payment={"local_average": 260, "very_large_at": 5000},
        )
        data["potential_vip_enquiries"].append("wealth_product")

    policy = load_triage_policy(edited(tmp_path, county))
    d = triage({"business": "deposit", "amount": 15000}, policy)
    assert (d.flow, d.next_step_code, d.policy, d.policy_version) == ("ordinary", "counter", "county-branch", 2)
    assert d.reasons == ("deposit 15,000.00: not small (≥ 10,000) and below the potential-VIP amount 30,000",)
    assert triage({"business": "bill_payment", "amount": 260.01}, policy).flow == "potential_vip"
    assert triage({"enquiries": ["wealth_product"]}, policy).flow == "potential_vip"
