"""Commands: ``tierwise user create NAME --role ROLE [--team T]``, ``tierwise user list``, ``tierwise user
set-role NAME ROLE``, ``tierwise user lock NAME`` and ``tierwise user unlock NAME``, on the store."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from tierwise.cli.application import app, console, say, service_context, settings
from tierwise.cli.records import DbOption, JsonOption, echo_json
from tierwise.i18n import N_, Message
from tierwise.security.permissions import ROLES
from tierwise.services.store_access import on_store

user_app = typer.Typer(
    name="user", help="Users who sign in: create, list, change role, lock, unlock.", no_args_is_help=True
)
app.add_typer(user_app)

ROLE_HELP = "The role: " + ", ".join(ROLES) + "."


def _password() -> str:
    given = settings().new_password
    if given is not None:
        return given.get_secret_value()
    return typer.prompt(say(Message(N_("Password"))), hide_input=True, confirmation_prompt=True)


@user_app.command("create")
def create_command(
    name: str,
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    team: Annotated[str | None, typer.Option("--team", help="The user's team (made when new).")] = None,
    display_name: Annotated[str | None, typer.Option("--display-name", help="The name shown in the UI.")] = None,
    db: DbOption = None,
) -> None:
    """Create a user; the password is asked for (or read from TIERWISE_NEW_PASSWORD), never given as an option."""
    from tierwise.services.users import create_user

    with on_store(service_context(), db) as ctx:
        made = create_user(ctx, name, role=role, password=_password(), team=team, display_name=display_name)
    text = Message(N_("user %(name)s created with the role %(role)s"), {"name": made.name, "role": made.role})
    console.print(say(text), soft_wrap=True)


@user_app.command("list")
def list_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Every user with role, team and whether the account is locked."""
    from tierwise.services.users import list_users

    with on_store(service_context(), db) as ctx:
        found = list_users(ctx)
    if as_json:
        echo_json(found)
        return
    grid = Table(title=say(Message(N_("users"))), title_justify="left")
    for header in (N_("name"), N_("role"), N_("team"), N_("locked")):
        grid.add_column(say(Message(header)))
    for u in found:
        grid.add_row(u.name, u.role, u.team or "–", say(Message(N_("yes") if u.locked else N_("no"))))
    console.print(grid)


@user_app.command("set-role")
def set_role_command(name: str, role: Annotated[str, typer.Argument(help=ROLE_HELP)], db: DbOption = None) -> None:
    """Give a user another role."""
    from tierwise.services.users import set_role

    with on_store(service_context(), db) as ctx:
        changed = set_role(ctx, name, role)
    text = Message(N_("user %(name)s has the role %(role)s"), {"name": changed.name, "role": changed.role})
    console.print(say(text), soft_wrap=True)


@user_app.command("lock")
def lock_command(name: str, db: DbOption = None) -> None:
    """Lock an account: no sign-in, its sessions and tokens stop working."""
    from tierwise.services.users import lock_user

    with on_store(service_context(), db) as ctx:
        lock_user(ctx, name)
    console.print(say(Message(N_("user %(name)s is locked"), {"name": name})), soft_wrap=True)


@user_app.command("unlock")
def unlock_command(name: str, db: DbOption = None) -> None:
    """Unlock an account (also after repeated failed sign-ins)."""
    from tierwise.services.users import unlock_user

    with on_store(service_context(), db) as ctx:
        unlock_user(ctx, name)
    console.print(say(Message(N_("user %(name)s is unlocked"), {"name": name})), soft_wrap=True)
