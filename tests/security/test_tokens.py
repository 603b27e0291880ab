"""Personal access tokens: a visible prefix, only a digest stored, constant-time match, a checksum."""

from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from tierwise.security.tokens import PREFIX, is_well_formed, issue_token, token_digest, token_matches


def test_a_token_is_prefix_body_and_checksum_and_only_its_digest_is_kept() -> None:
    issued = issue_token()
    assert issued.token.startswith(PREFIX) and len(issued.token) == 50
    assert issued.prefix == issued.token[:12]
    assert issued.digest == hashlib.sha256(issued.token.encode()).hexdigest()
    assert issued.token not in (issued.prefix, issued.digest)
    assert is_well_formed(issued.token)
    assert token_matches(issued.token, issued.digest)


def test_tokens_are_unique() -> None:
    tokens = {issue_token().token for _ in range(500)}
    assert len(tokens) == 500


def test_a_token_does_not_match_another_tokens_digest() -> None:
    one, two = issue_token(), issue_token()
    assert not token_matches(one.token, two.digest)
    assert token_digest(one.token) != token_digest(two.token)


@given(position=st.integers(min_value=len(PREFIX), max_value=49), replacement=st.sampled_from("0aZ9"))
def test_a_one_character_typo_is_refused_by_the_checksum(position: int, replacement: str) -> None:
    token = issue_token().token
    typo = token[:position] + replacement + token[position + 1 :]
    if typo != token:
        assert not is_well_formed(typo)


def test_truncated_foreign_and_malformed_tokens_are_not_well_formed() -> None:
    token = issue_token().token
    for text in (token[:-1], token + "x", "ghp_" + token[4:], "", PREFIX + "!" * 46):
        assert not is_well_formed(text)
