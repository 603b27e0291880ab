"""The customer list, the customer card and the dashboard at a million customers, on SQLite and PostgreSQL.

``python -m bench.customer_list --customers 1e6`` builds (once, cached under ``bench/data/customer_list/``
or in the database ``tierwise_bench_customers``) the store of :mod:`bench.customer_store`, starts ``tierwise
serve`` on it (127.0.0.1, one worker, no access log, the store's own key), signs in an analyst (sees every
customer), a manager (team01) and an account manager (am001), and sends each case's requests one at a time
over a keep-alive connection, parameters drawn from a seeded generator (another region, class, page or
customer each time). Latency is from the request's first byte sent to the answer's last byte received, on
127.0.0.1: the server's time plus a loopback round trip. Each answer must be 200; each list answer's
total is checked against a COUNT the bench runs itself on the same store. The server is stopped at the
end. Results go to ``bench/RESULTS.md`` ("Customer list at a million customers").
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sqlalchemy import create_engine, text

from bench.customer_calls import calls_table, measure_calls
from bench.customer_store import DATA, INDUSTRIES, REGIONS, BenchStore, built_store, owner_name
from bench.results import write_section
from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.services.auth import issue_access_token, login
from tierwise.services.context import ServiceContext
from tierwise.store.db import create_store_engine, session_factory, store_url

HOST = "127.0.0.1"
POSTGRES = os.environ.get("TIERWISE_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
BENCH_DB = "tierwise_bench_customers"
CLASSES = ("diamond", "platinum", "gold", "vip", "standard")
TARGETS = {"api list": 100.0, "web list": 150.0, "api card": 50.0, "web card": 50.0, "dashboard": 300.0}


@dataclass(frozen=True)
class Case:
    """One kind of request: its group (which target applies), a label, who asks, and the path of request i."""

    group: str
    label: str
    user: str
    path: Callable[[np.random.Generator], str]
    count: str | None = None  # the SQL whose COUNT the list's total must equal (``:x`` from the path's query)


def _q(**params: object) -> str:
    return urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})


def _pick(rng: np.random.Generator, values: tuple[str, ...] | list[str]) -> str:
    return values[int(rng.integers(0, len(values)))]


def cases(n: int) -> list[Case]:
    """The requests measured: list filters × sorts × roles, search, card, dashboard, API and web pages."""
    api, run = "/api/v1/customers", "(SELECT max(id) FROM runs)"
    joined = f"JOIN assignments a ON a.customer_id = c.customer_id AND a.run_id = {run}"
    cid = lambda rng: f"C{int(rng.integers(0, n)):07d}"  # noqa: E731
    return [
        Case("api list", "all, by id", "analyst", lambda rng: f"{api}?{_q(offset=int(rng.integers(0, 200)) * 50)}",
             "SELECT count(*) FROM customers"),
        Case("api list", "region, by name", "analyst",
             lambda rng: f"{api}?{_q(region=_pick(rng, REGIONS), sort='name')}",
             "SELECT count(*) FROM customers WHERE region = :region"),
        Case("api list", "class (china-post), by rank", "analyst",
             lambda rng: f"{api}?{_q(policy='china-post', **{'class': _pick(rng, CLASSES)}, sort='rank')}",
             f"SELECT count(*) FROM assignments WHERE run_id = {run} AND class = :class"),
        Case("api list", "industry + kind, by name descending", "analyst",
             lambda rng: f"{api}?{_q(industry=_pick(rng, INDUSTRIES), kind='company', sort='name', descending='true')}",
             "SELECT count(*) FROM customers WHERE industry = :industry AND kind = :kind"),
        Case("api list", "owner + class, by rank", "analyst",
             lambda rng: f"{api}?{_q(owner=owner_name(int(rng.integers(0, 200))), policy='china-post', **{'class': 'vip'}, sort='rank')}",  # noqa: E501
             f"SELECT count(*) FROM customers c {joined} "
             "WHERE c.owner = :owner AND a.class = :class"),
        Case("api list", "all, by class", "analyst", lambda rng: f"{api}?{_q(policy='china-post', sort='class')}",
             "SELECT count(*) FROM customers"),
        Case("api list", "search a name part", "analyst",
             lambda rng: f"{api}?{_q(q=_pick(rng, REGIONS) + _pick(rng, ['宏', '恒', '华']))}", None),
        Case("api list", "search an id", "analyst", lambda rng: f"{api}?{_q(q=cid(rng)[:-2])}", None),
        Case("api list", "account manager: own, by name", "am001", lambda rng: f"{api}?{_q(sort='name')}",
             "SELECT count(*) FROM customers WHERE owner = 'am001'"),
        Case("api list", "account manager: class, by rank", "am001",
             lambda rng: f"{api}?{_q(policy='china-post', **{'class': _pick(rng, CLASSES)}, sort='rank')}",
             f"SELECT count(*) FROM customers c {joined} "
             "WHERE c.owner = 'am001' AND a.class = :class"),
        Case("api list", "manager: team, region, by name", "mgr01",
             lambda rng: f"{api}?{_q(region=_pick(rng, REGIONS), sort='name')}",
             "SELECT count(*) FROM customers WHERE team = 'team01' AND region = :region"),
        Case("api card", "card", "analyst", lambda rng: f"{api}/{cid(rng)}"),
        Case("web list", "page: all (first policy), by id", "analyst",
             lambda rng: f"/customers?{_q(page=int(rng.integers(1, 200)))}"),
        Case("web list", "page: region + class, by name", "analyst",
             lambda rng: f"/customers?{_q(region=_pick(rng, REGIONS), policy='china-post', **{'class': _pick(rng, CLASSES)}, sort='name')}"),  # noqa: E501
        Case("web list", "page: search a name part", "analyst",
             lambda rng: f"/customers?{_q(q=_pick(rng, REGIONS) + '恒')}"),
        Case("web list", "page: account manager", "am001", lambda rng: f"/customers?{_q(sort='name')}"),
        Case("web card", "card page", "analyst", lambda rng: f"/customers/{cid(rng)}"),
        Case("dashboard", "dashboard: analyst (all)", "analyst", lambda rng: "/"),
        Case("dashboard", "dashboard: manager (team)", "mgr01", lambda rng: "/"),
        Case("dashboard", "dashboard: account manager", "am001", lambda rng: "/"),
    ]  # fmt: skip


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def sign_in(store: BenchStore) -> dict[str, dict[str, str]]:
    """The request headers of each bench user: a bearer token for the API, the session cookie for pages."""
    engine = create_store_engine(store.url)
    ctx = ServiceContext.system(
        Settings(database_url=store.url, secret_key=store.secret_key), sessions=session_factory(engine), ip=HOST
    )
    out = {}
    for name, role in (("analyst", "analyst"), ("mgr01", "manager"), ("am001", "account_manager")):
        token = issue_access_token(ctx.with_actor(Actor(name, role)), "bench", days=1).token  # type: ignore[arg-type]
        session = login(ctx, name, store.password)
        out[name] = {"Authorization": f"Bearer {token}", "Cookie": f"tierwise_session={session.session_id}"}
    engine.dispose()
    return out


def start_server(store: BenchStore, port: int) -> subprocess.Popen:
    """``tierwise serve`` on ``store`` (one worker), answering once ``/api/v1/health`` does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERWISE_")}
    env |= {"TIERWISE_DATABASE_URL": store.url, "TIERWISE_SECRET_KEY": store.secret_key}
    command = [sys.executable, "-c", "from tierwise.cli import main; main()", "serve"]
    args = ["--host", HOST, "--port", str(port), "--workers", "1", "--no-access-log"]
    server = subprocess.Popen([*command, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/v1/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the server did not answer within 60 s")


def expected_total(engine, sql: str, path: str) -> int:  # type: ignore[no-untyped-def]
    """The COUNT the bench computes itself for the list at ``path``."""
    params = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(path).query))
    with engine.connect() as con:
        names = [k for k in params if f":{k}" in sql]
        return con.execute(text(sql), {k: params[k] for k in names}).scalar_one()


