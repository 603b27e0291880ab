"""The Typer application and the one place where tierwise errors become messages and exit codes."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape

from tierwise.config import Settings
from tierwise.errors import TierwiseError, UsageError
from tierwise.policy_files import PolicyRef
from tierwise.services.context import ServiceContext

app = typer.Typer(
    name="tierwise",
    help="Which customers matter most, why, and what to do about each of them.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
console = Console()
err_console = Console(stderr=True)


_started: list[Settings] = []  # the settings of the running invocation, made by the root callback


@app.callback()
def _root() -> None:
    """Which customers matter most, why, and what to do about each of them."""
    _started[:] = [Settings()]  # the one place the environment is read


def settings() -> Settings:
    """The settings the running command was started with."""
    if not _started:
        _started.append(Settings())
    return _started[0]


def service_context(engine: str | None = None) -> ServiceContext:
    """The context services run in for this command: the settings, ``engine`` or the settings' one, as the system."""
    return ServiceContext.system(settings(), engine=engine)


def language(lang: str | None) -> str:
    """``--lang`` as given, or the settings' language; a usage error for any other language."""
    chosen = lang or settings().lang
    if chosen not in ("en", "zh"):
        raise UsageError(f"unknown language {chosen!r}: choose en or zh")
    return chosen


def policy_ref(text: str) -> PolicyRef:
    """How the user typed ``--policy``: a name ending in .yaml/.yml or with a folder in it is a file; else a name."""
    path = Path(text)
    if path.suffix.lower() in (".yaml", ".yml") or len(path.parts) > 1:
        return PolicyRef.file(path)
    return PolicyRef.shipped(text)


def run() -> None:
    """Run the CLI: tierwise errors print their message and exit 1 (invalid data) or 2 (usage)."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except TierwiseError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)


def check_out(out: Path | None) -> None:
    """A usage error naming ``--out`` unless its suffix is a table format we write."""
    from tierwise.services.output import OUT_SUFFIXES

    if out is not None and out.suffix.lower() not in OUT_SUFFIXES:
        raise UsageError(f"--out {out}: the file must end in {', '.join(OUT_SUFFIXES)}")
