"""The ``tierwise`` script loads only the command it runs; the application knows every command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

from tierwise.cli import COMMAND_MODULES, SUMMARIES, app


def test_every_registered_command_is_mapped_to_its_module() -> None:
    group = typer.main.get_group(app)
    assert set(group.commands) == set(COMMAND_MODULES)
    assert set(SUMMARIES) == set(COMMAND_MODULES)  # the top-level help lists every command


def test_triage_runs_without_loading_the_analytics_libraries() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['tierwise', 'triage', '--json', '{\"vip_card\": true}']\n"
        "from tierwise.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('ibis', 'pandas', 'scipy', 'duckdb') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert '"flow": "vip"' in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_top_level_help_lists_every_command_without_importing_one() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['tierwise', '--help']\n"
        "from tierwise.cli import main\n"
        "main()\n"
        "print(sorted(m for m in sys.modules if m.startswith(('tierwise.cli.', 'typer', 'ibis', 'duckdb'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = done.stdout.strip().splitlines()
    assert lines[-1] == "[]"
    for name in COMMAND_MODULES:
        assert any(line.split()[:1] == [name] for line in lines), name


def test_each_listed_summary_is_how_the_command_describes_itself() -> None:
    group = typer.main.get_group(app)
    for name, summary in SUMMARIES.items():
        own = " ".join((group.commands[name].help or "").split())
        assert own.startswith(summary), (name, own)


def _tierwise(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    code = f"import sys\nsys.argv = ['tierwise', *{list(args)!r}]\nfrom tierwise.cli import main\nmain()\n"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TIERWISE_")} | (env or {})
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment)


@pytest.fixture
def bad_data(tmp_path: Path) -> Path:
    (tmp_path / "交易.csv").write_text("客户编号,交易日期,金额\nC1,2024-01-01,12a\n", encoding="utf-8")
    return tmp_path


def test_an_error_is_shown_in_the_chosen_language_only(bad_data: Path) -> None:
    english = _tierwise("check", str(bad_data))
    assert english.returncode == 1
    assert " ".join(english.stderr.split()) == (
        "error: The data set is invalid: 1 problem(s) found; nothing was loaded. "
        "- 交易.csv, row 2, column 金额, value '12a': not a number (write e.g. 1234.50)"
    )
    chinese = _tierwise("check", str(bad_data), "--lang", "zh")
    assert chinese.returncode == 1
    assert " ".join(chinese.stderr.split()) == (
        "错误： 数据无效：发现 1 个问题，未加载任何数据。 "
        "- 交易.csv，第 2 行，列 金额，值 '12a'：不是数字（例如 1234.50）"
    )
    assert _tierwise("check", str(bad_data), env={"TIERWISE_LANG": "zh"}).stderr == chinese.stderr


def test_both_languages_when_the_user_asks_for_them(bad_data: Path) -> None:
    both = _tierwise("check", str(bad_data), env={"TIERWISE_LANG": "zh", "TIERWISE_BILINGUAL": "1"})
    assert both.returncode == 1
    assert "不是数字" in both.stderr and "not a number" in both.stderr
    usage = _tierwise("triage", "--json", "[", "--lang", "zh", env={"TIERWISE_BILINGUAL": "1"})
    assert usage.returncode == 2
    assert "--json 不是有效的 JSON：" in usage.stderr and " / --json is not valid JSON: " in usage.stderr


def test_check_json_gives_the_reason_in_the_chosen_language_and_in_english(bad_data: Path) -> None:
    done = _tierwise("check", str(bad_data), "--json", "--lang", "zh")
    assert done.returncode == 1
    assert json.loads(done.stdout)["problems"] == [
        {
            "file": "交易.csv",
            "row": 2,
            "column": "金额",
            "value": "12a",
            "reason": "不是数字（例如 1234.50）",
            "reason_en": "not a number (write e.g. 1234.50)",
        }
    ]