def measure(port: int, headers: dict[str, dict[str, str]], case: Case, requests: int, engine, budget: float) -> dict:  # type: ignore[no-untyped-def]
    """Send ``requests`` requests of ``case`` one after the other (fewer when they take more than ``budget``
    seconds in all: a case far over its target needs no more samples): latencies (ms), errors, totals."""
    rng = np.random.default_rng(7)
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    took, errors, answered = [], 0, []
    began = time.perf_counter()
    for i in range(requests + 1):  # the first warms this case's pages and statements; not counted
        if i > 1 and time.perf_counter() - began > budget:
            break
        path = case.path(rng)
        start = time.perf_counter()
        connection.request("GET", path, headers=headers[case.user] | {"Accept-Language": "zh-CN"})
        answer = connection.getresponse()
        body = answer.read()
        elapsed = (time.perf_counter() - start) * 1000
        if i < 1:
            continue
        took.append(elapsed)
        if answer.status != 200:
            errors += 1
        elif case.count is not None and case.group == "api list" and len(answered) < 5:
            answered.append((path, json.loads(body)["total"]))
    connection.close()
    # checked after the timing, so that the bench's own counts hold no connection idle or the server busy
    wrong = sum(total != expected_total(engine, case.count, path) for path, total in answered if case.count)
    checked = len(answered)
    ms = np.array(took)
    return {
        "case": case,
        "p50": float(np.percentile(ms, 50)),
        "p95": float(np.percentile(ms, 95)),
        "max": float(ms.max()),
        "errors": errors,
        "wrong": wrong,
        "checked": checked,
        "timed": len(took),
    }


