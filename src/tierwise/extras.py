"""Optional dependencies: the packages only one feature needs, installed with an extra.

``pip install 'tierwise[kmeans]'`` brings scikit-learn (the ``kmeans`` classification method),
``pip install 'tierwise[charts]'`` matplotlib (the PNG charts of ``tierwise value --charts``). Without
them the rest of tierwise works; the feature that needs one says which extra to install.

>>> require("math", extra="kmeans", feature=N_("k-means clustering")).sqrt(4.0)
2.0
"""

from __future__ import annotations

import importlib
from types import ModuleType

from tierwise.errors import ConfigurationError
from tierwise.i18n import N_, Message

KMEANS = N_("k-means clustering")
CHARTS = N_("the PNG charts")


def require(module: str, *, extra: str, feature: str) -> ModuleType:
    """Import ``module`` for ``feature`` (a msgid), or say which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigurationError(
            Message(
                "%(feature)s needs %(package)s, which is not installed: pip install 'tierwise[%(extra)s]'",
                {"feature": Message(feature), "package": module.split(".")[0], "extra": extra},
            )
        ) from exc
