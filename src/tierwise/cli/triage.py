"""Commands: triage — route one bank-lobby walk-in and print the decision as JSON."""

from __future__ import annotations

import json
import sys

import typer

from tierwise.cli.application import LangOption, app, console, language, policy_ref, service_context
from tierwise.errors import UsageError
from tierwise.i18n import Message
from tierwise.services.triage import decide_walk_in


@app.command("triage")
def triage_command(
    walk_in_json: str = typer.Option(
        ...,
        "--json",
        help="The walk-in as a JSON object, or '-' to read it from standard input.",
    ),
    policy: str = typer.Option("bank-lobby", "--policy", help="A shipped triage policy name or a YAML file path."),
    lang: LangOption = None,
) -> None:
    """Route one walk-in customer to the VIP, potential-VIP or ordinary flow; print the decision as JSON.

    Example: tierwise triage --json '{"business": "deposit", "amount": 5000}'
    """
    text = sys.stdin.read() if walk_in_json == "-" else walk_in_json
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(Message("--json is not valid JSON: %(exc)s", {"exc": exc})) from None
    decision = decide_walk_in(service_context(), data, policy_ref(policy), lang=language())
    console.print_json(data=decision.to_dict(), ensure_ascii=False)
