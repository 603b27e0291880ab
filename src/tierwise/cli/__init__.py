"""The ``tierwise`` command line, one module per noun: data, demo, indicators, classify, value, triage, report,
store (db), imports, runs, keys, serve, archive (cards and surveys), plan (contact plan and alerts), key_accounts,
contacts (the decision-maker map), service_cost, analyses, growth (churn, prospects), users, audit, worker (background
jobs).

The ``tierwise`` script imports only the module of the command it runs, so that a quick command
(``tierwise triage``) does not wait for the analytics libraries; ``--help`` and ``tierwise.cli.app``
load them all.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

# command name → the module that registers it, in the order ``--help`` lists them
COMMAND_MODULES = {
    "demo": "demo",
    "check": "data",
    "indicators": "indicators",
    "classify": "classify",
    "policies": "classify",
    "policy": "classify",
    "pareto": "classify",
    "value": "value",
    "triage": "triage",
    "report": "report",
    "db": "store",
    "import": "imports",
    "card": "archive",
    "visit": "archive",
    "complaint": "archive",
    "survey": "archive",
    "surveys": "archive",
    "plan": "plan",
    "alerts": "plan",
    "key-account": "key_accounts",
    "contact": "contacts",
    "cost": "service_cost",
    "analyses": "analyses",
    "churn": "growth",
    "prospects": "growth",
    "runs": "runs",
    "keys": "keys",
    "serve": "serve",
    "user": "users",
    "audit": "audit",
    "worker": "worker",
}


# what ``tierwise --help`` lists: the start of each command's own help (a test keeps them equal), so that
# the list prints without importing any command
SUMMARIES = {
    "demo": "Generate a realistic demo data set",
    "check": "Validate a data set",
    "indicators": "Compute the indicator table",
    "classify": "Classify every customer by a policy",
    "policies": "List the shipped policies",
    "policy": "Show one policy",
    "pareto": "Pareto analysis of 12-month sales and profit",
    "value": "Fit a customer-value model",
    "triage": "Route one walk-in customer to the VIP, potential-VIP or ordinary flow",
    "report": "Write the report of a data set",
    "db": "The store's database",
    "import": "Import a data set into the store",
    "card": "Customer cards",
    "visit": "Visit cards (访问履历卡)",
    "complaint": "Complaint cards (抱怨管理卡)",
    "survey": "Satisfaction survey answers",
    "surveys": "Survey results",
    "plan": "The contact plan",
    "alerts": "Today's alerts",
    "key-account": "Key accounts (大客户)",
    "contact": "Contacts and the decision-maker map (决策链)",
    "cost": "Cost-to-serve and the up-or-out review (服务成本)",
    "analyses": "Analyses per class or owner",
    "churn": "Lost customers per quarter, compared with the retained",
    "prospects": "Prospects scored against the qualified-customer profile",
    "runs": "Saved runs (评估批次)",
    "keys": "The personal-data keys",
    "serve": "Serve the API",
    "user": "Users who sign in",
    "audit": "The audit log",
    "worker": "Run background jobs (runs, imports) from the job queue",
}
ABOUT = "Which customers matter most, why, and what to do about each of them."


def command_list() -> str:
    """The top-level help: usage, what tierwise does, and every command with what it does."""
    width = max(map(len, SUMMARIES))
    lines = [
        "Usage: tierwise [OPTIONS] COMMAND [ARGS]...",
        "",
        f"  {ABOUT}",
        "",
        "Options:",
        "  --help  Show this message and exit.",
        "",
        "Commands:",
        *(f"  {name.ljust(width)}  {SUMMARIES[name]}" for name in COMMAND_MODULES),
        "",
        "tierwise COMMAND --help shows a command's arguments and options.",
    ]
    return "\n".join(lines)


def load_commands(name: str | None = None) -> None:
    """Register the command ``name`` (its module), or every command when ``name`` is not one of them."""
    modules = [COMMAND_MODULES[name]] if name in COMMAND_MODULES else dict.fromkeys(COMMAND_MODULES.values())
    for module in modules:
        importlib.import_module(f"tierwise.cli.{module}")


def main() -> None:
    """Entry point of the ``tierwise`` script."""
    words = [w for w in sys.argv[1:] if not w.startswith("-")]
    if not words and sys.argv[1:] in (["--help"], ["-h"]):
        print(command_list())
        return
    from tierwise.cli.application import run

    load_commands(words[0] if words else None)
    run()


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole application, every command registered (as tests and embedders want it)
        load_commands()
        from tierwise.cli.application import app

        return app
    raise AttributeError(f"module 'tierwise.cli' has no attribute {name!r}")


__all__ = ["app", "load_commands", "main"]
