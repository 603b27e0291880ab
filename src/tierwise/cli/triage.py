"""Commands: triage."""

from tierwise.cli.app import app  # noqa: F401
