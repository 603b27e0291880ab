"""The audit log's hash chain: canonical JSON of an entry, its SHA-256 over the previous hash, and a walk
that names the first entry edited, removed or inserted.

Pure functions over plain records (mappings of column name to value), so the store's ``audit`` table
(columns ``seq``, ``at``, ``actor``, ``ip``, ``user_agent``, ``action``, ``target_type``, ``target_id``,
``before``, ``after``, ``prev_hash``, ``hash``) can seal rows as it writes them and ``tierwise audit
verify`` can walk them as it reads them, one pass, one entry of look-ahead.

An entry's content is every column except ``prev_hash`` and ``hash``, ``seq`` included, so renumbering
shows. Its hash is ``SHA-256(prev_hash + "\\n" + canonical JSON of the content)``; the first entry's
``prev_hash`` is 64 zeros. :func:`seal` turns times into UTC, the form they survive SQLite in. The
writer must give ``seq`` and ``at`` itself (not leave them to the database),
since they are hashed before the row is inserted, and must read the last entry under a lock (PostgreSQL:
``SELECT … FOR UPDATE``; SQLite serialises writers anyway).

>>> first = seal({"seq": 1, "actor": "li", "action": "login"}, GENESIS)
>>> second = seal({"seq": 2, "actor": "li", "action": "logout"}, first["hash"])
>>> verify([first, second]).ok
True
>>> second["actor"] = "wang"
>>> verify([first, second]).problem.describe()
'audit entry 2 was edited: its content no longer matches its hash'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from tierwise.i18n import Message, translate

GENESIS = "0" * 64
SEQ, PREV, HASH = "seq", "prev_hash", "hash"

Record = Mapping[str, Any]


def _utc(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for what was written as UTC; PostgreSQL hands back aware ones
    return (value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return _utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)  # PostgreSQL's JSONB hands 1e20 back as an integer: one form for both
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def content_of(record: Record) -> dict[str, Any]:
    """What an entry's hash covers: every column but ``prev_hash`` and ``hash``."""
    return {k: v for k, v in record.items() if k not in (PREV, HASH)}


def canonical_json(content: Record) -> bytes:
    """One byte string per content: sorted keys, no spaces, UTF-8, times as UTC ``…T…Z`` with microseconds.

    >>> canonical_json({"b": 1, "a": dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC), "c": "客户"})
    b'{"a":"2026-01-02T03:04:05.000000Z","b":1,"c":"\\xe5\\xae\\xa2\\xe6\\x88\\xb7"}'
    """
    return json.dumps(
        _plain(content), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def entry_hash(content: Record, prev_hash: str) -> str:
    """The hex SHA-256 of the previous entry's hash and this entry's canonical content."""
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical_json(content)).hexdigest()


def seal(content: Record, prev_hash: str) -> dict[str, Any]:
    """``content`` with ``prev_hash`` and ``hash`` filled in: the row that follows the entry hashed ``prev_hash``."""
    # times go in as UTC: SQLite keeps a time's wall clock and drops its offset, so a +08:00 time written
    # as it is would read back 8 hours off and no longer match its hash
    body = {k: _utc(v) if isinstance(v, dt.datetime) else v for k, v in content_of(content).items()}
    return {**body, PREV: prev_hash, HASH: entry_hash(body, prev_hash)}


Kind = Literal["edited", "removed", "inserted", "reordered"]


