"""Where policy YAML files come from: the ones shipped with the package, or a file the user names.

Classification and triage policies share one folder (``tierwise/analytics/policies``); each loader
parses the text it gets here by its own rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from tierwise.errors import PolicyError

SHIPPED_FOLDER = ("analytics", "policies")


def shipped_policy_files() -> dict[str, str]:
    """Every shipped policy's YAML text by name (file stem), sorted by name."""
    folder = resources.files("tierwise").joinpath(*SHIPPED_FOLDER)
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    return {e.name.removesuffix(".yaml"): e.read_text(encoding="utf-8") for e in entries}


NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


@dataclass(frozen=True)
class PolicyRef:
    """Which policy to load: a shipped one by name, a YAML file, or YAML text already in hand (a saved one).

    The three are separate on purpose: a name never becomes a path, so a name passed through from a
    request cannot make tierwise read a file. Only an interface that knows the user meant a file (the
    CLI, from how it was typed) makes a ``file`` reference.

    >>> PolicyRef.shipped("abc").source
    'abc'
    >>> PolicyRef.shipped("../etc/passwd")
    Traceback (most recent call last):
    ...
    tierwise.errors.PolicyError: '../etc/passwd' is not a policy name (lower-case letters, digits, - and _)
    """

    kind: Literal["shipped", "file", "text"]
    value: str  # the name, the path, or the YAML text
    source: str  # how messages name it

    @classmethod
    def shipped(cls, name: str) -> PolicyRef:
        """A policy shipped with the package, by name (``china-post``)."""
        if not NAME_PATTERN.fullmatch(name):
            raise PolicyError(f"{name!r} is not a policy name (lower-case letters, digits, - and _)")
        return cls("shipped", name, name)

    @classmethod
    def file(cls, path: str | Path) -> PolicyRef:
        """A policy YAML file the user named."""
        return cls("file", str(path), str(path))

    @classmethod
    def text(cls, text: str, source: str) -> PolicyRef:
        """Policy YAML text already read (e.g. a policy saved in the store, ``source`` = ``name v3``)."""
        return cls("text", text, source)


def read_policy_text(ref: PolicyRef, kind: str, shipped: Callable[[], list[str]]) -> tuple[str, str]:
    """The YAML text ``ref`` points at, and how to name its source in messages.

    ``kind`` ("policy", "triage policy") and ``shipped`` (the names to offer when the name is unknown)
    shape the error.
    """
    if not isinstance(ref, PolicyRef):
        raise TypeError(f"a policy is named by a PolicyRef, not {type(ref).__name__}")
    if ref.kind == "text":
        return ref.value, ref.source
    if ref.kind == "file":
        path = Path(ref.value)
        try:
            return path.read_text(encoding="utf-8"), ref.source
        except OSError as exc:
            raise PolicyError(f"cannot read {kind} file {path}: {exc.strerror}") from None
    entry = resources.files("tierwise").joinpath(*SHIPPED_FOLDER, f"{ref.value}.yaml")
    if not entry.is_file():
        raise PolicyError(
            f"no shipped {kind} named {ref.value!r}; shipped: {', '.join(shipped()) or 'none'}; "
            "or pass the path of a YAML file"
        )
    return entry.read_text(encoding="utf-8"), ref.source


def as_policy_ref(policy: str | Path | PolicyRef) -> PolicyRef:
    """A reference from a library caller's argument: a ``Path`` is a file, a ``str`` a shipped name only."""
    if isinstance(policy, PolicyRef):
        return policy
    if isinstance(policy, Path):
        return PolicyRef.file(policy)
    return PolicyRef.shipped(policy)


def policy_mapping(text: str, kind: str, source: str) -> dict[str, Any]:
    """The YAML ``text`` of a policy as a mapping of fields; a clear error when it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{kind} {source} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{kind} {source} must be a mapping of fields, not {type(data).__name__}")
    return data
