"""The installed ``tierwise`` program keeps its exit-code contract for every command: 0 when done, 1 for
invalid data or an invalid request, 2 for a usage error — with the reason on stderr and never a traceback.

The commands come from the Typer application, so a new command without cases here fails
:func:`test_every_command_has_its_cases`. Each case runs the real script in a new process on a small demo
data set and a store made once (each command group on its own copy); the groups run side by side.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from sqlalchemy import update

from tierwise.cli import app
from tierwise.store.db import create_store_engine, session_factory
from tierwise.store.models import Customer
from tierwise.store.people_models import Team, User

pytestmark = pytest.mark.slow

TIERWISE = Path(sys.executable).with_name("tierwise")  # the script the package installs


@dataclass(frozen=True)
class Case:
    """One invocation: the exit code it must end with and, for a failure, what stderr must say."""

    code: int
    args: tuple[str, ...]
    stderr: str = ""
    store: str = "{db}"  # TIERWISE_DATABASE_URL


def done(*args: str) -> Case:
    """The command succeeds (exit 0) and says nothing alarming on stderr."""
    return Case(0, args)


def invalid(stderr: str, *args: str, store: str = "{db}") -> Case:
    """Invalid data or an invalid request: exit 1, ``stderr`` says why."""
    return Case(1, args, stderr, store)


def usage(stderr: str, *args: str) -> Case:
    """A usage error: exit 2, ``stderr`` says what was typed wrong."""
    return Case(2, args, stderr)


NO_STORE = "sqlite:///{out}/no-such-folder/store.db"  # a store that cannot be opened
CANNOT_OPEN = "cannot open the store sqlite:///"
NOT_A_NUMBER = "交易.csv, row 2, column 金额, value '12a': not a number"
MISSING = "Missing argument"

# command → its cases, run in this order (a group's cases share one store: later cases see earlier changes)
CASES: dict[str, tuple[Case, ...]] = {
    "demo": (
        done("demo", "--out", "{out}/demo", "--customers", "3"),
        usage(
            "customers.csv is a file: give a folder to write the data set into", "demo", "--out", "{data}/customers.csv"
        ),
        usage("Invalid value for '--customers'", "demo", "--customers", "0"),
    ),
    "check": (
        done("check", "{data}"),
        invalid(NOT_A_NUMBER, "check", "{bad}"),
        usage("no such folder or file: ", "check", "{out}/nowhere"),
    ),
    "indicators": (
        done("indicators", "{data}", "--rows", "1"),
        invalid(NOT_A_NUMBER, "indicators", "{bad}"),
        usage("the file must end in .csv, .parquet, .xlsx", "indicators", "{data}", "--out", "{out}/x.txt"),
    ),
    "classify": (
        done("classify", "{data}", "--policy", "abc", "--rows", "1"),
        invalid(NOT_A_NUMBER, "classify", "{bad}", "--policy", "abc"),
        usage("no shipped policy named 'nonsense'", "classify", "{data}", "--policy", "nonsense"),
    ),
    "policies": (
        done("policies"),
        usage("Invalid value for '--lang'", "policies", "--lang", "fr"),
    ),
    "policy show": (
        done("policy", "show", "abc"),
        invalid("bad.yaml is invalid: - version: required field is missing", "policy", "show", "{bad}/bad.yaml"),
        usage("no shipped policy named 'nonsense'", "policy", "show", "nonsense"),
    ),
    "pareto": (
        done("pareto", "{data}"),
        invalid(NOT_A_NUMBER, "pareto", "{bad}"),
        usage("unknown engine 'nonsense': choose one of duckdb, spark", "pareto", "{data}", "--engine", "nonsense"),
    ),
    "value": (
        done("value", "{data}", "--rows", "1"),
        invalid(NOT_A_NUMBER, "value", "{bad}"),
        usage(
            "unknown model 'nonsense': choose one of bgnbd, mbgnbd, pareto", "value", "{data}", "--model", "nonsense"
        ),
    ),
    "triage": (
        done("triage", "--json", '{"vip_card": true}'),
        invalid("triage policy ", "triage", "--policy", "{bad}/bad.yaml", "--json", "{}"),
        usage("--json is not valid JSON: ", "triage", "--json", "["),
    ),
    "report": (
        done("report", "{data}", "--out", "{out}/report.html"),
        invalid(NOT_A_NUMBER, "report", "{bad}", "--out", "{out}/report.html"),
        usage("the file must end in .html or .xlsx", "report", "{data}", "--out", "{out}/report.txt"),
    ),
    "import": (
        done("import", "{data}", "--dry-run"),
        invalid(NOT_A_NUMBER, "import", "{bad}"),
        invalid("there is no import 999 (tierwise import list shows them)", "import", "revert", "999"),
        usage("usage: tierwise import revert ID", "import", "revert"),
    ),
    "plan": (
        done("plan", "--month", "2026-01"),
        invalid(CANNOT_OPEN, "plan", "--month", "2026-01", store=NO_STORE),
        usage("not a month: 2026-13", "plan", "--month", "2026-13"),
    ),
    "alerts": (
        done("alerts"),
        invalid(CANNOT_OPEN, "alerts", store=NO_STORE),
        usage("Invalid value for '--kind'", "alerts", "--kind", "nonsense"),
    ),
    "churn": (
        done("churn", "{data}"),
        invalid(NOT_A_NUMBER, "churn", "{bad}"),
        usage("Invalid value for '--multiple'", "churn", "{data}", "--multiple", "-1"),
    ),
    "prospects": (
        done("prospects"),
        invalid(CANNOT_OPEN, "prospects", store=NO_STORE),
        usage("Invalid value for '--by'", "prospects", "--by", "nonsense"),
    ),
    "analyses": (
        done("analyses", "--by", "owner"),
        done("analyses", "--promotion", "spring:2025-01-20:2025-02-10"),
        invalid(CANNOT_OPEN, "analyses", store=NO_STORE),
        usage("Invalid value for '--by'", "analyses", "--by", "nonsense"),
    ),
    "serve": (
        done("serve", "--help"),  # serving runs until stopped: tests/cli/test_serve_cli.py starts it
        usage("Invalid value for '--port'", "serve", "--port", "70000"),
    ),
    "db upgrade": (
        done("db", "upgrade"),
        invalid(CANNOT_OPEN, "db", "upgrade", store=NO_STORE),
        usage("No such option: --nonsense", "db", "upgrade", "--nonsense"),
    ),
    "card show": (
        done("card", "show", "C000001"),
        invalid("unknown customer NOPE: import it (tierwise import)", "card", "show", "NOPE"),
        usage(MISSING, "card", "show"),
    ),
    "visit add": (
        done("visit", "add", "C000001", "--content", "first meeting", "--as", "wang"),
        invalid("no customer 'NOPE'", "visit", "add", "NOPE", "--as", "wang"),
        usage("Invalid value for '--date'", "visit", "add", "C000001", "--date", "2024-13-01", "--as", "wang"),
    ),
    "complaint add": (
        done("complaint", "add", "C000001", "--description", "late delivery", "--as", "wang"),
        invalid("no customer 'NOPE'", "complaint", "add", "NOPE", "--description", "late", "--as", "wang"),
        usage("Missing option '--description'", "complaint", "add", "C000001", "--as", "wang"),
    ),
    "complaint status": (
        done("complaint", "status", "CP00000001", "closed", "--as", "wang"),
        invalid(
            "unknown complaint status 'nonsense'; statuses: open, in_progress, resolved, closed",
            "complaint",
            "status",
            "CP00000001",
            "nonsense",
            "--as",
            "wang",
        ),  # fmt: skip
        usage(MISSING, "complaint", "status", "CP00000001"),
    ),
    "survey add": (
        done("survey", "add", "C000001", "--csat", "4", "--nps", "9", "--as", "wang"),
        invalid(
            "csat must be a whole number from 1 to 5, not 9", "survey", "add", "C000001", "--csat", "9", "--as", "wang"
        ),
        usage("Invalid value for '--date'", "survey", "add", "C000001", "--date", "yesterday", "--as", "wang"),
    ),
    "surveys summary": (
        done("surveys", "summary"),
        invalid(CANNOT_OPEN, "surveys", "summary", store=NO_STORE),
        usage("Invalid value for '--by'", "surveys", "summary", "--by", "nonsense"),
    ),
    "key-account nominate": (
        done("key-account", "nominate", "C000001", "--reason", "new plant", "--as", "wang"),
        done("key-account", "nominate", "C000002", "--reason", "tender won", "--as", "wang"),
        invalid("no customer 'NOPE'", "key-account", "nominate", "NOPE", "--reason", "x", "--as", "wang"),
        usage("Missing option '--reason'", "key-account", "nominate", "C000001", "--as", "wang"),
    ),
    "key-account evaluate": (
        done("key-account", "evaluate", "C000001", "--as", "wang"),
        done("key-account", "evaluate", "C000002", "--as", "wang"),  # to be rejected below
        invalid(
            "customer C000003 has no key-account record (nominate it first)",
            "key-account",
            "evaluate",
            "C000003",
            "--as",
            "wang",
        ),  # fmt: skip
        usage(MISSING, "key-account", "evaluate"),
    ),
    "key-account approve": (
        invalid(
            "wang (account_manager) may not approve a key account",
            "key-account",
            "approve",
            "C000001",
            "--comment",
            "ok",
            "--as",
            "wang",
        ),  # fmt: skip
        done("key-account", "approve", "C000001", "--comment", "strategic", "--as", "zhao"),
        usage(MISSING, "key-account", "approve"),
    ),
    "key-account reject": (
        done("key-account", "reject", "C000002", "--comment", "too small", "--as", "zhao"),
        invalid(
            "customer C000003 has no key-account record",
            "key-account",
            "reject",
            "C000003",
            "--comment",
            "no",
            "--as",
            "zhao",
        ),  # fmt: skip
        usage(MISSING, "key-account", "reject"),
    ),
    "key-account assign": (
        done("key-account", "assign", "C000001", "--owner", "wang", "--team", "east", "--as", "zhao"),
        invalid(
            "customer C000003 has no key-account record",
            "key-account",
            "assign",
            "C000003",
            "--owner",
            "wang",
            "--team",
            "east",
            "--as",
            "zhao",
        ),  # fmt: skip
        usage("Missing option '--owner'", "key-account", "assign", "C000001", "--team", "east", "--as", "zhao"),
    ),
    "key-account review": (
        done("key-account", "review", "C000001", "--comment", "on track", "--as", "zhao"),
        invalid(
            "customer C000003 has no key-account record",
            "key-account",
            "review",
            "C000003",
            "--comment",
            "x",
            "--as",
            "zhao",
        ),  # fmt: skip
        usage(MISSING, "key-account", "review"),
    ),
    "key-account from-run": (
        done("key-account", "from-run", "1", "--as", "zhao"),
        invalid("no saved run 999 (tierwise runs list shows them)", "key-account", "from-run", "999", "--as", "zhao"),
        usage("Invalid value for 'run'", "key-account", "from-run", "first", "--as", "zhao"),
    ),
    "key-account list": (
        done("key-account", "list"),
        invalid(CANNOT_OPEN, "key-account", "list", store=NO_STORE),
        usage("Invalid value for '--status'", "key-account", "list", "--status", "nonsense"),
    ),
    "key-account review-list": (
        done("key-account", "review-list"),
        invalid(CANNOT_OPEN, "key-account", "review-list", store=NO_STORE),
        usage("No such option: --nonsense", "key-account", "review-list", "--nonsense"),
    ),
    "contact add": (
        done("contact", "add", "C000001", "张伟", "--role", "decision maker", "--as", "wang"),
        invalid(
            "purchase role 'nonsense' is not one of decision_maker, influencer",
            "contact",
            "add",
            "C000001",
            "李娜",
            "--role",
            "nonsense",
            "--as",
            "wang",
        ),  # fmt: skip
        usage(MISSING, "contact", "add", "C000001", "--as", "wang"),
    ),
    "contact update": (
        done("contact", "update", "1", "--attitude", "supporter", "--as", "wang"),
        invalid("unknown contact 999", "contact", "update", "999", "--attitude", "supporter", "--as", "wang"),
        usage("Invalid value for 'contact'", "contact", "update", "first", "--as", "wang"),
    ),
    "contact coverage": (
        done("contact", "coverage", "C000001"),
        invalid("unknown customer NOPE", "contact", "coverage", "NOPE"),
        usage("Invalid value for '--days'", "contact", "coverage", "C000001", "--days", "many"),
    ),
    "cost review": (
        done("cost", "review", "{data}", "--as-of", "2025-12-31"),
        invalid(NOT_A_NUMBER, "cost", "review", "{bad}"),
        usage("Invalid value for '--periods'", "cost", "review", "{data}", "--periods", "many"),
    ),
    "cost decide": (
        done("cost", "decide", "C000012", "exit", "--comment", "no margin", "--as-of", "2025-12-31", "--as", "zhao"),
        invalid(
            "customer C000001 is not on the cost-to-serve review list",
            "cost",
            "decide",
            "C000001",
            "keep",
            "--as-of",
            "2025-12-31",
            "--as",
            "zhao",
        ),  # fmt: skip
        usage("'drop' is not one of 'reduce_service_level'", "cost", "decide", "C000012", "drop", "--as", "zhao"),
    ),
    "runs list": (
        done("runs", "list"),
        invalid(CANNOT_OPEN, "runs", "list", store=NO_STORE),
        usage("No such option: --nonsense", "runs", "list", "--nonsense"),
    ),
    "runs show": (
        done("runs", "show", "1", "--rows", "2"),
        invalid("no saved run 999", "runs", "show", "999"),
        usage("Invalid value for 'run_id'", "runs", "show", "first"),
    ),
    "runs history": (
        done("runs", "history", "C000001"),
        invalid(CANNOT_OPEN, "runs", "history", "C000001", store=NO_STORE),
        usage("Invalid value for '--as-of'", "runs", "history", "C000001", "--as-of", "2024-13-01"),
    ),
    "runs diff": (
        done("runs", "diff", "1", "2"),
        invalid("no saved run 999", "runs", "diff", "1", "999"),
        usage(MISSING, "runs", "diff", "1"),
    ),
    "user create": (
        done("user", "create", "zhou", "--role", "account_manager", "--team", "east"),
        invalid("user 'zhou' exists already", "user", "create", "zhou", "--role", "account_manager"),
        usage("unknown role 'boss'", "user", "create", "qian", "--role", "boss"),
    ),
    "user list": (
        done("user", "list"),
        invalid(CANNOT_OPEN, "user", "list", store=NO_STORE),
        usage("No such option: --nonsense", "user", "list", "--nonsense"),
    ),
    "user set-role": (
        done("user", "set-role", "wang", "manager"),
        invalid("no user 'nobody'", "user", "set-role", "nobody", "manager"),
        usage("unknown role 'boss'", "user", "set-role", "wang", "boss"),
    ),
    "user lock": (
        done("user", "lock", "zhao"),
        invalid("no user 'nobody'", "user", "lock", "nobody"),
        usage(MISSING, "user", "lock"),
    ),
    "user unlock": (
        done("user", "unlock", "zhao"),
        invalid("no user 'nobody'", "user", "unlock", "nobody"),
        usage(MISSING, "user", "unlock"),
    ),
    "audit verify": (
        done("audit", "verify"),
        invalid(CANNOT_OPEN, "audit", "verify", store=NO_STORE),
        usage("No such option: --nonsense", "audit", "verify", "--nonsense"),
    ),
    "keys rotate": (
        done("keys", "rotate"),
        invalid(CANNOT_OPEN, "keys", "rotate", store=NO_STORE),
        usage("Invalid value for '--batch'", "keys", "rotate", "--batch", "0"),
    ),
    "worker": (
        done("worker", "--help"),
        usage("Invalid value for '--threads'", "worker", "--threads", "0"),
    ),
    "runs up-or-out": (
        done("runs", "up-or-out", "--policy", "key-account"),
        invalid("no saved run 999", "runs", "up-or-out", "--run", "999"),
        usage("No such option: --nonsense", "runs", "up-or-out", "--nonsense"),
    ),
}

# commands that read no data and take no request that could be invalid (exit 1 cannot happen)
NO_INVALID_DATA = {
    "demo": "generates its data",
    "policies": "lists the policies shipped in the package",
    "serve": "serves until stopped; a store it cannot open is refused per request",
    "worker": "runs jobs until stopped; a job it cannot do is marked failed with the reason",
}


def command_names() -> set[str]:
    """Every command a user can run, subcommands by their full name ("key-account approve")."""

    def walk(command, path: tuple[str, ...]):
        if hasattr(command, "commands"):
            for name, sub in command.commands.items():
                yield from walk(sub, (*path, name))
        else:
            yield " ".join(path)

    return set(walk(typer.main.get_group(app), ()))


def test_every_command_has_its_cases() -> None:
    assert sorted(command_names() - set(CASES)) == []  # a new command needs its cases here
    assert sorted(set(CASES) - command_names()) == []
    for name, cases in CASES.items():
        codes = {case.code for case in cases}
        expected = {0, 2} if name in NO_INVALID_DATA else {0, 1, 2}
        assert codes == expected, name


# ---------------------------------------------------------------- running them


@dataclass(frozen=True)
class Outcome:
    """What one case did."""

    case: Case
    code: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 30-customer demo data set, a data set with one bad amount (and an invalid policy file), and a
    store holding the demo data, two users of team east and two saved key-account runs."""
    root = tmp_path_factory.mktemp("exit-codes")
    data, bad, store = root / "data", root / "bad", root / "store.db"
    bad.mkdir()
    (bad / "交易.csv").write_text("客户编号,交易日期,金额\nC1,2024-01-01,12a\n", encoding="utf-8")
    (bad / "bad.yaml").write_text("name: bad\n", encoding="utf-8")
    url = f"sqlite:///{store}"
    for args in (
        ("demo", "--out", str(data), "--customers", "30", "--seed", "1"),
        ("db", "upgrade"),
        ("import", str(data)),
    ):
        subprocess.run([TIERWISE, *args], env=environment(url), capture_output=True, check=True)
    engine = create_store_engine(url)
    with session_factory(engine).begin() as session:
        east = Team(name="east")
        session.add(east)
        session.flush()
        session.add_all([User(name="zhao", role="manager", team_id=east.id),
                         User(name="wang", role="account_manager", team_id=east.id)])  # fmt: skip
        session.execute(update(Customer).values(team="east"))
        # wang's own customers: the account manager's commands (--as wang) act on them (CP00000001 is C000003's)
        wangs = ["C000001", "C000002", "C000003"]
        session.execute(update(Customer).where(Customer.customer_id.in_(wangs)).values(owner="wang"))
    engine.dispose()
    for as_of in ("2025-12-31", "2025-09-30"):  # run 1, then run 2 one quarter earlier
        args = ("classify", url, "--policy", "key-account", "--as-of", as_of, "--save", "--rows", "0")
        subprocess.run([TIERWISE, *args], env=environment(url), capture_output=True, check=True)
    with sqlite3.connect(store) as con:  # everything into the file itself: each group copies only the file
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"root": root, "data": data, "bad": bad, "store": store}


