"""One's own settings: the language the web UI speaks to you, and your password. Any signed-in user, on
their own account only; each change audited (the password as "changed", never a hash or the text).

>>> from tierwise.config import Settings
>>> from tierwise.security.permissions import Actor
>>> from tierwise.services.store_access import on_store
>>> from tierwise.services.users import create_user
>>> with on_store(ServiceContext.system(Settings()), "sqlite://") as ctx:
...     _ = create_user(ctx, "li", role="account_manager", password="a long pass phrase")
...     li = ctx.with_actor(Actor("li", "account_manager"))
...     set_language(li, "zh")
...     user_language(li)
'zh'
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message, is_language, unknown_language
from tierwise.security.passwords import check_new_password, hash_password, verify_password
from tierwise.services.archive_records import record_change
from tierwise.services.context import ServiceContext
from tierwise.store.people_models import User

NOT_A_USER = N_("only a signed-in user has settings")
WRONG_PASSWORD = N_("the current password is not right")
SAME_PASSWORD = N_("the new password is the same as the current one")


def _me(session: Session, ctx: ServiceContext) -> User:
    user = None if ctx.actor.is_system else session.scalar(select(User).where(User.name == ctx.actor.name))
    if user is None:
        raise UsageError(Message(NOT_A_USER))
    return user


def user_language(ctx: ServiceContext) -> str | None:
    """The acting user's language (``zh``, ``en``), or ``None`` when they chose none (the browser's then)."""
    with ctx.store() as session:
        return _me(session, ctx).language


def set_language(ctx: ServiceContext, lang: str | None) -> None:
    """Save ``lang`` (``zh``, ``en``, or ``None``: follow the browser) as the acting user's language."""
    if lang is not None and not is_language(lang):
        raise UsageError(unknown_language(lang))
    with ctx.store() as session, session.begin():
        user = _me(session, ctx)
        if user.language == lang:
            return
        before, user.language = {"language": user.language}, lang
        record_change(
            session, ctx, action="user.set_language", target_type="user", target_id=user.name,
            before=before, after={"language": lang},
        )  # fmt: skip


def change_password(ctx: ServiceContext, current: str, new: str) -> None:
    """Replace the acting user's password: ``current`` must be right, ``new`` long enough and different.

    The check of ``current`` costs an argon2 verification, as a sign-in does, so it is no faster way to
    guess. Audited as ``user.change_password`` (no password or hash in the entry).
    """
    check_new_password(new)
    if new == current:
        raise UsageError(Message(SAME_PASSWORD))
    hashed = hash_password(new)  # before the transaction: argon2's time holds no lock
    with ctx.store() as session, session.begin():
        user = _me(session, ctx)
        if not (user.password_hash and verify_password(user.password_hash, current)):
            record_change(
                session, ctx, action="user.change_password", target_type="user", target_id=user.name,
                after={"changed": False, "reason": "wrong current password"},
            )  # fmt: skip
            refused = True
        else:
            user.password_hash = hashed
            record_change(
                session, ctx, action="user.change_password", target_type="user", target_id=user.name,
                after={"changed": True},
            )  # fmt: skip
            refused = False
    if refused:  # after the commit: the refused attempt stays in the audit log
        raise UsageError(Message(WRONG_PASSWORD))
