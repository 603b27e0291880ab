"""Commands: value."""

from tierwise.cli.app import app  # noqa: F401
