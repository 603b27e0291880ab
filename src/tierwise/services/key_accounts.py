"""Key-account records as a process: nominate, evaluate, approve or reject, assign, review (issue 14).

Every move is one transaction: the record changes and its audit row (``key_account.<move>``, before and
after) is written with it through :func:`tierwise.store.audit.write_audit`. Permissions are checked here,
once, for every interface: the acting user's role and team come from the store
(:mod:`tierwise.services.acting_person`); which role may make which move is
:mod:`tierwise.accounts.lifecycle`. Approving, rejecting, assigning and reviewing are for a ``manager``
of the account's team (the record's team once assigned, the customer's before). Nominations from saved
runs are in :mod:`tierwise.services.key_account_runs`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tierwise.accounts.lifecycle import MEMBER_ROLES, NEEDS_COMMENT, TEAM_BOUND, Move, Status, allowed_from, may, target
from tierwise.errors import PermissionDeniedError, RecordError, UsageError
from tierwise.i18n import N_, Message
from tierwise.services.access import require_action, visible_clause
from tierwise.services.acting_person import Person, acting_person, known_users
from tierwise.services.archive_records import optional_text, record_change, require_customer
from tierwise.services.context import ServiceContext
from tierwise.services.key_account_evidence import gather_evidence
from tierwise.store.account_models import KeyAccount, KeyAccountMember
from tierwise.store.models import Customer

DEFAULT_REVIEW_DAYS = 91  # a quarter

NOT_ALLOWED = N_("%(user)s (%(role)s) may not %(move)s a key account")
OTHER_TEAM = N_("%(user)s manages team %(mine)s; customer %(id)s belongs to team %(theirs)s")
WRONG_STATUS = N_("key account %(id)s is %(status)s: %(move)s needs one of %(allowed)s")
NO_RECORD = N_("customer %(id)s has no key-account record (nominate it first)")
ALREADY = N_("customer %(id)s is already a key-account record (%(status)s)")
COMMENT_NEEDED = N_("%(move)s of key account %(id)s needs a comment saying why")
REASONS_NEEDED = N_("a nomination by hand needs at least one reason")
UNKNOWN_MEMBERS = N_("not users of the store: %(names)s")
BAD_MEMBER_ROLE = N_("unknown team role %(role)s for %(user)s (roles: %(roles)s)")
BAD_REVIEW_DAYS = N_("the review interval must be at least 1 day, not %(days)s")


@dataclass(frozen=True)
class KeyAccountView:
    """A key-account record as services return it."""

    customer_id: str
    customer_name: str
    status: Status
    nominated_at: dt.datetime
    nominated_by: str
    nomination_run_id: int | None
    nomination_reasons: tuple[str, ...]
    last_qualified_run_id: int | None
    evidence: dict[str, Any] | None
    evaluated_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    decision_comment: str | None
    owner: str | None
    team: str | None
    members: tuple[tuple[str, str], ...]  # (user, role on our side)
    review_every_days: int | None
    next_review_date: dt.date | None
    last_reviewed_at: dt.datetime | None
    review_reasons: tuple[str, ...] | None  # why a run put it on the review list
    review_run_id: int | None

    @classmethod
    def of(cls, row: KeyAccount, customer_name: str) -> KeyAccountView:
        """The view of a stored record."""
        return cls(
            row.customer_id,
            customer_name,
            Status(row.status),
            row.nominated_at,
            row.nominated_by,
            row.nomination_run_id,
            tuple(row.nomination_reasons or ()),
            row.last_qualified_run_id,
            row.evidence,
            row.evaluated_at,
            row.decided_by,
            row.decided_at,
            row.decision_comment,
            row.owner,
            row.team,
            tuple((m.user_name, m.role) for m in row.members),
            row.review_every_days,
            row.next_review_date,
            row.last_reviewed_at,
            None if row.review_reasons is None else tuple(row.review_reasons),
            row.review_run_id,
        )


def snapshot(row: KeyAccount) -> dict[str, Any]:
    """What the audit keeps of a record, before and after a move."""
    return {
        "status": row.status,
        "owner": row.owner,
        "team": row.team,
        "members": [[m.user_name, m.role] for m in row.members],
        "decided_by": row.decided_by,
        "decision_comment": row.decision_comment,
        "next_review_date": row.next_review_date,
        "review_reasons": row.review_reasons,
    }


def require_role(ctx: ServiceContext, move: Move) -> None:
    """Refuse ``move`` before any customer is looked up when the acting person's role may not make it (so
    a role without the move hears *not allowed*, never *not found*)."""
    with ctx.store() as session:
        person = acting_person(session, ctx)
    if not may(person.role, move):
        raise PermissionDeniedError(
            Message(NOT_ALLOWED, {"user": person.name, "role": person.role, "move": move.value})
        )


def check_move(session: Session, ctx: ServiceContext, move: Move, customer: Customer, row: KeyAccount | None) -> Person:
    """The acting person, when they may make ``move`` on ``customer``'s record; else the error saying why."""
    person = acting_person(session, ctx)
    if not may(person.role, move):
        raise PermissionDeniedError(
            Message(NOT_ALLOWED, {"user": person.name, "role": person.role, "move": move.value})
        )
    if move in TEAM_BOUND:
        theirs = (row.team if row is not None and row.team else None) or customer.team
        if person.team is None or person.team != theirs:
            params = {
                "user": person.name,
                "mine": person.team or "–",
                "id": customer.customer_id,
                "theirs": theirs or "–",
            }
            raise PermissionDeniedError(Message(OTHER_TEAM, params))
    if row is not None and Status(row.status) not in allowed_from(move):
        allowed = ", ".join(s.value for s in allowed_from(move))
        params = {"id": customer.customer_id, "status": row.status, "move": move.value, "allowed": allowed}
        raise RecordError(Message(WRONG_STATUS, params))
    return person


