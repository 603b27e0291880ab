"""DESIGN.md layers: arrows run one way. A lower layer must never import a higher one."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "tierwise"

# what each package may not import (directly, by absolute or relative import)
FORBIDDEN = {
    "io": (
        "tierwise.analytics",
        "tierwise.value",
        "tierwise.store",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.reports",
        "tierwise.cli",
        "sqlalchemy",
        "fastapi",
        "starlette",
    ),
    "analytics": (
        "tierwise.value",
        "tierwise.store",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.reports",
        "tierwise.cli",
        "sqlalchemy",
        "fastapi",
        "starlette",
    ),
    "value": (
        "tierwise.store",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.reports",
        "tierwise.cli",
        "sqlalchemy",
        "fastapi",
        "starlette",
    ),
    "archive": (
        "tierwise.store",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.reports",
        "tierwise.cli",
        "sqlalchemy",
        "fastapi",
        "starlette",
    ),
    "store": (  # the store keeps records; it never computes indicators nor knows the faces
        "tierwise.analytics",
        "tierwise.value",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.reports",
        "tierwise.cli",
        "fastapi",
        "starlette",
    ),
    "security": (  # services-level rules: no web framework, no ORM (the store backs its ledgers)
        "tierwise.store",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.cli",
        "sqlalchemy",
        "fastapi",
        "starlette",
    ),
    "jobs": (  # the queue and its consumer run services; they know no face
        "tierwise.api",
        "tierwise.web",
        "tierwise.reports",
        "tierwise.cli",
        "fastapi",
        "starlette",
    ),
    "reports": (
        "tierwise.store",
        "tierwise.services",
        "tierwise.api",
        "tierwise.web",
        "tierwise.cli",
        "sqlalchemy",
        "fastapi",
    ),
}


def imported_modules(path: Path, package: str | None = None) -> set[str]:
    """Every module a Python file imports, as absolute dotted names (``package``: the file's package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if package is None:
        package = ".".join(path.relative_to(PKG.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            else:
                found.add(node.module or "")
    return found


def _cases():
    for layer, banned in FORBIDDEN.items():
        for path in sorted((PKG / layer).rglob("*.py")):
            yield pytest.param(path, banned, id=str(path.relative_to(PKG)))


@pytest.mark.parametrize(("path", "banned"), list(_cases()))
def test_lower_layer_does_not_import_a_higher_one(path: Path, banned: tuple[str, ...]) -> None:
    bad = sorted(m for m in imported_modules(path) if any(m == b or m.startswith(b + ".") for b in banned))
    assert not bad, f"{path.relative_to(PKG)} imports {bad}, which DESIGN.md's layers forbid"


def test_the_layer_check_catches_an_upward_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from ..analytics import engine\nimport sqlalchemy.orm\n")
    found = imported_modules(bad, package="tierwise.io")
    assert {"tierwise.analytics", "sqlalchemy.orm"} <= found


def test_messages_sit_below_every_layer() -> None:
    """i18n.py imports nothing of tierwise; errors.py imports only i18n (so every layer may use both)."""
    assert sorted(m for m in imported_modules(PKG / "i18n.py") if m.startswith("tierwise")) == []
    assert sorted(m for m in imported_modules(PKG / "errors.py") if m.startswith("tierwise")) == ["tierwise.i18n"]


# the interfaces call services only: the CLI may not reach the layers below them
CLI_FORBIDDEN = ("tierwise.analytics", "tierwise.io", "tierwise.value", "tierwise.store")


@pytest.mark.parametrize("path", sorted((PKG / "cli").rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_the_cli_calls_services_only(path: Path) -> None:
    bad = sorted(m for m in imported_modules(path) if any(m == b or m.startswith(b + ".") for b in CLI_FORBIDDEN))
    assert not bad, f"{path.relative_to(PKG)} imports {bad}: call a service in tierwise.services instead"


def test_services_import_nothing_above_them() -> None:
    above = ("tierwise.cli", "tierwise.reports", "tierwise.api", "tierwise.web", "fastapi")
    for path in sorted((PKG / "services").rglob("*.py")):
        bad = sorted(m for m in imported_modules(path) if any(m == b or m.startswith(b + ".") for b in above))
        assert not bad, f"{path.relative_to(PKG)} imports {bad}, a face above the services"