def environment(store: str) -> dict[str, str]:
    """The user's environment without tierwise settings, wide enough that messages are not wrapped."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith("TIERWISE_")}
    # the test run's personal-data key (imports seal with it) and a password for the users made here
    secrets = {
        "TIERWISE_SECRET_KEY": os.environ["TIERWISE_SECRET_KEY"],
        "TIERWISE_NEW_PASSWORD": "a long test pass phrase",
    }
    return kept | secrets | {"TIERWISE_DATABASE_URL": store, "COLUMNS": "250", "NO_COLOR": "1"}


def filled(text: str, places: dict[str, object]) -> str:
    """``text`` with each ``{place}`` replaced by its path."""
    for name, path in places.items():
        text = text.replace(name, str(path))
    return text


def run_group(places: dict[str, Path], group: str) -> dict[str, list[Outcome]]:
    """Run the cases of one command group in order, on its own copy of the store."""
    home = places["root"] / group
    home.mkdir()
    store = home / "store.db"
    shutil.copyfile(places["store"], store)
    outcomes: dict[str, list[Outcome]] = {}
    for name, cases in CASES.items():
        if name.split()[0] != group:
            continue
        for i, case in enumerate(cases):
            out = home / f"{name.replace(' ', '-')}-{i}"
            out.mkdir()
            fill = {"{data}": places["data"], "{bad}": places["bad"], "{out}": out, "{db}": f"sqlite:///{store}"}
            args = [filled(a, fill) for a in case.args]
            ran = subprocess.run(
                [TIERWISE, *args], env=environment(filled(case.store, fill)), capture_output=True, text=True,
                encoding="utf-8", cwd=out, timeout=600,
            )  # fmt: skip
            outcomes.setdefault(name, []).append(Outcome(case, ran.returncode, ran.stdout, ran.stderr))
    return outcomes


@pytest.fixture(scope="module")
def outcomes(places: dict[str, Path]) -> dict[str, list[Outcome]]:
    """Every case's outcome, the command groups run side by side."""
    groups = dict.fromkeys(name.split()[0] for name in CASES)
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = pool.map(lambda group: run_group(places, group), groups)
        return {name: result for part in found for name, result in part.items()}


def flat(text: str) -> str:
    """``text`` with Rich's box drawing and line breaks folded into single spaces."""
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", text).split())


@pytest.mark.parametrize("name", sorted(CASES))
def test_exit_code_and_stderr(outcomes: dict[str, list[Outcome]], name: str) -> None:
    for outcome in outcomes[name]:
        shown = f"tierwise {' '.join(outcome.case.args)} → {outcome.code}\n{outcome.stderr}"
        assert "Traceback" not in outcome.stderr, shown
        assert outcome.code == outcome.case.code, shown
        if outcome.case.code == 0:
            assert not re.search(r"^error:", outcome.stderr, re.MULTILINE), shown
            continue
        assert flat(outcome.case.stderr) in flat(outcome.stderr), shown
        if outcome.case.code == 1:  # tierwise's own errors: one line starting "error:", nothing on stdout
            assert outcome.stderr.startswith("error: "), shown


@pytest.mark.parametrize("name", sorted(CASES))
def test_success_prints_no_python_warning(outcomes: dict[str, list[Outcome]], name: str) -> None:
    for outcome in outcomes[name]:
        if outcome.case.code == 0:
            assert not re.search(r"\w+Warning: ", outcome.stderr), outcome.stderr
