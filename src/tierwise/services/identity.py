"""Identity verification of key customers on the store (seed 002, 重点客户身份验证), for the lobby and the
account managers: a basic-data check, then questions from the customer's own history, 3 attempts a day.

1. :func:`start_verification`: the operator types the name and the last 4 characters of the id number or
   phone the customer says; the answer is yes or no (``security.identity.check_basic`` on the opened
   values, which never leave this module). A wrong one is a failed attempt. A right one issues the
   questions — last purchase month, last order band, most bought category, account manager — and stores
   them with the index of each right option in ``identity_checks``.
2. :func:`verification_questions`: the questions and options again (never which option is right).
3. :func:`answer_verification`: one attempt, graded on the server; passed, or failed with the attempts left.
4. :func:`verification_result`: where a verification stands.

The failed attempts per customer and day are a row in ``identity_attempts``, read and counted under a
lock in the attempt's own transaction, so 3 holds across server workers. Every attempt and its result is
audited in that transaction. A customer id the lobby types that does not exist fails like wrong data (the
answer does not tell which customers exist); other roles see only their customers (others: not found).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String, cast, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tierwise.errors import NotFoundError, UsageError
from tierwise.i18n import N_, Message
from tierwise.security.identity import (
    BAND_EDGES,
    BANDS,
    MAX_ATTEMPTS,
    PROMPTS,
    AnswerPools,
    AttemptDesk,
    Challenge,
    CustomerFacts,
    Question,
    build_challenge,
    check_basic,
    customer_seed,
    month_options,
)
from tierwise.security.permissions import ROLE_SCOPE, Actor, Scope, require, require_visible
from tierwise.services.context import ServiceContext
from tierwise.services.sealed_data import keyring_of, opened
from tierwise.store.audit import write_audit
from tierwise.store.db import writing
from tierwise.store.identity_models import IdentityAttempts, IdentityCheck
from tierwise.store.models import Customer, Transaction
from tierwise.store.people_models import User

NO_VERIFICATION = N_("no identity verification %(id)s")
OVER = N_("identity verification %(id)s is over (%(status)s): start a new one")
EXPIRED = N_("identity verification %(id)s was started on another day: start a new one")


@dataclass(frozen=True)
class Verification:
    """Where a verification stands, as the operator may see it (never the stored data, never the answers).

    ``status``: ``questions`` (answer them), ``passed``, ``failed`` (the basic data or the answers were
    wrong) or ``insufficient`` (too little history to ask about: verify another way).
    """

    id: int | None
    customer_id: str
    status: str
    attempts_left: int
    locked: bool
    questions: list[dict[str, object]]


class StoreAttempts:
    """The failed attempts per customer and day in ``identity_attempts`` (an ``AttemptLedger``)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def hold(self, customer_id: str, day: dt.date) -> None:
        """Make the day's row and lock it until the transaction ends (one attempt at a time per customer)."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        self.session.execute(
            insert(IdentityAttempts).values(customer_id=customer_id, day=day, failures=0).on_conflict_do_nothing()
        )
        self.session.execute(
            select(IdentityAttempts.failures)
            .where(IdentityAttempts.customer_id == customer_id, IdentityAttempts.day == day)
            .with_for_update()
        )

    def failures(self, customer_id: str, day: dt.date) -> int:
        """How many attempts for ``customer_id`` failed on ``day``."""
        count = self.session.scalar(
            select(IdentityAttempts.failures).where(
                IdentityAttempts.customer_id == customer_id, IdentityAttempts.day == day
            )
        )
        return count or 0

    def add_failure(self, customer_id: str, day: dt.date) -> int:
        """Count one more failed attempt; returns the new count."""
        self.session.execute(
            update(IdentityAttempts)
            .where(IdentityAttempts.customer_id == customer_id, IdentityAttempts.day == day)
            .values(failures=IdentityAttempts.failures + 1)
        )
        return self.failures(customer_id, day)


@contextmanager
def _attempt(ctx: ServiceContext, customer_id: str) -> Iterator[tuple[Session, Actor, StoreAttempts, dt.datetime]]:
    """One attempt's transaction: SQLite's write lock from its start, the customer's day row held."""
    now = ctx.now()
    with ctx.store() as probe:
        engine = probe.get_bind()  # the engine of the context's sessions: the attempt needs its write lock
    with writing(engine) as con, Session(bind=con) as session:
        actor = ctx.actor
        require(actor, "identity.verify")
        ledger = StoreAttempts(session)
        ledger.hold(customer_id, now.date())
        yield session, actor, ledger, now
        session.flush()


