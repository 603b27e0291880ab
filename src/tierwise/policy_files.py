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
from pydantic import ValidationError

from tierwise.errors import PolicyError
from tierwise.i18n import N_, Message

SHIPPED_FOLDER = ("analytics", "policies")
#: what kind of policy a message speaks of
POLICY = Message("policy")
TRIAGE_POLICY = Message("triage policy")


def shipped_policy_files() -> dict[str, str]:
    """Every shipped policy's YAML text by name (file stem), sorted by name."""
    folder = resources.files("tierwise").joinpath(*SHIPPED_FOLDER)
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    return {e.name.removesuffix(".yaml"): e.read_text(encoding="utf-8") for e in entries}


NAME_PATTERN = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
NOT_A_NAME = N_("%(name)s is not a policy name (lower-case letters, digits, - and _)")


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
            raise PolicyError(Message(NOT_A_NAME, {"name": repr(name)}))
        return cls("shipped", name, name)

    @classmethod
    def file(cls, path: str | Path) -> PolicyRef:
        """A policy YAML file the user named."""
        return cls("file", str(path), str(path))

    @classmethod
    def text(cls, text: str, source: str) -> PolicyRef:
        """Policy YAML text already read (e.g. a policy saved in the store, ``source`` = ``name v3``)."""
        return cls("text", text, source)


def as_policy_ref(policy: str | Path | PolicyRef) -> PolicyRef:
    """A reference from a library caller's argument: a ``Path`` is a file, a ``str`` a shipped name only."""
    if isinstance(policy, PolicyRef):
        return policy
    if isinstance(policy, Path):
        return PolicyRef.file(policy)
    return PolicyRef.shipped(policy)


def read_policy_text(ref: PolicyRef, kind: Message, shipped: Callable[[], list[str]]) -> tuple[str, str]:
    """The YAML text ``ref`` points at, and how to name its source in messages.

    ``kind`` (``POLICY``, ``TRIAGE_POLICY``) and ``shipped`` (the names to offer when the name is unknown)
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
            raise PolicyError(
                Message(
                    "cannot read %(kind)s file %(path)s: %(strerror)s",
                    {"kind": kind, "path": path, "strerror": exc.strerror},
                )
            ) from None
    entry = resources.files("tierwise").joinpath(*SHIPPED_FOLDER, f"{ref.value}.yaml")
    if not entry.is_file():
        raise PolicyError(
            Message(
                "no shipped %(kind)s named %(name_or_path)s; shipped: %(shipped)s; or pass the path of a YAML file",
                {"kind": kind, "name_or_path": repr(ref.value), "shipped": ", ".join(shipped()) or "none"},
            )
        )
    return entry.read_text(encoding="utf-8"), ref.source


def policy_mapping(text: str, kind: Message, source: str) -> dict[str, Any]:
    """The YAML ``text`` of a policy as a mapping of fields; a clear error when it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(
            Message("%(kind)s %(source)s is not valid YAML: %(exc)s", {"kind": kind, "source": source, "exc": str(exc)})
        ) from None
    if not isinstance(data, dict):
        raise PolicyError(
            Message(
                "%(kind)s %(source)s must be a mapping of fields, not %(name)s",
                {"kind": kind, "source": source, "name": type(data).__name__},
            )
        )
    return data


def invalid_policy(kind: Message, source: str, exc: ValidationError, methods: tuple[str, ...] = ()) -> PolicyError:
    """The error for a policy that fails validation: one line per offending field.

    ``methods``: the tags of a tagged union of criteria, left out of field locations (pydantic inserts them:
    ``criteria.0.thresholds.bounds``) and listed when a method is unknown.
    """
    lines = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"] if str(p) not in methods) or "(top level)"
        lines.append(Message("%(where)s: %(problem)s", {"where": where, "problem": field_problem(err, methods)}))
    return PolicyError(Message("%(kind)s %(source)s is invalid:", {"kind": kind, "source": source}), lines)


def field_problem(err: Any, methods: tuple[str, ...] = ()) -> Message | str:
    """What is wrong with one field, from a pydantic error (our validators raise ``ValueError(Message)``)."""
    ctx = err.get("ctx") or {}
    if err["type"] == "extra_forbidden":
        return Message("unknown field")
    if err["type"] == "missing":
        return Message("required field is missing")
    if err["type"] == "value_error":
        cause = ctx["error"]
        return cause.args[0] if cause.args and isinstance(cause.args[0], Message) else str(cause)
    if err["type"] == "union_tag_invalid":
        return Message(
            "unknown method %(method)s; methods: %(methods)s",
            {"method": repr(ctx["tag"]), "methods": ", ".join(methods)},
        )
    if err["type"] == "union_tag_not_found":
        return Message("method is missing; methods: %(methods)s", {"methods": ", ".join(methods)})
    # pydantic's own message (in English), and the value given
    return Message("%(problem)s (got %(value)s)", {"problem": err["msg"], "value": repr(err["input"])})
