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

from tierwise.errors import PolicyError, UnknownPolicyError

SHIPPED_FOLDER = ("analytics", "policies")


def shipped_policy_files() -> dict[str, str]:
    """Every shipped policy's YAML text by name (file stem), sorted by name."""
    folder = resources.files("tierwise").joinpath(*SHIPPED_FOLDER)
    entries = sorted((e for e in folder.iterdir() if e.name.endswith(".yaml")), key=lambda e: e.name)
    return {e.name.removesuffix(".yaml"): e.read_text(encoding="utf-8") for e in entries}


def read_policy_text(name_or_path: str | Path, kind: str, shipped: Callable[[], list[str]]) -> tuple[str, str]:
    """The YAML text of a shipped policy or a policy file, and how to name its source in messages.

    A ``Path``, a name ending in ``.yaml``/``.yml`` or one with a folder in it is a file; anything else is
    the name of a shipped policy. ``kind`` ("policy", "triage policy") and ``shipped`` (the names to offer
    when the name is unknown) shape the error.
    """
    path = Path(name_or_path)
    if isinstance(name_or_path, Path) or path.suffix in (".yaml", ".yml") or len(path.parts) > 1:
        try:
            return path.read_text(encoding="utf-8"), str(path)
        except OSError as exc:
            raise PolicyError(f"cannot read {kind} file {path}: {exc.strerror}") from None
    entry = resources.files("tierwise").joinpath(*SHIPPED_FOLDER, f"{name_or_path}.yaml")
    if not entry.is_file():
        raise UnknownPolicyError(
            f"no shipped {kind} named {str(name_or_path)!r}; shipped: {', '.join(shipped()) or 'none'}; "
            "or pass the path of a YAML file"
        )
    return entry.read_text(encoding="utf-8"), str(name_or_path)


def policy_mapping(text: str, kind: str, source: str) -> dict[str, Any]:
    """The YAML ``text`` of a policy as a mapping of fields; a clear error when it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise PolicyError(f"{kind} {source} is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{kind} {source} must be a mapping of fields, not {type(data).__name__}")
    return data