def _record(session: Session, customer_id: str) -> KeyAccount:
    row = session.scalar(select(KeyAccount).where(KeyAccount.customer_id == customer_id))
    if row is None:
        raise RecordError(Message(NO_RECORD, {"id": customer_id}))
    return row


def _comment(move: Move, customer_id: str, comment: str | None) -> str | None:
    text = optional_text(comment)
    if move in NEEDS_COMMENT and text is None:
        raise RecordError(Message(COMMENT_NEEDED, {"move": move.value, "id": customer_id}))
    return text


def nominate(ctx: ServiceContext, customer_id: str, reasons: Sequence[str]) -> KeyAccountView:
    """Nominate ``customer_id`` by hand with ``reasons`` (a rejected or withdrawn account may come back)."""
    require_role(ctx, Move.NOMINATE)
    kept = [r.strip() for r in reasons if r and r.strip()]
    if not kept:
        raise RecordError(Message(REASONS_NEEDED))
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer = require_customer(session, customer_id, ctx)
        row = session.scalar(select(KeyAccount).where(KeyAccount.customer_id == customer_id))
        if row is not None and Status(row.status) not in allowed_from(Move.NOMINATE):
            raise RecordError(Message(ALREADY, {"id": customer_id, "status": row.status}))
        person = check_move(session, ctx, Move.NOMINATE, customer, row)
        before = None if row is None else snapshot(row)
        if row is None:
            row = KeyAccount(customer_id=customer_id, members=[])
            session.add(row)
        row.status, row.nominated_at, row.nominated_by = Status.NOMINATED, now, person.name
        row.nomination_run_id, row.nomination_reasons = None, kept
        row.evidence = row.evaluated_at = row.decided_by = row.decided_at = row.decision_comment = None
        row.updated_at = now
        session.flush()
        after = {**snapshot(row), "reasons": kept}
        record_change(
            session, ctx, action="key_account.nominate", target_type="key_account", target_id=customer_id,
            before=before, after=after,
        )  # fmt: skip
        return KeyAccountView.of(row, customer.name)