@dataclass(frozen=True)
class ChainBreak:
    """The first place the chain does not hold: which entry (by ``seq``) and what happened to it."""

    kind: Kind
    seq: int
    last_seq: int | None = None  # for removals: the last missing seq when several in a row are gone

    def message(self) -> Message:
        """What happened, as a message naming the entry."""
        if self.kind == "edited":
            return Message("audit entry %(seq)s was edited: its content no longer matches its hash", {"seq": self.seq})
        if self.kind == "removed":
            if self.last_seq is not None and self.last_seq != self.seq:
                return Message(
                    "audit entries %(seq)s to %(last)s were removed", {"seq": self.seq, "last": self.last_seq}
                )
            return Message("audit entry %(seq)s was removed", {"seq": self.seq})
        if self.kind == "inserted":
            return Message("audit entry %(seq)s was inserted: it is not linked into the chain", {"seq": self.seq})
        return Message("audit entry %(seq)s is out of order", {"seq": self.seq})

    def describe(self, lang: str = "en") -> str:
        """One readable line naming the entry, in ``lang``."""
        return translate(self.message(), lang)


@dataclass(frozen=True)
class ChainReport:
    """The result of :func:`verify`: how many entries were checked and the first break, if any."""

    checked: int
    last_seq: int | None
    last_hash: str
    problem: ChainBreak | None

    @property
    def ok(self) -> bool:
        """Whether the chain holds from the first entry to the last."""
        return self.problem is None


def _pairs(entries: Iterable[Record]) -> Iterator[tuple[Record, Record | None]]:
    iterator = iter(entries)
    current = next(iterator, None)
    while current is not None:
        following = next(iterator, None)
        yield current, following
        current = following


def _authentic(entry: Record) -> bool:
    stored = entry.get(HASH)
    return bool(stored) and entry_hash(content_of(entry), str(entry.get(PREV) or "")) == stored


def verify(entries: Iterable[Record], *, anchor: tuple[int, str] | None = None) -> ChainReport:
    """Walk entries in ``seq`` order and name the first one edited, removed or inserted.

    ``anchor`` is a ``(seq, hash)`` the reader kept elsewhere (a printed report, another system): without
    one, the chain alone cannot tell that its newest entries were cut off or rewritten together.

    How a break is named: an entry without a hash, one the next entry skips over (linking to the entry
    before it) or one whose ``seq`` repeats an earlier one was *inserted*; an entry whose content no longer
    hashes to its ``hash`` was *edited*; a gap in ``seq`` where the next entry does not link back means
    entries were *removed*; a broken link without a gap means the entry before was edited and re-hashed
    to cover it up, so that one is named as *edited*.
    """
    expected_prev, before_last, prev_seq, checked = GENESIS, None, 0, 0
    last_seq: int | None = None

    def report(problem: ChainBreak | None) -> ChainReport:
        return ChainReport(checked, last_seq, expected_prev, problem)

    for entry, following in _pairs(entries):
        seq = int(entry[SEQ])
        stored = entry.get(HASH)
        content_ok = _authentic(entry)
        linked = entry.get(PREV) == expected_prev
        # the next genuine entry links to this one's predecessor: this one was slipped in between
        skipped = following is not None and following.get(PREV) == expected_prev and _authentic(following)
        if not stored or skipped or (seq <= prev_seq and not (content_ok and linked)):
            return report(ChainBreak("inserted", seq))
        if seq <= prev_seq:
            return report(ChainBreak("reordered", seq))
        if not linked and last_seq is not None and entry.get(PREV) == before_last:
            return report(ChainBreak("inserted", last_seq))  # this one skips the entry before it
        if not content_ok:
            return report(ChainBreak("edited", seq))
        if not linked:
            if seq > prev_seq + 1:
                return report(ChainBreak("removed", prev_seq + 1, seq - 1))
            return report(ChainBreak("edited", seq if last_seq is None else last_seq))
        if anchor is not None and seq == anchor[0] and stored != anchor[1]:
            return report(ChainBreak("edited", seq))
        if anchor is not None and prev_seq < anchor[0] < seq:
            return report(ChainBreak("removed", anchor[0]))
        before_last, expected_prev, prev_seq, last_seq, checked = expected_prev, str(stored), seq, seq, checked + 1
    if anchor is not None and (last_seq is None or last_seq < anchor[0]):
        return report(ChainBreak("removed", (last_seq or 0) + 1, anchor[0]))
    return report(None)