def postgres_url() -> str:
    """The bench database's URL on the PostgreSQL of ``TIERWISE_BENCH_POSTGRES``."""
    return store_url(POSTGRES).set(database=BENCH_DB).render_as_string(hide_password=False)


def run_database(url: str, n: int, requests: int, budget: float) -> tuple[list[dict], float, list[dict]]:
    """Every case against a server on the store at ``url``: the rows of its table, the build seconds, and
    the slowest cases as service calls in this process once the server has stopped."""
    start = time.perf_counter()
    store = built_store(url, n)
    built = time.perf_counter() - start
    headers = sign_in(store)
    engine = create_engine(store_url(url))
    port = free_port()
    server = start_server(store, port)
    try:
        rows = []
        for case in cases(n):
            rows.append(measure(port, headers, case, requests, engine, budget))
            print(f"{url.split(':')[0]} {case.label}: p95 {rows[-1]['p95']:.1f} ms", file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
        engine.dispose()
    return rows, built, measure_calls(store, 10)


def main() -> None:
    """Measure on each database asked for and write the section of RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=float, default=1e6)
    parser.add_argument("--requests", type=int, default=40, help="requests per case (after 2 warm-up requests)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--case-budget", type=float, default=60.0, help="seconds a case may take in all")
    args = parser.parse_args()
    n = int(args.customers)
    urls = {"sqlite": f"sqlite:///{DATA / f'store-{n}.db'}", "postgresql": postgres_url()}
    load_before = os.getloadavg()[0]
    results = {db: run_database(urls[db], n, args.requests, args.case_budget) for db in args.databases}
    load_after = os.getloadavg()[0]
    print(report(n, args, results, load_before, load_after))


def report(n: int, args: argparse.Namespace, results: dict, load_before: float, load_after: float) -> str:
    """Write the section and return it."""
    lines, verdicts = [], []
    for db, (rows, _, _) in results.items():
        for r in rows:
            c = r["case"]
            target = TARGETS[c.group]
            ok = r["p95"] < target and r["errors"] == 0 and r["wrong"] == 0
            verdicts.append(ok)
            total = f"{r['checked'] - r['wrong']}/{r['checked']}" if r["checked"] else "–"
            lines.append(
                f"| {db} | {c.group} | {c.label} | {r['timed']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} "
                f"| {target:.0f} "
                f"| {'met' if ok else 'not met'} | {r['errors']} | {total} |"
            )
    builds = ", ".join(f"{db} {built:.0f} s" for db, (_, built, _) in results.items())
    in_process = calls_table({db: called for db, (_, _, called) in results.items()})
    body = f"""
`python -m bench.customer_list --customers {n:.0e} --requests {args.requests}` — {platform.machine()},
Python {platform.python_version()}, {os.cpu_count()} cores shared with other work (1-minute load average
{load_before:.1f} before, {load_after:.1f} after). A store of {n:,} customers (`bench/customer_store.py`:
bulk-loaded, personal data sealed, two saved china-post runs over every customer with their summaries),
`tierwise serve` with one worker; up to {args.requests} requests per case (fewer when a case has taken
{args.case_budget:.0f} s: "requests" says how many), one at a time, each with other parameters (region,
class, page, customer) from a seeded generator, after 1 warm-up request. Times in ms
from the first byte sent to the last byte received on 127.0.0.1. "Totals" is how many list answers'
`total` equal a COUNT the bench ran itself (the first 5 of a case). Store built or checked in: {builds}.

| database | target | case | requests | p50 ms | p95 ms | max ms | p95 target ms | | errors | totals exact |
|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|
{chr(10).join(lines)}

{sum(verdicts)} of {len(verdicts)} cases meet their target.

What the cases walk: `customers` primary key (all, by id), `(region | industry | kind | owner | team, name,
customer_id)` (a filter sorted by name, migration 0012), `(owner)` / `(team)` (an account manager's or a
manager's customers), `(region | industry | kind, customer_id)` and `(name, customer_id)` (migration 0006);
a class sorted by rank or everyone sorted by class walk `assignments (run_id, class, rank | customer_id)` or
`(run_id, rank)` in order (the customers without a value after them, by id). Migration 0014: the search on
a part of a name or an id asks a trigram index (SQLite FTS5 `customer_search`, kept by triggers;
PostgreSQL `pg_trgm` GIN on `name` and `customer_id`) and keeps its own comparison; the total over
everyone is `customer_changes.customers` (kept by triggers), a class's total over everyone the count
saved with the run (`run_class_counts`, read while no customer was added, removed or moved since);
a manager's and an account manager's dashboard curves are drawn when the run is saved
(`run_scope_curves`, same rule); the filter choices walk each column's index (a recursive query).

Migration 0016 and the services (a filtered total is still an exact COUNT unless a saved count says so):
industry + kind is counted in `customers (industry, kind, name, customer_id)` alone and its page walks that
index backwards (it counted 35,000 rows read one by one through `(industry)`); a manager's region is
`owner IN (…) OR team IN (…)` and a region: each side is one range of `(owner | team, region, name,
customer_id)` for both the count and the page (it read the team's 50,000 rows); an owner's class (an
analyst's owner filter, or an account manager's own list) is counted from `run_owner_class_counts`, saved
with the run per owner and class and read under the same rule as `run_class_counts` (else the join is
counted as before), and its page takes the ids first from `customers (owner, …)` and `assignments (run_id,
customer_id, class, rank)` alone, then reads the 50 rows (it read every one of the owner's customers and
assignments before the sort, and PostgreSQL walked the class's ranks, 18,000 rows, for 50 of one owner);
the dashboard's complaints and NPS look up each complaint's or answer's customer by its key (an `EXISTS`)
instead of joining the viewer's customers, where SQLite started from the manager's 50,000 customers and
probed their complaints, and the page dates its migration chart from the runs the dashboard already read
(it asked for the previous run, which counted the manager's customers in it: a join of 50,000); the card's
CLV facts use the request's pooled connection (on PostgreSQL each card opened a new connection and checked
the store's migration). With a load average above the 2 cores every case is slower in wall time alike:
compare the CPU column and the ratios to the peer below.

The slowest cases as service calls in this process after the server stopped (10 calls each, CPU of this
process: PostgreSQL's own work shows in the wall time only; peer: the first page of every customer by id,
called before each call, so that a busy machine slows both; 1-minute load average {load_after:.1f} at the end):

{in_process}
"""
    write_section("Customer list at a million customers", body)
    return body


if __name__ == "__main__":
    main()
