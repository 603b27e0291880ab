"""The audit hash chain: a walk names the first entry edited, removed or inserted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tierwise.security.audit_chain import GENESIS, canonical_json, entry_hash, seal, verify

AT = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def chain(n: int) -> list[dict[str, Any]]:
    """``n`` sealed entries shaped like the store's audit rows."""
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        row = seal(
            {
                "seq": seq,
                "at": AT + dt.timedelta(seconds=seq),
                "actor": "li",
                "ip": "127.0.0.1",
                "user_agent": "pytest",
                "action": "complaint.resolve",
                "target_type": "complaint",
                "target_id": str(seq),
                "before": {"status": "open"},
                "after": {"status": "resolved", "note": "已处理"},
            },
            prev,
        )
        rows.append(row)
        prev = row["hash"]
    return rows


def resealed(row: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """``row`` changed and re-hashed over its own prev_hash, as someone covering an edit would."""
    return seal({**row, **changes}, row["prev_hash"])


def test_an_untouched_chain_verifies_and_reports_its_head() -> None:
    rows = chain(5)
    report = verify(rows)
    assert report.ok and report.checked == 5 and report.last_seq == 5 and report.last_hash == rows[-1]["hash"]
    assert verify([]).ok and verify([]).last_hash == GENESIS


def test_the_hash_is_sha256_of_the_previous_hash_and_the_canonical_content() -> None:
    import hashlib

    content = {"seq": 1, "actor": "li"}
    assert canonical_json(content) == b'{"actor":"li","seq":1}'
    assert entry_hash(content, GENESIS) == hashlib.sha256(GENESIS.encode() + b'\n{"actor":"li","seq":1}').hexdigest()


def test_a_sealed_row_holds_its_times_in_utc() -> None:
    beijing = dt.datetime(2026, 1, 1, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    row = seal({"seq": 1, "at": beijing}, GENESIS)
    assert row["at"] == beijing and row["at"].utcoffset() == dt.timedelta(0)
    # what SQLite hands back: the UTC wall clock without an offset
    assert verify([{**row, "at": row["at"].replace(tzinfo=None)}]).ok


def test_times_hash_alike_whether_the_database_hands_them_back_naive_or_aware() -> None:
    aware = {"seq": 1, "at": dt.datetime(2026, 1, 1, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))}
    naive_utc = {"seq": 1, "at": dt.datetime(2026, 1, 1, 9, 0)}
    assert canonical_json(aware) == canonical_json(naive_utc)


@pytest.mark.parametrize("field", ["actor", "action", "target_id", "at", "before"])
def test_an_edited_field_names_that_entry(field: str) -> None:
    rows = chain(6)
    rows[3] = {**rows[3], field: {"status": "forged"} if field == "before" else "forged"}
    assert verify(rows).problem.describe() == "audit entry 4 was edited: its content no longer matches its hash"
    assert verify(rows).checked == 3


def test_an_edit_covered_by_rehashing_that_entry_still_names_it() -> None:
    rows = chain(6)
    rows[2] = resealed(rows[2], actor="wang")
    problem = verify(rows).problem
    assert (problem.kind, problem.seq) == ("edited", 3)


def test_an_entry_renumbered_is_missing_from_its_place() -> None:
    rows = chain(6)
    rows[4] = {**rows[4], "seq": 9}
    problem = verify(sorted(rows, key=lambda row: row["seq"])).problem  # the store reads in seq order
    assert (problem.kind, problem.seq) == ("removed", 5)


@pytest.mark.parametrize(
    ("removed", "message"),
    [
        ([0], "audit entry 1 was removed"),
        ([2], "audit entry 3 was removed"),
        ([2, 3, 4], "audit entries 3 to 5 were removed"),
    ],
)
def test_removed_entries_are_named(removed: list[int], message: str) -> None:
    rows = [row for i, row in enumerate(chain(8)) if i not in removed]
    assert verify(rows).problem.describe() == message


def test_an_entry_inserted_without_a_hash_is_named() -> None:
    rows = chain(4)
    rows.append({**rows[-1], "seq": 5, "prev_hash": None, "hash": None, "actor": "intruder"})
    assert verify(rows).problem.describe() == "audit entry 5 was inserted: it is not linked into the chain"


def test_an_entry_inserted_in_the_middle_with_a_valid_hash_is_named() -> None:
    rows = chain(6)
    # the intruder takes seq 4 and links to entry 3; the later entries are renumbered but keep their links
    forged = seal({**rows[3], "actor": "intruder"}, rows[2]["hash"])
    renumbered = [{**row, "seq": row["seq"] + 1} for row in rows[3:]]
    problem = verify([*rows[:3], forged, *renumbered]).problem
    assert (problem.kind, problem.seq) == ("inserted", 4)


def test_a_duplicate_seq_is_an_insertion() -> None:
    rows = chain(4)
    rows.insert(2, {**rows[1], "actor": "intruder"})
    problem = verify(rows).problem
    assert (problem.kind, problem.seq) == ("inserted", 2)


def test_a_gap_the_writer_left_still_links_and_verifies() -> None:
    rows = chain(3)
    rows.append(seal({**rows[-1], "seq": 10}, rows[-1]["hash"]))
    assert verify(rows).ok


def test_an_anchor_catches_a_cut_or_rewritten_tail() -> None:
    rows = chain(6)
    anchor = (6, rows[-1]["hash"])
    assert verify(rows, anchor=anchor).ok
    assert verify(rows[:4], anchor=anchor).problem.describe() == "audit entries 5 to 6 were removed"
    assert verify(rows[:4]).ok  # without an anchor the chain cannot know its tail was cut
    rewritten = [*rows[:5], resealed(rows[5], actor="wang")]
    assert verify(rewritten).ok and verify(rewritten, anchor=anchor).problem.seq == 6


@given(n=st.integers(2, 12), data=st.data())
def test_any_single_tampering_is_detected_at_or_before_the_entry_touched(n: int, data: st.DataObject) -> None:
    rows = chain(n)
    index = data.draw(st.integers(0, n - 1))
    how = data.draw(st.sampled_from(["edit", "reseal", "remove"]))
    if how == "remove":
        if index == n - 1:
            return  # the tail: only an anchor shows it (tested above)
        tampered = rows[:index] + rows[index + 1 :]
    else:
        changed = resealed(rows[index], actor="x") if how == "reseal" else {**rows[index], "actor": "x"}
        if how == "reseal" and index == n - 1:
            return
        tampered = [*rows[:index], changed, *rows[index + 1 :]]
    problem = verify(tampered).problem
    assert problem is not None and problem.seq == index + 1
    assert problem.kind == ("removed" if how == "remove" else "edited")