def evaluate(ctx: ServiceContext, customer_ids: Sequence[str]) -> list[KeyAccountView]:
    """Put nominated accounts under evaluation with their evidence gathered from the store (once for all).

    Evaluating an account already under evaluation gathers its evidence again.
    """
    require_role(ctx, Move.EVALUATE)
    now = ctx.now()
    out = []
    with ctx.store() as session:  # the evidence is read before the write (DuckDB reads the store too)
        for cid in customer_ids:
            check_move(session, ctx, Move.EVALUATE, require_customer(session, cid, ctx), _record(session, cid))
        evidence = gather_evidence(ctx, session, list(customer_ids))
    with ctx.store() as session, session.begin():
        for cid in customer_ids:
            customer, row = require_customer(session, cid, ctx), _record(session, cid)
            check_move(session, ctx, Move.EVALUATE, customer, row)
            before = snapshot(row)
            row.status, row.evidence, row.evaluated_at, row.updated_at = (
                Status.UNDER_EVALUATION, evidence[customer.customer_id], now, now
            )  # fmt: skip
            session.flush()
            record_change(
                session, ctx, action="key_account.evaluate", target_type="key_account",
                target_id=customer.customer_id, before=before, after={**snapshot(row), "evidence": row.evidence},
            )  # fmt: skip
            out.append(KeyAccountView.of(row, customer.name))
    return out


def decide(ctx: ServiceContext, customer_id: str, *, approve: bool, comment: str | None) -> KeyAccountView:
    """Approve or reject an account under evaluation: a manager of its team, with a comment."""
    move = Move.APPROVE if approve else Move.REJECT
    require_role(ctx, move)
    text = _comment(move, customer_id, comment)
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer = require_customer(session, customer_id, ctx)
        row = _record(session, customer_id)
        person = check_move(session, ctx, move, customer, row)
        before = snapshot(row)
        row.status, row.decided_by, row.decided_at, row.decision_comment = target(move, None), person.name, now, text
        row.updated_at = now
        session.flush()
        record_change(
            session, ctx, action=f"key_account.{move.value}", target_type="key_account", target_id=customer_id,
            before=before, after=snapshot(row),
        )  # fmt: skip
        return KeyAccountView.of(row, customer.name)


def assign(
    ctx: ServiceContext,
    customer_id: str,
    *,
    owner: str,
    team: str,
    members: Mapping[str, str] | None = None,
    review_every_days: int = DEFAULT_REVIEW_DAYS,
) -> KeyAccountView:
    """Give an approved account its owner, its team and the people serving it (user → role on our side),
    and the first review date: today + ``review_every_days``. Assigning again replaces the team."""
    require_role(ctx, Move.ASSIGN)
    if review_every_days < 1:
        raise UsageError(Message(BAD_REVIEW_DAYS, {"days": review_every_days}))
    people = {owner: "owner", **{u: r for u, r in (members or {}).items() if u != owner}}
    for user, role in people.items():
        if role not in MEMBER_ROLES:
            raise UsageError(
                Message(BAD_MEMBER_ROLE, {"role": repr(role), "user": user, "roles": ", ".join(MEMBER_ROLES)})
            )
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer = require_customer(session, customer_id, ctx)
        row = _record(session, customer_id)
        check_move(session, ctx, Move.ASSIGN, customer, row)
        unknown = sorted(set(people) - known_users(session, list(people)))
        if unknown:
            raise RecordError(Message(UNKNOWN_MEMBERS, {"names": ", ".join(unknown)}))
        before = snapshot(row)
        for member in list(row.members):
            session.delete(member)
        session.flush()
        row.members = [
            KeyAccountMember(user_name=u, role=r, added_at=now, added_by=ctx.actor.name) for u, r in people.items()
        ]
        row.status, row.owner, row.team = Status.ASSIGNED, owner, team.strip()
        row.review_every_days = review_every_days
        row.next_review_date = now.date() + dt.timedelta(days=review_every_days)
        row.updated_at = now
        session.flush()
        record_change(
            session, ctx, action="key_account.assign", target_type="key_account", target_id=customer_id,
            before=before, after=snapshot(row),
        )  # fmt: skip
        return KeyAccountView.of(row, customer.name)


