"""``tierwise triage``: the decision as JSON on standard output, errors on standard error with exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import UsageError

runner = CliRunner()
FIELDS = "vip_card, asks_priority, asks_account_manager, enquiries, business, amount, local_average_bill"


def tierwise(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run the real ``tierwise`` entry point in a new process."""
    return subprocess.run(
        [sys.executable, "-c", "from tierwise.cli import main; main()", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )


def test_prints_the_decision_as_json() -> None:
    result = runner.invoke(app, ["triage", "--json", '{"business": "deposit", "amount": 5000}'])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "flow": "ordinary",
        "label": "ordinary customer",
        "reasons": ["deposit 5,000.00 < 20,000: small business"],
        "next_step_code": "self_service",
        "next_step": "Guide the customer to the ATM or the self-service machines.",
        "policy": "bank-lobby",
        "policy_version": 1,
    }


def test_reads_the_walk_in_from_standard_input_in_chinese() -> None:
    walk_in = {"enquiries": ["study_abroad"], "business": "deposit", "amount": 8000}
    result = runner.invoke(
        app, ["triage", "--policy", "bank-lobby", "--json", "-", "--lang", "zh"], input=json.dumps(walk_in)
    )
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["flow"] == "potential_vip"
    assert decision["label"] == "潜在VIP客户"
    assert decision["reasons"] == ["咨询出国留学业务：潜在VIP信号", "存款 8,000.00 < 20,000：小额业务"]
    assert decision["next_step"] == "在柜台办理业务，由柜员进一步确认客户资产与需求后再推荐VIP产品。"
    assert "潜在VIP客户" in result.stdout  # Chinese is printed as is, not as \u escapes


def test_a_policy_file_path_works_where_a_name_does(tmp_path: Path) -> None:
    from importlib import resources

    data = yaml.safe_load(
        resources.files("tierwise").joinpath("analytics", "policies", "bank-lobby.yaml").read_text(encoding="utf-8")
    )
    data["name"], data["bounds"]["small_below"]["withdrawal"] = "my-branch", 3000
    path = tmp_path / "my-branch.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = runner.invoke(
        app, ["triage", "--policy", str(path), "--json", '{"business": "withdrawal", "amount": 5000}']
    )
    decision = json.loads(result.stdout)
    assert (decision["policy"], decision["flow"], decision["next_step_code"]) == ("my-branch", "ordinary", "counter")


# ---------------------------------------------------------------- the real program: exit codes 0, 1 and 2


def test_exit_code_0_with_json_on_stdout() -> None:
    done = tierwise("triage", "--json", '{"vip_card": true, "business": "withdrawal", "amount": 100}')
    assert done.returncode == 0, done.stderr
    decision = json.loads(done.stdout)
    assert (decision["flow"], decision["next_step_code"]) == ("vip", "vip_area")
    assert decision["reasons"] == ["holds a VIP card", "withdrawal 100.00 < 20,000: small business"]


def test_exit_code_2_for_a_bad_walk_in() -> None:
    done = tierwise("triage", "--json", '{"amount": "5000", "colour": 1}')
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        "error: invalid walk-in: 2 problem(s)\n"
        "  - field 'amount': Input should be a valid number (got '5000')\n"
        f"  - unknown field 'colour' (fields: {FIELDS})\n"
    )


@pytest.mark.parametrize(
    ("json_text", "stdin", "message"),
    [
        (
            "-",
            '{"business": "loan"}',
            "invalid walk-in: 1 problem(s)\n"
            "  - field 'business': Input should be 'deposit', 'withdrawal', 'remittance', 'bill_payment', "
            "'early_repayment', 'wealth_product' or 'other' (got 'loan')",
        ),
        ('{"vip_card": tru}', None, "--json is not valid JSON: Expecting value: line 1 column 14 (char 13)"),
        ("-", "", "--json is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
        ("[1, 2]", None, "a walk-in must be a JSON object of fields, not list"),
    ],
)
def test_a_bad_walk_in_is_a_usage_error_naming_the_problem(json_text: str, stdin: str | None, message: str) -> None:
    result = runner.invoke(app, ["triage", "--json", json_text], input=stdin)
    assert isinstance(result.exception, UsageError)
    assert (str(result.exception), result.exception.exit_code, result.stdout) == (message, 2, "")


def test_exit_code_2_for_an_unknown_language() -> None:
    result = runner.invoke(app, ["triage", "--json", "{}", "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of 'en', 'zh'" in result.output


def test_exit_code_2_for_an_unknown_policy() -> None:
    done = tierwise("triage", "--json", "{}", "--policy", "no-such-policy")
    assert (done.returncode, done.stdout) == (2, "")  # a wrong option value: a usage error
    assert done.stderr == (
        "error: no shipped triage policy named 'no-such-policy'; shipped: bank-lobby; or pass the path of a YAML file\n"
    )
