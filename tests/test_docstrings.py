"""Every example in a docstring of the package runs and prints what the docstring says.

Only modules with at least one example are collected: a module without one would be a test that cannot
fail. :func:`test_modules_without_examples_are_not_collected` keeps the list honest.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import tierwise

ALL_MODULES = sorted(m.name for m in pkgutil.walk_packages(tierwise.__path__, "tierwise."))
SOURCE = Path(tierwise.__file__).parent


def _source(name: str) -> Path:
    relative = Path(*name.split(".")[1:])
    package = SOURCE / relative / "__init__.py"
    return package if package.exists() else (SOURCE / relative).with_suffix(".py")


def _has_example(name: str) -> bool:
    """Whether the module's source holds an example doctest runs (read as text: collecting imports nothing)."""
    lines = _source(name).read_text(encoding="utf-8").splitlines()
    return any(line.lstrip().startswith(">>> ") and "doctest: +SKIP" not in line for line in lines)


def _runnable(example: doctest.Example) -> bool:
    return not example.options.get(doctest.SKIP, False)


MODULES = [name for name in ALL_MODULES if _has_example(name)]


def test_modules_without_examples_are_not_collected() -> None:
    finder = doctest.DocTestFinder()
    for name in ALL_MODULES:
        found = sum(_runnable(e) for t in finder.find(importlib.import_module(name)) for e in t.examples)
        assert (found > 0) == (name in MODULES), name


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.attempted > 0, name
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"
