"""A feature whose extra is not installed says which one to install, in the user's language."""

from __future__ import annotations

import pytest

from tierwise.errors import ConfigurationError
from tierwise.extras import KMEANS, require


def test_a_missing_extra_names_the_install_command() -> None:
    with pytest.raises(ConfigurationError) as caught:
        require("no_such_package.cluster", extra="kmeans", feature=KMEANS)
    assert caught.value.exit_code == 2
    assert caught.value.render("en") == (
        "k-means clustering needs no_such_package, which is not installed: pip install 'tierwise[kmeans]'"
    )
    assert caught.value.render("zh") == "k 均值聚类需要 no_such_package，但尚未安装：pip install 'tierwise[kmeans]'"


def test_an_installed_extra_is_the_module_itself() -> None:
    import sklearn.cluster

    assert require("sklearn.cluster", extra="kmeans", feature=KMEANS) is sklearn.cluster
