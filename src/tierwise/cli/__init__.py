"""The ``tierwise`` command line, one module per noun: data, demo, classify, value, triage, report."""

from tierwise.cli import classify, data, demo, indicators, report, triage, value  # noqa: F401  (register commands)
from tierwise.cli.app import app, run


def main() -> None:
    """Entry point of the ``tierwise`` script."""
    run()


__all__ = ["app", "main"]
