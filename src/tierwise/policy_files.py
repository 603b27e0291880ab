"""Where policy YAML files come from: the ones shipped with the package, or a file the user names.

Classification and triage policies share one folder (``tierwise/analytics/policies``); each loader
parses the text it gets here by its own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tierwise.errors import PolicyError, UnknownPolicyError
from tierwise.i18n import Message

SHIPPED_FOLDER = ("analytics", "policies")
#: what kind of policy a message speaks of
POLICY = Message("policy")
TRIAGE_POLICY = Message("triage policy")


def shipped_policy_files() -> dict[str, str]:
    """Every shipped policy's YAML text by name (file stem), sorted by name."""
    folder = resources.files("tierwise").joinpath(*SHIPPED_FOLDER)
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    return {e.name.removesuffix(".yaml"): e.read_text(encoding="utf-8") for e in entries}


def read_policy_text(name_or_path: str | Path, kind: Message, shipped: Callable[[], list[str]]) -> tuple[str, str]:
    """The YAML text of a shipped policy or a policy file, and how to name its source in messages.

    A ``Path``, a name ending in ``.yaml``/``.yml`` or one with a folder in it is a file; anything else is
    the name of a shipped policy. ``kind`` (``POLICY``, ``TRIAGE_POLICY``) and ``shipped`` (the names to offer
    when the name is unknown) shape the error.
    """
    path = Path(name_or_path)
    if isinstance(name_or_path, Path) or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise PolicyError(
                Message(
                    "cannot read %(kind)s file %(path)s: %(strerror)s",
                    {"kind": kind, "path": path, "strerror": exc.strerror},
                )
            ) from None
    entry = resources.files("tierwise").joinpath(*SHIPPED_FOLDER, f"{name_or_path}.yaml")
    if not entry.is_file():
        raise UnknownPolicyError(
            Message(
                "no shipped %(kind)s named %(name_or_path)s; shipped: %(shipped)s; or pass the path of a YAML file",
                {"kind": kind, "name_or_path": repr(str(name_or_path)), "shipped": ", ".join(shipped()) or "none"},
            )
        )
    return entry.read_text(encoding="utf-8"), str(name_or_path)


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
