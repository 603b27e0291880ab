"""Nominations from a saved run of a key-account policy, and the review list it feeds.

A run of a key-account policy (``TIERWISE_ALERT_KEY_POLICIES``, default ``key-account``) nominates every
customer it puts in the policy's best class that has no key-account record yet, with the run's reasons.
An account already nominated, under evaluation, approved or assigned is not duplicated: its record notes
the run as the latest that qualified it. A rejected or withdrawn account is not reopened by a run (a
manager decided; a nomination by hand brings it back) and is counted as such. An approved or assigned
account the run no longer qualifies — another class, or not in the run at all — goes on the review list
with the reason, in the language of the settings (as a run's reasons are): it is never dropped silently.

The candidates are found by one query per group over the run's assignments; records are written for the
nominated and the dropped accounts only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from tierwise.accounts.lifecycle import KEPT, PENDING, Move, Status, may
from tierwise.analytics.classify.policy import Policy, parse_policy
from tierwise.errors import PermissionDeniedError, StoreError, UsageError
from tierwise.i18n import N_, Message, translate
from tierwise.services.acting_person import acting_person
from tierwise.services.archive_records import record_change
from tierwise.services.context import ServiceContext
from tierwise.services.key_accounts import NOT_ALLOWED, snapshot
from tierwise.store.account_models import KeyAccount
from tierwise.store.models import Customer
from tierwise.store.run_models import Assignment, Run
from tierwise.store.run_models import Policy as SavedPolicy

NO_RUN = N_("no saved run %(id)s (tierwise runs list shows them)")
NOT_KEY_POLICY = N_("run %(id)s applies %(policy)s, not a key-account policy (%(policies)s)")
DROPPED_CLASS = N_("run %(run)s (%(policy)s as of %(as_of)s) no longer qualifies it: class %(class)s")
DROPPED_ABSENT = N_("run %(run)s (%(policy)s as of %(as_of)s) no longer qualifies it: not in the run")


@dataclass(frozen=True)
class RunNominations:
    """What a run did to the key-account records (customer ids, sorted)."""

    run_id: int
    key_class: str
    nominated: tuple[str, ...]  # new records
    already: tuple[str, ...]  # nominated, under evaluation, approved or assigned before: not duplicated
    not_reopened: tuple[str, ...]  # rejected or withdrawn: left as the manager decided
    to_review: tuple[str, ...]  # approved accounts the run no longer qualifies
    unknown: tuple[str, ...]  # in the key class but not in the customers table


def nominate_from_run(ctx: ServiceContext, run_id: int) -> RunNominations:
    """Apply a saved run of a key-account policy to the key-account records (see the module docstring)."""
    now, lang = ctx.now(), ctx.settings.lang
    with ctx.store() as session, session.begin():
        found = session.execute(
            select(Run, SavedPolicy).join(SavedPolicy, SavedPolicy.id == Run.policy_id).where(Run.id == run_id)
        ).first()
        if found is None:
            raise StoreError(Message(NO_RUN, {"id": run_id}))
        run, saved = found
        policies = list(ctx.settings.alert_key_policies)
        if saved.name not in policies:
            params = {"id": run_id, "policy": saved.name, "policies": ", ".join(policies)}
            raise UsageError(Message(NOT_KEY_POLICY, params))
        person = acting_person(session, ctx)
        if not may(person.role, Move.NOMINATE):
            params = {"user": person.name, "role": person.role, "move": Move.NOMINATE.value}
            raise PermissionDeniedError(Message(NOT_ALLOWED, params))
        policy = parse_policy(saved.text, f"saved policy {saved.name}")
        assert isinstance(policy, Policy)
        key = policy.class_codes[0]
        a = Assignment
        qualified = select(a.customer_id).where(a.run_id == run_id, a.class_ == key)
        has_record = exists().where(KeyAccount.customer_id == a.customer_id)
        new = session.execute(
            select(a.customer_id, a.reasons, Customer.customer_id.label("known"))
            .join(Customer, Customer.customer_id == a.customer_id, isouter=True)
            .where(a.run_id == run_id, a.class_ == key, ~has_record)
            .order_by(a.customer_id)
        ).all()
        nominated = []
        for row in new:
            if row.known is None:
                continue
            record = KeyAccount(
                customer_id=row.customer_id,
                status=Status.NOMINATED,
                nominated_at=now,
                nominated_by=person.name,
                nomination_run_id=run_id,
                nomination_reasons=list(row.reasons or []),
                last_qualified_run_id=run_id,
                updated_at=now,
                members=[],
            )
            session.add(record)
            session.flush()
            after = {**snapshot(record), "run_id": run_id, "reasons": record.nomination_reasons}
            record_change(
                session, ctx, action="key_account.nominate", target_type="key_account",
                target_id=row.customer_id, after=after,
            )  # fmt: skip
            nominated.append(row.customer_id)
        already = list(
            session.scalars(
                update(KeyAccount)
                .where(KeyAccount.customer_id.in_(qualified), KeyAccount.status.in_([*PENDING, *KEPT]))
                .values(last_qualified_run_id=run_id)
                .returning(KeyAccount.customer_id)
                .execution_options(synchronize_session=False)
            )
        )
        not_reopened = session.scalars(
            select(KeyAccount.customer_id).where(
                KeyAccount.customer_id.in_(qualified), KeyAccount.status.in_([Status.REJECTED, Status.WITHDRAWN])
            )
        ).all()
        mine = aliased(Assignment)
        dropped = session.execute(
            select(KeyAccount, mine.class_, mine.reasons)
            .join(mine, and_(mine.customer_id == KeyAccount.customer_id, mine.run_id == run_id), isouter=True)
            .where(
                KeyAccount.status.in_(list(KEPT)),
                or_(mine.class_.is_(None), mine.class_ != key),
                or_(KeyAccount.review_run_id.is_(None), KeyAccount.review_run_id != run_id),
            )
            .order_by(KeyAccount.customer_id)
        ).all()
        to_review = []
        for record, code, reasons in dropped:
            before = snapshot(record)
            params = {"run": run_id, "policy": saved.name, "as_of": run.as_of.isoformat(), "class": code}
            fact = translate(Message(DROPPED_ABSENT if code is None else DROPPED_CLASS, params), lang)
            record.review_reasons = [fact, *(reasons or [])]
            record.review_run_id, record.updated_at = run_id, now
            session.flush()
            record_change(
                session, ctx, action="key_account.review_requested", target_type="key_account",
                target_id=record.customer_id, before=before, after={**snapshot(record), "run_id": run_id},
            )  # fmt: skip
            to_review.append(record.customer_id)
        unknown = [row.customer_id for row in new if row.known is None]
    return RunNominations(
        run_id,
        key,
        tuple(nominated),
        tuple(sorted(set(already) - set(nominated))),
        tuple(sorted(not_reopened)),
        tuple(to_review),
        tuple(unknown),
    )
