"""The Typer application and the one place where tierwise errors become messages and exit codes."""

from __future__ import annotations

import logging
import sys

import typer
from rich.console import Console
from rich.markup import escape

from tierwise.errors import TierwiseError

app = typer.Typer(
    name="tierwise",
    help="Which customers matter most, why, and what to do about each of them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


@app.callback()
def _root() -> None:
    """Which customers matter most, why, and what to do about each of them."""


EngineOption = typer.Option("duckdb", "--engine", help="Analytics engine: duckdb or spark.")


def run() -> None:
    """Run the CLI: tierwise errors print their message and exit 1 (invalid data) or 2 (usage)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except TierwiseError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