def review(ctx: ServiceContext, customer_id: str, *, comment: str | None, keep: bool = True) -> KeyAccountView:
    """Review an approved account: keep it (the next review moves on by its interval, and it leaves the
    review list) or withdraw it. A manager of its team, with a comment."""
    move = Move.REVIEW if keep else Move.WITHDRAW
    require_role(ctx, move)
    text = _comment(move, customer_id, comment)
    now = ctx.now()
    with ctx.store() as session, session.begin():
        customer = require_customer(session, customer_id, ctx)
        row = _record(session, customer_id)
        person = check_move(session, ctx, move, customer, row)
        before = snapshot(row)
        row.status = target(move, Status(row.status))
        row.last_reviewed_at, row.review_reasons, row.review_run_id, row.updated_at = now, None, None, now
        if keep:
            row.next_review_date = now.date() + dt.timedelta(days=row.review_every_days or DEFAULT_REVIEW_DAYS)
        else:
            row.next_review_date, row.decided_by, row.decided_at = None, person.name, now
        row.decision_comment = text
        session.flush()
        record_change(
            session, ctx, action=f"key_account.{move.value}", target_type="key_account", target_id=customer_id,
            before=before, after=snapshot(row),
        )  # fmt: skip
        return KeyAccountView.of(row, customer.name)


def key_accounts(
    ctx: ServiceContext, *, status: Status | None = None, team: str | None = None, owner: str | None = None
) -> list[KeyAccountView]:
    """Key-account records the person sees (a queue: one status; one team; one owner), by customer id."""
    require_action(ctx, "customers.read")
    with ctx.store() as session:
        query = (
            select(KeyAccount, Customer.name)
            .join(Customer, Customer.customer_id == KeyAccount.customer_id)
            .where(visible_clause(ctx))
        )
        if status is not None:
            query = query.where(KeyAccount.status == status)
        if team is not None:
            query = query.where(or_(KeyAccount.team == team, (KeyAccount.team.is_(None)) & (Customer.team == team)))
        if owner is not None:
            query = query.where(
                or_(KeyAccount.owner == owner, (KeyAccount.owner.is_(None)) & (Customer.owner == owner))
            )
        return [KeyAccountView.of(r, name) for r, name in session.execute(query.order_by(KeyAccount.customer_id))]


def review_list(ctx: ServiceContext, *, team: str | None = None) -> list[KeyAccountView]:
    """Approved accounts waiting for a review: put there by a run that no longer qualifies them, or with
    their review date passed (the day after it is due). Those a run put there come first."""
    require_action(ctx, "customers.read")
    today = ctx.now().date()
    with ctx.store() as session:
        query = (
            select(KeyAccount, Customer.name)
            .join(Customer, Customer.customer_id == KeyAccount.customer_id)
            .where(
                KeyAccount.status.in_([Status.APPROVED, Status.ASSIGNED]),
                or_(KeyAccount.review_reasons.is_not(None), KeyAccount.next_review_date < today),
                visible_clause(ctx),
            )
        )
        if team is not None:
            query = query.where(or_(KeyAccount.team == team, (KeyAccount.team.is_(None)) & (Customer.team == team)))
        rows = [KeyAccountView.of(r, name) for r, name in session.execute(query)]
    return sorted(rows, key=lambda v: (v.review_reasons is None, v.next_review_date or today, v.customer_id))
