"""The slowest cases of bench/customer_list.py as service calls in this process, beside a peer call.

Each call is timed in wall and CPU seconds of this process (PostgreSQL's own work shows in the wall time
only), after one warm-up call, with the parameters of the HTTP cases (a seeded generator); the peer is the
first page of every customer by id (``list_customers`` with no filter), measured in the same loop, so a
busy machine slows both and their ratio stays comparable.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from bench.customer_store import INDUSTRIES, REGIONS, USERS, BenchStore, owner_name
from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.services.context import ServiceContext
from tierwise.services.customer_card import customer_card
from tierwise.services.customer_list import list_customers
from tierwise.services.dashboard import dashboard
from tierwise.store.db import create_store_engine, session_factory


def _actor(name: str) -> Actor:
    role, team = USERS[name]
    return Actor(name, role, frozenset({team}) if team and role == "manager" else frozenset())  # type: ignore[arg-type]


def calls(store: BenchStore) -> tuple[dict[str, Callable[[np.random.Generator], object]], Callable[[], object], object]:
    """The cases as calls of a generator, the peer call, and the engine to dispose of afterwards."""
    engine = create_store_engine(store.url)
    base = ServiceContext.system(
        Settings(database_url=store.url, secret_key=store.secret_key), sessions=session_factory(engine)
    )
    analyst, manager = base.with_actor(_actor("analyst")), base.with_actor(_actor("mgr01"))
    n = store.customers

    def pick(rng: np.random.Generator, values: list[str]) -> str:
        return values[int(rng.integers(0, len(values)))]

    cases: dict[str, Callable[[np.random.Generator], object]] = {
        "api list: industry + kind, by name descending": lambda rng: list_customers(
            analyst, industry=pick(rng, INDUSTRIES), kind="company", sort="name", descending=True
        ),
        "api list: manager: team, region, by name": lambda rng: list_customers(
            manager, region=pick(rng, REGIONS), sort="name"
        ),
        "api list: owner + class, by rank": lambda rng: list_customers(
            analyst, owner=owner_name(int(rng.integers(0, 200))), policy="china-post", class_="vip", sort="rank"
        ),
        "api card: card": lambda rng: customer_card(analyst, f"C{int(rng.integers(0, n)):07d}"),
        "dashboard: manager (team)": lambda rng: dashboard(manager),
    }
    return cases, lambda: list_customers(analyst), engine


def measure_calls(store: BenchStore, repeats: int) -> list[dict]:
    """p50 and p95 wall ms, p50 CPU ms of each case and of the peer call before each, and their ratio."""
    cases, peer, engine = calls(store)
    rows = []
    try:
        for label, call in cases.items():
            rng = np.random.default_rng(7)
            call(rng)
            peer()
            wall, cpu, peer_wall = [], [], []
            for _ in range(repeats):
                start = time.perf_counter()
                peer()
                peer_wall.append((time.perf_counter() - start) * 1000)
                start, started_cpu = time.perf_counter(), time.process_time()
                call(rng)
                wall.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            p50, peer50 = float(np.percentile(wall, 50)), float(np.percentile(peer_wall, 50))
            rows.append(
                {
                    "label": label,
                    "p50": p50,
                    "p95": float(np.percentile(wall, 95)),
                    "cpu": float(np.percentile(cpu, 50)),
                    "peer": peer50,
                    "ratio": p50 / peer50 if peer50 else float("nan"),
                }
            )
    finally:
        engine.dispose()  # type: ignore[attr-defined]
    return rows


def calls_table(results: dict[str, list[dict]]) -> str:
    """The Markdown table of :func:`measure_calls` per database."""
    lines = [
        "| database | call | wall p50 ms | wall p95 ms | CPU p50 ms | peer p50 ms | ratio to peer |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for db, rows in results.items():
        for r in rows:
            lines.append(
                f"| {db} | {r['label']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['cpu']:.1f} | {r['peer']:.1f} "
                f"| {r['ratio']:.1f} |"
            )
    return "\n".join(lines)
