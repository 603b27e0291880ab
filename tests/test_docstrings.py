"""Every example in a docstring of the package runs and prints what the docstring says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import tierwise

MODULES = sorted(m.name for m in pkgutil.walk_packages(tierwise.__path__, "tierwise."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} docstring examples failed in {name}"
