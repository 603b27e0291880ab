"""Commands: indicators."""

from tierwise.cli.app import app  # noqa: F401
