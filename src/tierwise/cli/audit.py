"""Command: ``tierwise audit verify`` walks the audit log's hash chain and names the first entry edited,
removed or inserted (exit 1 when the chain is broken)."""

from __future__ import annotations

import typer

from tierwise.cli.application import app, console, err_console, say, service_context
from tierwise.cli.records import DbOption, JsonOption, echo_json
from tierwise.i18n import N_, Message

audit_app = typer.Typer(name="audit", help="The audit log: verify its hash chain.", no_args_is_help=True)
app.add_typer(audit_app)


@audit_app.command("verify")
def verify_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Check every audit entry against its hash and its predecessor's; name the first that does not hold."""
    from tierwise.services.audit import verify_audit
    from tierwise.services.store_access import on_store

    with on_store(service_context(), db) as ctx:
        report = verify_audit(ctx)
    problem = report.problem
    if as_json:
        echo_json(
            {
                "ok": report.ok,
                "checked": report.checked,
                "last_seq": report.last_seq,
                "last_hash": report.last_hash,
                "kind": problem.kind if problem else None,
                "seq": problem.seq if problem else None,
                "problem": say(problem.message()) if problem else None,
            }
        )
    elif problem is None:
        text = Message(
            N_("the audit log holds: %(n)s entries checked, last hash %(hash)s"),
            {"n": report.checked, "hash": report.last_hash},
        )
        console.print(say(text), soft_wrap=True)
    else:
        err_console.print(say(problem.message()), soft_wrap=True)
    if problem is not None:
        raise typer.Exit(1)
