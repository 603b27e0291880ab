"""The ``tierwise`` script loads only the command it runs; the application knows every command."""

from __future__ import annotations

import subprocess
import sys

import typer

from tierwise.cli import COMMAND_MODULES, app


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
