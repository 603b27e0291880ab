"""Failed-login limits: an account locks after N failures in a row; an address is throttled after M
failures in a window. The state lives behind :class:`AttemptLedger`, so one process can keep it in
memory (:class:`MemoryLedger`) and several can share it through the store.

The guard is asked *before* the password is checked: a locked account's password is not even verified,
so a locked account gives no oracle. Unknown user names are counted like real ones, so the answers do
not tell which names exist.

>>> import datetime as dt
>>> guard = LoginGuard(LockoutPolicy(max_user_failures=2), MemoryLedger())
>>> now = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
>>> guard.failed("li", "10.0.0.1", now).locked
False
>>> guard.failed("li", "10.0.0.1", now).locked
True
>>> guard.check("li", "10.0.0.1", now).allowed
False
"""

from __future__ import annotations

import datetime as dt
import math
import threading
import unicodedata
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from tierwise.config import Settings
from tierwise.errors import LockedOutError
from tierwise.i18n import Message

LOCKED_ACCOUNT = Message("this account is locked after repeated failed sign-ins")
THROTTLED_ADDRESS = Message("too many failed sign-ins from this address")


@dataclass(frozen=True)
class LockoutPolicy:
    """How many failures lock an account (and for how long) and throttle an address (and in what window)."""

    max_user_failures: int = 5
    user_lock: dt.timedelta = dt.timedelta(minutes=15)
    max_ip_failures: int = 20
    ip_window: dt.timedelta = dt.timedelta(minutes=15)
    user_window: dt.timedelta = dt.timedelta(hours=24)  # failures older than this are forgotten

    @classmethod
    def from_settings(cls, settings: Settings) -> LockoutPolicy:
        """The policy from ``TIERWISE_LOGIN_*`` settings."""
        window = dt.timedelta(minutes=settings.login_lock_minutes)
        return cls(settings.login_max_failures, window, settings.login_ip_max_failures, window)


class AttemptLedger(Protocol):
    """Where failures and locks are kept; keys are ``user:NAME`` and ``ip:ADDRESS``."""

    def add_failure(self, key: str, at: dt.datetime) -> None:
        """Record one failure for ``key`` at ``at``."""

    def failures_since(self, key: str, since: dt.datetime) -> int:
        """How many failures ``key`` has had at or after ``since`` (since its last reset)."""

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures and any lock on it."""

    def lock(self, key: str, until: dt.datetime) -> None:
        """Lock ``key`` until ``until``."""

    def locked_until(self, key: str) -> dt.datetime | None:
        """When ``key``'s lock ends, or ``None`` when it has none."""


class MemoryLedger:
    """An :class:`AttemptLedger` in this process's memory (one server process; state ends with it)."""

    def __init__(self, keep: int = 1000) -> None:
        self._failures: dict[str, deque[dt.datetime]] = {}
        self._locks: dict[str, dt.datetime] = {}
        self._keep = keep  # failures remembered per key: enough for any policy, bounded for a flood
        self._mutex = threading.Lock()

    def add_failure(self, key: str, at: dt.datetime) -> None:
        """Record one failure for ``key`` at ``at``."""
        with self._mutex:
            self._failures.setdefault(key, deque(maxlen=self._keep)).append(at)

    def failures_since(self, key: str, since: dt.datetime) -> int:
        """How many failures ``key`` has had at or after ``since``."""
        with self._mutex:
            return sum(1 for at in self._failures.get(key, ()) if at >= since)

    def reset(self, key: str) -> None:
        """Forget ``key``'s failures and any lock on it."""
        with self._mutex:
            self._failures.pop(key, None)
            self._locks.pop(key, None)

    def lock(self, key: str, until: dt.datetime) -> None:
        """Lock ``key`` until ``until``."""
        with self._mutex:
            self._locks[key] = until

    def locked_until(self, key: str) -> dt.datetime | None:
        """When ``key``'s lock ends, or ``None``."""
        with self._mutex:
            return self._locks.get(key)


@dataclass(frozen=True)
class Verdict:
    """Whether a login attempt may go ahead; if not, why and for how many seconds."""

    allowed: bool
    reason: Message | None = None
    retry_after_seconds: int = 0

    def raise_if_refused(self) -> None:
        """Raise :class:`~tierwise.errors.LockedOutError` when the attempt is refused."""
        if not self.allowed:
            raise LockedOutError(self.reason or LOCKED_ACCOUNT, self.retry_after_seconds)


@dataclass(frozen=True)
class FailureOutcome:
    """What one failure did: ``locked`` is true when this failure locked the account (audit the lock)."""

    locked: bool
    locked_until: dt.datetime | None = None


def user_key(name: str) -> str:
    """The ledger key of a user name, as typed (case and width folded, so ``Li`` and ``ｌｉ`` are one key)."""
    return "user:" + unicodedata.normalize("NFKC", name).strip().casefold()


def ip_key(address: str) -> str:
    """The ledger key of a client address."""
    return "ip:" + address.strip()


def _seconds(delta: dt.timedelta) -> int:
    return max(1, math.ceil(delta.total_seconds()))


class LoginGuard:
    """Applies a :class:`LockoutPolicy` over an :class:`AttemptLedger`."""

    def __init__(self, policy: LockoutPolicy, ledger: AttemptLedger) -> None:
        self.policy = policy
        self.ledger = ledger

    def check(self, user: str, address: str, now: dt.datetime) -> Verdict:
        """May ``user`` try to sign in from ``address`` now? Ask before verifying the password."""
        until = self.ledger.locked_until(user_key(user))
        if until is not None and until > now:
            return Verdict(False, LOCKED_ACCOUNT, _seconds(until - now))
        since = now - self.policy.ip_window
        if self.ledger.failures_since(ip_key(address), since) >= self.policy.max_ip_failures:
            return Verdict(False, THROTTLED_ADDRESS, _seconds(self.policy.ip_window))
        return Verdict(True)

    def failed(self, user: str, address: str, now: dt.datetime) -> FailureOutcome:
        """Record a failed sign-in; lock the account when it reaches the limit."""
        key = user_key(user)
        self.ledger.add_failure(key, now)
        self.ledger.add_failure(ip_key(address), now)
        # failures in a row (a success resets them); a lock that has run out starts the count again
        until = self.ledger.locked_until(key)
        since = max(until, now - self.policy.user_window) if until is not None else now - self.policy.user_window
        if self.ledger.failures_since(key, since) >= self.policy.max_user_failures:
            lock_end = now + self.policy.user_lock
            self.ledger.lock(key, lock_end)
            return FailureOutcome(True, lock_end)
        return FailureOutcome(False)

    def succeeded(self, user: str) -> None:
        """A successful sign-in clears the account's failures (an address's stay until their window passes)."""
        self.ledger.reset(user_key(user))

    def unlock(self, user: str) -> None:
        """Lift an account's lock now (an admin's action; audit it)."""
        self.ledger.reset(user_key(user))