def _audit(
    ctx: ServiceContext, session: Session, action: str, customer_id: str, now: dt.datetime, **after: Any
) -> None:
    write_audit(
        session,
        actor=ctx.actor.name,
        action=action,
        target_type="customer",
        target_id=customer_id,
        after=after,
        ip=ctx.ip,
        user_agent=ctx.user_agent,
        at=now,
    )


def start_verification(
    ctx: ServiceContext, customer_id: str, *, name: str, last4: str, lang: str = "en"
) -> Verification:
    """Check the typed name and last 4 characters; when they match, issue the questions (one attempt)."""
    keyring = keyring_of(ctx.settings)
    with _attempt(ctx, customer_id) as (session, actor, ledger, now):
        desk = AttemptDesk(ledger)
        desk.check(customer_id, now)
        customer = session.get(Customer, customer_id)
        if actor.is_system or ROLE_SCOPE[actor.role] is not Scope.NONE:  # the lobby sees no record: it verifies anyone
            require_visible(
                actor,
                customer_id=customer_id,
                owner=None if customer is None else customer.owner,
                team=None if customer is None else customer.team,
            )
        facts = None if customer is None else _facts(session, keyring, customer)
        basic = facts is not None and check_basic(facts, name=name, last4=last4)
        if facts is None:
            check_basic(_NOBODY, name=name, last4=last4)  # a mistyped last4 is refused alike
        if not basic:
            outcome = desk.record(customer_id, now, passed=False)
            _audit(ctx, session, "identity.basic", customer_id, now, passed=False, attempts_left=outcome.attempts_left)
            return Verification(None, customer_id, "failed", outcome.attempts_left, outcome.locked, [])
        assert facts is not None
        seed = customer_seed(keyring.derive("identity questions"), customer_id)
        challenge = build_challenge(facts, _pools(session, now.date()), seed=seed)
        status = "questions" if challenge.sufficient else "insufficient"
        check = IdentityCheck(
            customer_id=customer_id,
            operator=actor.name,
            day=now.date(),
            started_at=now,
            status=status,
            questions=[{"kind": q.kind, "options": list(q.options)} for q in challenge.questions],
            answers=list(challenge.answers),
        )
        session.add(check)
        session.flush()
        left = MAX_ATTEMPTS - ledger.failures(customer_id, now.date())
        _audit(ctx, session, "identity.basic", customer_id, now, passed=True, check=check.id, status=status)
        return Verification(check.id, customer_id, status, left, False, _public(check, lang))


def verification_questions(ctx: ServiceContext, check_id: int, lang: str = "en") -> list[dict[str, object]]:
    """The questions and options of an open verification (its operator only; never the answers)."""
    return verification_result(ctx, check_id, lang).questions


def verification_result(ctx: ServiceContext, check_id: int, lang: str = "en") -> Verification:
    """Where verification ``check_id`` stands (its operator only)."""
    require(ctx.actor, "identity.verify")
    with ctx.store() as session:
        check = _own_check(session, ctx.actor, check_id)
        left = MAX_ATTEMPTS - StoreAttempts(session).failures(check.customer_id, ctx.now().date())
        return Verification(check.id, check.customer_id, check.status, max(0, left), left <= 0, _public(check, lang))


def answer_verification(ctx: ServiceContext, check_id: int, answers: Sequence[int], lang: str = "en") -> Verification:
    """Grade one set of answers (an index per question, in order): one attempt; which answer was wrong is
    never said. After the third failure of the day the customer is locked until midnight."""
    with ctx.store() as session:
        customer_id = _own_check(session, ctx.actor, check_id).customer_id
    with _attempt(ctx, customer_id) as (session, actor, ledger, now):
        check = _own_check(session, actor, check_id, lock=True)
        if check.status != "questions":
            raise UsageError(Message(OVER, {"id": check_id, "status": check.status}))
        if check.day != now.date():
            raise UsageError(Message(EXPIRED, {"id": check_id}))
        desk = AttemptDesk(ledger)
        desk.check(customer_id, now)
        passed = _challenge(check).grade([int(a) for a in answers])
        outcome = desk.record(customer_id, now, passed=passed)
        check.status = "passed" if passed else "failed"
        check.answered_at = now
        _audit(
            ctx,
            session,
            "identity.answer",
            customer_id,
            now,
            check=check.id,
            passed=passed,
            attempts_left=outcome.attempts_left,
            locked=outcome.locked,
        )
        return Verification(check.id, customer_id, check.status, outcome.attempts_left, outcome.locked, [])


