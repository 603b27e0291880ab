"""No secret in the repository: every tracked file is searched for key-like strings."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tierwise.security.passwords import hash_password
from tierwise.security.pii import new_key_entry
from tierwise.security.tokens import is_well_formed, issue_token

ROOT = Path(__file__).resolve().parents[2]

# a keyring entry (id:32 bytes of URL-safe base64), a tierwise access token, and other common secret shapes
KEY_ENTRY = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")
TOKEN = re.compile(r"twp_[0-9A-Za-z]{46}(?![0-9A-Za-z])")
OTHERS = re.compile(
    r"-----BEGIN (?:RSA |EC |OPENSSH |DSA )?PRIVATE KEY-----"
    r"|AKIA[0-9A-Z]{16}"
    r"|gh[pousr]_[0-9A-Za-z]{36}"
    r"|TIERWISE_SECRET_KEY\s*=\s*['\"]?[A-Za-z0-9_-]+:[A-Za-z0-9_-]{20,}"
    r"|\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]{16,}\$[A-Za-z0-9+/]{16,}"  # a real password's hash
)


def secrets_in(text: str) -> list[str]:
    """The key-like strings in ``text``."""
    found = KEY_ENTRY.findall(text) + OTHERS.findall(text)
    found += [t for t in TOKEN.findall(text) if is_well_formed(t)]
    return found


def tracked_files() -> list[Path]:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [ROOT / name for name in listed.decode().split("\0") if name]


def test_the_search_finds_each_kind_of_secret() -> None:
    assignment = "TIERWISE_SECRET_KEY" + "=k1:" + "abcdefghijklmnopqrstuvwxyz"  # split, or this file would hold one
    text = f"key {new_key_entry()} token {issue_token().token}\n{assignment}\n{hash_password('a pass phrase')}\n"
    assert len(secrets_in(text)) == 4
    assert secrets_in("sha256:" + "ab" * 32) == []  # lock-file hashes are not keys


def test_no_tracked_file_holds_a_key_like_string() -> None:
    files = tracked_files()
    assert len(files) > 100
    offenders = {}
    for path in files:
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # binary files (images, workbooks) are not where a key is pasted
        found = secrets_in(text)
        if found:
            offenders[str(path.relative_to(ROOT))] = [s[:12] + "…" for s in found]
    assert offenders == {}
