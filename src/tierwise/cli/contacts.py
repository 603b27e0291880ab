"""The decision-maker map's commands, for scripting: ``contact add``, ``contact update``, ``contact coverage``."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from tierwise.accounts.contacts import ROLE_NAMES
from tierwise.cli.application import LangOption, app, console, say, service_context
from tierwise.cli.records import AsOption, DbOption, JsonOption, date_option, day, echo_json
from tierwise.i18n import N_, Message
from tierwise.services.store_access import on_store

contact_app = typer.Typer(name="contact", help="Contacts and the decision-maker map (决策链).", no_args_is_help=True)
app.add_typer(contact_app)

RoleOption = Annotated[str | None, typer.Option("--role", help="decision_maker, influencer, user, gatekeeper, …")]
AttitudeOption = Annotated[str | None, typer.Option("--attitude", help="supporter, neutral or opponent.")]
InfluenceOption = Annotated[str | None, typer.Option("--influence", help="high, mid or low.")]
OwnerOption = Annotated[str | None, typer.Option("--owner", help="Our person who keeps the relationship.")]
BirthdayOption = Annotated[dt.datetime | None, date_option("The contact's birthday, YYYY-MM-DD.")]
MetOption = Annotated[dt.datetime | None, date_option("When we last met them, YYYY-MM-DD.")]


@contact_app.command("add")
def add_command(
    customer: Annotated[str, typer.Argument(help="The customer's id.")],
    name: Annotated[str, typer.Argument(help="The contact's name.")],
    title: Annotated[str | None, typer.Option("--title", help="Their job title.")] = None,
    role: RoleOption = None,
    attitude: AttitudeOption = None,
    influence: InfluenceOption = None,
    birthday: BirthdayOption = None,
    met: MetOption = None,
    owner: OwnerOption = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Record a contact with their role in the purchase, attitude and influence."""
    from tierwise.services.contacts import add_contact

    with on_store(service_context(), db, actor=actor) as ctx:
        card = add_contact(
            ctx, customer, name, title=title, purchase_role=role, attitude=attitude, influence=influence,
            birthday=day(birthday), last_contact=day(met), relationship_owner=owner,
        )  # fmt: skip
    if as_json:
        echo_json(card)
        return
    params = {"id": card.id, "name": card.name, "customer": customer}
    console.print(say(Message(N_("contact %(id)s (%(name)s) of customer %(customer)s recorded"), params)))


@contact_app.command("update")
def update_command(
    contact: Annotated[int, typer.Argument(help="The contact's number.")],
    role: RoleOption = None,
    attitude: AttitudeOption = None,
    influence: InfluenceOption = None,
    met: MetOption = None,
    owner: OwnerOption = None,
    db: DbOption = None,
    actor: AsOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Change a contact's role, attitude, influence, last contact or relationship owner (what is given)."""
    from tierwise.services.contacts import update_contact

    given = {
        k: v
        for k, v in {"purchase_role": role, "attitude": attitude, "influence": influence,
                     "last_contact": day(met), "relationship_owner": owner}.items()
        if v is not None
    }  # fmt: skip
    with on_store(service_context(), db, actor=actor) as ctx:
        card = update_contact(ctx, contact, **given)
    if as_json:
        echo_json(card)
        return
    console.print(say(Message(N_("contact %(id)s (%(name)s) updated"), {"id": card.id, "name": card.name})))


@contact_app.command("coverage")
def coverage_command(
    customer: Annotated[str, typer.Argument(help="The customer's id.")],
    days: Annotated[int | None, typer.Option("--days", help="Supporters not met for more than this many days.")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
    lang: LangOption = None,
) -> None:
    """Roles with no contact, supporters not met for N days, opponents with high influence."""
    from tierwise.services.contacts import customer_coverage

    with on_store(service_context(), db) as ctx:
        found = customer_coverage(ctx, customer, supporter_days=days)
    if as_json:
        echo_json(found)
        return
    roles = ", ".join(say(Message(ROLE_NAMES[r])) for r in found.missing_roles) or "–"
    unmet = ", ".join(p.name for p in found.supporters_not_met) or "–"
    opponents = ", ".join(p.name for p in found.high_influence_opponents) or "–"
    console.print(say(Message(N_("roles with no contact: %(roles)s"), {"roles": roles})), highlight=False)
    console.print(say(Message(N_("supporters not met lately: %(names)s"), {"names": unmet})), highlight=False)
    console.print(say(Message(N_("opponents of high influence: %(names)s"), {"names": opponents})), highlight=False)