# -- what the questions are made of --

_NOBODY = CustomerFacts(
    name="\x00",
    id_number=None,
    phone="\x00\x00\x00\x00",
    last_purchase=None,
    last_order_amount=None,
    top_category=None,
    account_manager=None,
)


def _own_check(session: Session, actor: Actor, check_id: int, *, lock: bool = False) -> IdentityCheck:
    query = select(IdentityCheck).where(IdentityCheck.id == check_id)
    check = session.scalars(query.with_for_update() if lock else query).one_or_none()
    if check is None or check.operator != actor.name:
        raise NotFoundError(Message(NO_VERIFICATION, {"id": check_id}))
    return check


def _challenge(check: IdentityCheck) -> Challenge:
    questions = tuple(Question(q["kind"], PROMPTS[q["kind"]], tuple(q["options"])) for q in check.questions)
    return Challenge(questions, tuple(check.answers))


def _public(check: IdentityCheck, lang: str) -> list[dict[str, object]]:
    return _challenge(check).public(lang) if check.status == "questions" else []


def _manager_names(session: Session) -> dict[str, str]:
    rows = session.execute(select(User.name, User.display_name))
    return {name: display or name for name, display in rows}


def _facts(session: Session, keyring: Any, customer: Customer) -> CustomerFacts:
    cid = customer.customer_id
    bought = (Transaction.customer_id == cid, Transaction.amount > 0)
    last = session.scalar(select(func.max(Transaction.date)).where(*bought))
    amount = None
    if last is not None:
        amount = session.scalar(select(func.sum(Transaction.amount)).where(*bought, Transaction.date == last))
    top = session.execute(
        select(Transaction.category)
        .where(*bought, Transaction.category.is_not(None))
        .group_by(Transaction.category)
        .order_by(func.sum(Transaction.amount).desc(), Transaction.category)
        .limit(1)
    ).scalar()
    manager = None if customer.owner is None else _manager_names(session).get(customer.owner, customer.owner)
    return CustomerFacts(
        name=customer.name,
        id_number=opened(keyring, customer, "id_number"),
        phone=opened(keyring, customer, "phone"),
        last_purchase=dt.date.fromisoformat(str(last)[:10]) if last is not None else None,
        last_order_amount=float(amount) if amount is not None else None,
        top_category=top,
        account_manager=manager,
    )


_POOLS: dict[tuple[str, dt.date], AnswerPools] = {}


def _pools(session: Session, today: dt.date) -> AnswerPools:
    """How common each answer is among customers (distractors as plausible as the truth), made once a day."""
    key = (str(session.get_bind().engine.url), today)
    if key in _POOLS:
        return _POOLS[key]
    bought = Transaction.amount > 0
    categories = dict(
        session.execute(
            select(Transaction.category, func.count(func.distinct(Transaction.customer_id)))
            .where(bought, Transaction.category.is_not(None))
            .group_by(Transaction.category)
        ).all()
    )
    names = _manager_names(session)
    managers: dict[str, float] = {}
    for owner, count in session.execute(
        select(Customer.owner, func.count()).where(Customer.owner.is_not(None)).group_by(Customer.owner)
    ):
        managers[names.get(owner, owner)] = managers.get(names.get(owner, owner), 0) + count
    lasts = (
        select(Transaction.customer_id, func.max(Transaction.date).label("day"))
        .where(bought)
        .group_by(Transaction.customer_id)
        .subquery()
    )
    month = func.substr(cast(lasts.c.day, String), 1, 7).label("month")
    months: dict[str, int] = dict(session.execute(select(month, func.count()).group_by(month)).all())
    last_orders = session.execute(
        select(func.sum(Transaction.amount))
        .join(lasts, (lasts.c.customer_id == Transaction.customer_id) & (lasts.c.day == Transaction.date))
        .where(bought)
        .group_by(Transaction.customer_id)
    ).scalars()
    counts = Counter(bisect_right(BAND_EDGES, float(amount)) - 1 for amount in last_orders)
    pools = AnswerPools(
        as_of=today,
        categories={str(k): float(v) for k, v in categories.items()},
        account_managers=managers,
        # one more for every month and band, so an answer nobody else has can still be a distractor
        months={m: months.get(m, 0) + 1.0 for m in month_options(today)},
        bands={band: counts[i] + 1.0 for i, band in enumerate(BANDS)},
    )
    _POOLS.clear()  # one day's pools per process are enough
    _POOLS[key] = pools
    return pools
