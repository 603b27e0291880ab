"""What the archive's commands share: the store option, the acting user, dates, and JSON for scripts."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from decimal import Decimal
from typing import Annotated, Any

import typer

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="The store's database URL (default: TIERWISE_DATABASE_URL, else sqlite:///tierwise.db)."),
]
AsOption = Annotated[str | None, typer.Option("--as", help="Who makes the change (recorded in the audit table).")]
ViewerOption = Annotated[
    str | None, typer.Option("--as", help="See as this user: their role's customers only (default: every customer).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON (for scripts).")]
OwnerOption = Annotated[str | None, typer.Option("--owner", help="One account manager's customers only.")]


def date_option(help_text: str) -> Any:
    """A ``YYYY-MM-DD`` option."""
    return typer.Option(formats=["%Y-%m-%d"], help=help_text)


def day(value: dt.datetime | None, default: dt.date | None = None) -> dt.date | None:
    """The date of a parsed option (``default`` when not given)."""
    return value.date() if value is not None else default


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if hasattr(value, "_asdict"):  # a named tuple
        return {k: _plain(v) for k, v in value._asdict().items()}
    if hasattr(value, "model_dump"):
        return value.model_dump(by_alias=True)
    if hasattr(value, "to_pylist"):  # an Arrow table: its rows
        return _plain(value.to_pylist())
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def echo_json(value: Any) -> None:
    """Print a service result (dataclasses, dates, decimals, enums) as indented JSON."""
    typer.echo(json.dumps(_plain(value), ensure_ascii=False, indent=2))
