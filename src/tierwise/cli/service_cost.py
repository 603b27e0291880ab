"""Cost-to-serve commands, for scripting: ``cost review DATA`` (the customers negative after service cost
for N consecutive periods, with reasons and a suggested action) and ``cost decide`` (a manager's decision,
recorded with its audit row)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tierwise.accounts.service_cost import ACTION_NAMES, Action
from tierwise.cli.application import LangOption, app, console, say, service_context
from tierwise.cli.records import AsOption, DbOption, JsonOption, date_option, day, echo_json
from tierwise.errors import RecordError
from tierwise.i18n import N_, Message
from tierwise.services.store_access import on_store

cost_app = typer.Typer(name="cost", help="Cost-to-serve and the up-or-out review (服务成本).", no_args_is_help=True)
app.add_typer(cost_app)

AsOfOption = Annotated[dt.datetime | None, date_option("The as-of date, YYYY-MM-DD (default: today).")]
PolicyOption = Annotated[str, typer.Option("--policy", help="A shipped cost policy name or a YAML file.")]
PeriodsOption = Annotated[int | None, typer.Option("--periods", help="Consecutive loss periods (default: policy).")]


def _policy(text: str) -> str | Path:
    return Path(text) if text.endswith((".yaml", ".yml")) else text


def _review(ctx, data: str, as_of: dt.datetime | None, policy: str, periods: int | None):  # type: ignore[no-untyped-def]
    from tierwise.services.cost_to_serve import cost_review

    return cost_review(ctx, data, as_of=day(as_of), policy=_policy(policy), loss_periods=periods)


@cost_app.command("review")
def review_command(
    data: Annotated[str, typer.Argument(help="A data folder or the store's database URL.")],
    as_of: AsOfOption = None,
    policy: PolicyOption = "cost-to-serve",
    periods: PeriodsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Customers whose profit after cost-to-serve was negative in each of the last N complete periods."""
    found = _review(service_context(), data, as_of, policy, periods)
    if as_json:
        echo_json(found)
        return
    grid = Table(title=say(Message(N_("Cost-to-serve review as of %(date)s"), {"date": found.as_of.isoformat()})))
    for header in (N_("Customer"), N_("Profit after service cost"), N_("Why"), N_("Suggested")):
        grid.add_column(say(Message(header)))
    for e in found.entries:
        why = "; ".join(say(r) for r in e.reasons)
        grid.add_row(e.customer_id, f"{e.profit_after_cost:,.2f}", why, say(Message(ACTION_NAMES[e.suggested])))
    console.print(grid)


@cost_app.command("decide")
def decide_command(
    customer: Annotated[str, typer.Argument(help="A customer on the review list.")],
    action: Annotated[Action, typer.Argument(help="What to do.")],
    comment: Annotated[str | None, typer.Option("--comment", help="Why.")] = None,
    as_of: AsOfOption = None,
    policy: PolicyOption = "cost-to-serve",
    periods: PeriodsOption = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Record a manager's decision on a customer of the review list (on the store)."""
    from tierwise.services.cost_to_serve import decide_service_cost

    with on_store(service_context(), db, actor=actor) as ctx:
        found = _review(ctx, ctx.settings.database_url, as_of, policy, periods)
        entry = next((e for e in found.entries if e.customer_id == customer), None)
        if entry is None:
            raise RecordError(Message(N_("customer %(id)s is not on the cost-to-serve review list"), {"id": customer}))
        row = decide_service_cost(ctx, entry, action, comment)
    if as_json:
        echo_json({"customer_id": row.customer_id, "action": row.action, "decided_by": row.decided_by})
        return
    params = {"id": customer, "action": say(Message(ACTION_NAMES[Action(row.action)]))}
    console.print(say(Message(N_("customer %(id)s: %(action)s, decision recorded"), params)), highlight=False)
