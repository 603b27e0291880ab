"""The ``tierwise`` script loads only the command it runs; the application knows every command."""

from __future__ import annotations

import subprocess
import sys

import typer

from tierwise.cli import COMMAND_MODULES, SUMMARIES, app


def test_every_registered_command_is_mapped_to_its_module() -> None:
    group = typer.main.get_group(app)
    assert set(group.commands) == set(COMMAND_MODULES)


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
