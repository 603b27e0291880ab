"""Every command that reads data: ``--map``, what reading did said on screen, the exit codes of refusals.

Run through the ``tierwise`` entry point in a fresh process, as a user runs it: exit 1 for data that
cannot be used, 2 for a wrong command line, and never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CUSTOMERS = "客户编号,客户名称\nC1,甲\nC2,乙\n"
TRANSACTIONS = "客户编号,交易日期,金额\nC1,2025-01-10,500\nC2,2025-03-01,200\nC1,2025-06-30,100\n"
ERP_TRANSACTIONS = "往来单位编码,单据日期,价税合计\nC1,2025-01-10,500\nC2,2025-03-01,200\nC1,2025-06-30,100\n"
MAP = "交易:\n  往来单位编码: customer_id\n  单据日期: date\n  价税合计: amount\n"


def tierwise(*args: str) -> subprocess.CompletedProcess:
    code = f"import sys\nsys.argv = ['tierwise', *{list(args)!r}]\nfrom tierwise.cli import main\nmain()\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    (data / "客户.csv").write_text(CUSTOMERS, encoding="utf-8")
    (data / "交易.csv").write_text(TRANSACTIONS, encoding="utf-8")
    return data


@pytest.fixture
def erp(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "erp"
    data.mkdir()
    (data / "客户.csv").write_text(CUSTOMERS, encoding="utf-8")
    (data / "交易.csv").write_text(ERP_TRANSACTIONS, encoding="utf-8")
    (tmp_path / "map.yaml").write_text(MAP, encoding="utf-8")
    return data, tmp_path / "map.yaml"


def test_without_the_map_the_erp_headers_are_refused_naming_the_option(erp) -> None:
    data, _ = erp
    done = tierwise("check", str(data))
    assert done.returncode == 1
    assert "required column missing" in done.stderr and "--map" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["indicators", "--as-of", "2025-06-30"],
        ["classify", "--policy", "china-post", "--as-of", "2025-06-30"],
        ["pareto", "--as-of", "2025-06-30"],
    ],
)
def test_every_command_that_reads_data_takes_the_map(erp, command: list[str]) -> None:
    data, mapping = erp
    done = tierwise(command[0], str(data), *command[1:], "--map", str(mapping))
    assert done.returncode == 0, done.stderr


def test_value_and_report_take_the_map_too(erp, tmp_path: Path) -> None:
    data, mapping = erp
    done = tierwise("report", str(data), "--out", str(tmp_path / "r.html"), "--map", str(mapping))
    assert done.returncode == 0, done.stderr
    done = tierwise("value", str(data), "--map", str(mapping), "--period", "M")
    assert "Traceback" not in done.stderr and "--map" not in done.stderr


def test_a_wrong_map_file_is_a_usage_error(erp, tmp_path: Path) -> None:
    data, _ = erp
    (tmp_path / "bad.yaml").write_text("交易:\n  价税合计: total\n", encoding="utf-8")
    done = tierwise("check", str(data), "--map", str(tmp_path / "bad.yaml"))
    assert done.returncode == 2
    assert "'价税合计' maps to 'total', which is not a column of transactions" in done.stderr


def test_what_reading_did_is_said(folder: Path) -> None:
    (folder / "交易.csv").write_text("2025年销售明细\n" + TRANSACTIONS + "合计,,800\n", encoding="utf-8")
    done = tierwise("check", str(folder), "--json")
    assert done.returncode == 0, done.stderr
    notes = json.loads(done.stdout)["notes"]
    assert notes == ["交易.csv: read the header on row 2", "交易.csv: row 6 is a totals row: not loaded"]
    assert "note: 交易.csv: row 6 is a totals row: not loaded" in done.stderr


def test_an_unknown_policy_name_is_a_usage_error(folder: Path) -> None:
    done = tierwise("classify", str(folder), "--policy", "no-such-policy")
    assert done.returncode == 2
    assert "no shipped policy named 'no-such-policy'" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_as_of_before_all_the_data_is_an_error(folder: Path) -> None:
    done = tierwise("indicators", str(folder), "--as-of", "2020-01-01")
    assert done.returncode == 1
    assert "--as-of 2020-01-01 is before the first transactions date (2025-01-10)" in done.stderr


def test_an_as_of_far_after_the_data_warns_with_the_number_of_days(folder: Path) -> None:
    done = tierwise("classify", str(folder), "--policy", "china-post", "--as-of", "2099-01-01")
    assert done.returncode == 0, done.stderr
    assert "--as-of 2099-01-01 is 26,848 days after the last transactions date (2025-06-30)" in done.stderr


def test_an_as_of_shortly_after_the_data_does_not_warn(folder: Path) -> None:
    done = tierwise("indicators", str(folder), "--as-of", "2025-08-31")
    assert done.returncode == 0, done.stderr
    assert "days after" not in done.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["indicators"],
        ["classify", "--policy", "china-post", "--as-of", "2025-06-30"],
        ["pareto", "--as-of", "2025-06-30"],
        ["value"],
    ],
)
def test_a_data_set_without_transactions_is_an_error_for_a_command_that_needs_them(folder, command) -> None:
    (folder / "交易.csv").unlink()
    done = tierwise(command[0], str(folder), *command[1:])
    assert done.returncode == 1, done.stderr
    assert "no transactions table" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_that_is_a_folder_given_as_the_data_set_file(tmp_path: Path) -> None:
    (tmp_path / "transactions.csv").mkdir()
    done = tierwise("check", str(tmp_path / "transactions.csv"))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr


def test_a_nine_megabyte_note_is_no_traceback(folder: Path) -> None:
    note = "长" * (3 * 1024 * 1024)
    (folder / "交易.csv").write_text(f"客户编号,交易日期,金额,备注\nC1,2025-01-10,1,{note}\n", encoding="utf-8")
    done = tierwise("check", str(folder))
    assert done.returncode == 0, done.stderr[-2000:]
