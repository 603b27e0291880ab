"""Failed-login limits: per account (lock after N in a row) and per address (a window), in memory."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from tierwise.config import Settings
from tierwise.errors import LockedOutError
from tierwise.security.lockout import LockoutPolicy, LoginGuard, MemoryLedger, user_key

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
POLICY = LockoutPolicy(max_user_failures=3, user_lock=dt.timedelta(minutes=15), max_ip_failures=5)


def guard() -> LoginGuard:
    return LoginGuard(POLICY, MemoryLedger())


def test_the_nth_failure_in_a_row_locks_the_account_for_the_lock_time() -> None:
    g = guard()
    outcomes = [g.failed("li", "10.0.0.1", T0 + dt.timedelta(seconds=i)) for i in range(3)]
    assert [o.locked for o in outcomes] == [False, False, True]
    assert outcomes[-1].locked_until == T0 + dt.timedelta(seconds=2, minutes=15)
    verdict = g.check("li", "10.0.0.2", T0 + dt.timedelta(minutes=5))  # from another address too
    assert not verdict.allowed and verdict.retry_after_seconds == 10 * 60 + 2
    with pytest.raises(LockedOutError, match="locked after repeated failed sign-ins") as info:
        verdict.raise_if_refused()
    assert info.value.retry_after_seconds == 602
    assert g.check("li", "10.0.0.2", T0 + dt.timedelta(minutes=15, seconds=3)).allowed


def test_after_a_lock_runs_out_the_count_starts_again() -> None:
    g = guard()
    for i in range(3):
        g.failed("li", "10.0.0.1", T0 + dt.timedelta(seconds=i))
    later = T0 + dt.timedelta(minutes=20)
    assert not g.failed("li", "10.0.0.3", later).locked
    assert not g.failed("li", "10.0.0.3", later).locked
    assert g.failed("li", "10.0.0.3", later).locked


def test_a_success_clears_the_failures_in_a_row() -> None:
    g = guard()
    g.failed("li", "10.0.0.1", T0)
    g.failed("li", "10.0.0.1", T0)
    g.succeeded("li")
    assert not g.failed("li", "10.0.0.1", T0).locked
    assert not g.failed("li", "10.0.0.1", T0).locked


def test_an_admin_unlock_lifts_the_lock_now() -> None:
    g = guard()
    for _ in range(3):
        g.failed("li", "10.0.0.1", T0)
    g.unlock("li")
    assert g.check("li", "10.0.0.9", T0).allowed


def test_one_address_trying_many_names_is_throttled_for_the_window() -> None:
    g = guard()
    for i in range(5):
        g.failed(f"user{i}", "10.0.0.66", T0)
    refused = g.check("someone-else", "10.0.0.66", T0 + dt.timedelta(minutes=1))
    assert not refused.allowed and refused.reason.english() == "too many failed sign-ins from this address"
    assert g.check("someone-else", "10.0.0.67", T0).allowed
    assert g.check("someone-else", "10.0.0.66", T0 + dt.timedelta(minutes=15, seconds=1)).allowed


def test_names_are_folded_so_case_and_width_do_not_dodge_the_lock() -> None:
    assert user_key("Li") == user_key(" ｌｉ ") == "user:li"
    g = guard()
    for name in ("Li", "LI", "ｌｉ"):
        g.failed(name, "10.0.0.1", T0)
    assert not g.check("li", "10.0.0.1", T0).allowed


def test_unknown_names_are_counted_like_real_ones() -> None:
    g = guard()
    for _ in range(3):
        g.failed("no-such-user", "10.0.0.1", T0)
    assert not g.check("no-such-user", "10.0.0.2", T0).allowed


def test_the_policy_comes_from_settings() -> None:
    policy = LockoutPolicy.from_settings(Settings(login_max_failures=4, login_lock_minutes=30, login_ip_max_failures=9))
    assert (policy.max_user_failures, policy.user_lock, policy.max_ip_failures) == (4, dt.timedelta(minutes=30), 9)


def test_the_memory_ledger_counts_every_failure_from_many_threads() -> None:
    ledger = MemoryLedger()

    def fail() -> None:
        for _ in range(200):
            ledger.add_failure("user:li", T0)

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ledger.failures_since("user:li", T0) == 1000  # bounded: the ledger keeps the newest 1,000
