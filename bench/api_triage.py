"""The triage endpoint under load: a fixed number of requests at a fixed concurrency against a real server.

``python -m bench.api_triage --requests 10000 --concurrency 50`` starts ``tierwise serve`` on a free port of
127.0.0.1 (no access log, a throw-away development key), waits for ``/api/v1/health``, sends a warm-up, then
sends the seeded lobby mix of :mod:`bench.triage` as ``POST /api/v1/triage`` over ``concurrency``
keep-alive connections, each request timed from its first byte sent to the last byte of the answer. An
error is any answer that is not 200, a failed connection, a timeout, or a flow that differs from the
in-process decision for the same walk-in. The server is stopped at the end; nothing goes anywhere but
127.0.0.1. It runs once per ``--workers`` value asked for. Results go to ``bench/RESULTS.md`` ("API triage").

The load generator is :mod:`bench.http_load`, a process of its own (uvloop and a bare protocol per
connection, no library client on top): on a machine whose cores the server shares with it, the generator
must cost less than what it measures. Its own CPU time and the server's are reported, so the split is visible.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import numpy as np
import psutil
from fastapi import FastAPI, Request, Response

from bench.results import write_section
from bench.triage import lobby_mix
from tierwise.triage import load_triage_policy, triage

HOST = "127.0.0.1"
PATH = "/api/v1/triage"
START_TIMEOUT = 120.0  # seconds for a server to answer its health check (imports are slow on a loaded host)


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def peer_app():
    """The peer: a bare FastAPI app that reads the body and answers a fixed decision (no validation, no
    rules) — what the framework and server cost alone, measured in the same run under the same load."""
    app = FastAPI()
    answer = json.dumps({"flow": "ordinary", "label": "ordinary customer", "reasons": [], "next_step_code": "x"})

    @app.post(PATH)
    async def decide(request: Request) -> Response:
        await request.body()
        return Response(answer, media_type="application/json")

    @app.get("/api/v1/health")
    async def health() -> dict:
        return {"status": "ok"}

    return app


def lobby_store(folder: str) -> tuple[str, str]:
    """A SQLite store in ``folder`` with a lobby user (triage needs a signed-in role): its URL and a token."""
    from tierwise.config import Settings
    from tierwise.security.permissions import Actor
    from tierwise.services.auth import issue_access_token
    from tierwise.services.context import ServiceContext
    from tierwise.services.store_access import on_store
    from tierwise.services.users import create_user

    url = f"sqlite:///{folder}/store.db"
    with on_store(ServiceContext.system(Settings(dev=True)), url) as ctx:
        create_user(ctx, "lobby", role="lobby", password=secrets.token_urlsafe(24))
        token = issue_access_token(ctx.with_actor(Actor("lobby", "lobby")), "bench").token
    return url, token


def start_server(port: int, workers: int, peer: bool = False, store: str | None = None) -> subprocess.Popen:
    """``tierwise serve`` on the store at ``store`` (or the peer app under uvicorn) on ``port``, answering once
    ``/api/v1/health`` does."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERWISE_")} | {"TIERWISE_DEV": "1"}
    if store is not None:
        env["TIERWISE_DATABASE_URL"] = store
    if peer:
        command = [sys.executable, "-m", "uvicorn", "bench.api_triage:peer_app", "--factory"]
    else:
        command = [sys.executable, "-c", "from tierwise.cli import main; main()", "serve"]
    args = ["--host", HOST, "--port", str(port), "--workers", str(workers), "--no-access-log"]
    server = subprocess.Popen([*command, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/api/v1/health", timeout=1):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError(f"the server did not answer within {START_TIMEOUT:.0f} s")


def request_bytes(port: int, body: bytes, token: str) -> bytes:
    """One keep-alive POST of ``body`` to the triage route, signed in with ``token``."""
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("ascii") + body


def load(port: int, requests: list[bytes], concurrency: int, folder: str) -> dict:
    """Send ``requests`` from a load-generator process of its own (:mod:`bench.http_load`): latencies (ns),
    answers, and the generator's CPU seconds."""
    source, target = os.path.join(folder, "requests.pickle"), os.path.join(folder, "answers.pickle")
    with open(source, "wb") as f:
        pickle.dump(requests, f)
    command = [sys.executable, "-m", "bench.http_load", str(port), str(concurrency), source, target]
    subprocess.run(command, check=True, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(target, "rb") as f:
        result = pickle.load(f)
    result["took"] = np.asarray(result["took"], dtype=np.int64)
    return result


def cpu_seconds(process: psutil.Process) -> float:
    """CPU seconds of a process and its children (the workers)."""
    total = 0.0
    for p in [process, *process.children(recursive=True)]:
        try:
            times = p.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def run(workers: int, n: int, concurrency: int, bodies: list[bytes], expected: list[str], peer: bool = False) -> dict:
    """One load run against a fresh server with ``workers`` processes: the figures of its table row."""
    port = free_port()
    folder = tempfile.mkdtemp(prefix="tierwise-bench-")
    store, token = lobby_store(folder)
    server = start_server(port, workers, peer, None if peer else store)
    try:
        requests = [request_bytes(port, body, token) for body in bodies]
        load(port, requests[:500], concurrency, folder)  # warm-up: imports, caches, connections
        watched = psutil.Process(server.pid)
        server_cpu = cpu_seconds(watched)
        result = load(port, requests[:n], concurrency, folder)
        server_cpu = cpu_seconds(watched) - server_cpu  # the generator's start-up costs the server nothing
        took, answers, wall, own_cpu = result["took"], result["answers"], result["wall"], result["cpu"]
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    errors = sum(
        answer is None or answer[0] != 200 or (not peer and json.loads(answer[1])["flow"] != flow)
        for answer, flow in zip(answers, expected[:n])
    )
    ms = took / 1e6
    return {
        "server": "bare FastAPI (peer)" if peer else "`tierwise serve`",
        "workers": workers,
        "errors": errors,
        "p50": np.percentile(ms, 50),
        "p90": np.percentile(ms, 90),
        "p99": np.percentile(ms, 99),
        "max": ms.max(),
        "rps": n / wall,
        "server_cpu_us": server_cpu / n * 1e6,
        "client_cpu_us": own_cpu / n * 1e6,
    }


def main() -> None:
    """Run the load test for each worker count and write its section of RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=float, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    n = int(args.requests)
    walk_ins = lobby_mix(n)
    policy = load_triage_policy("bank-lobby")
    expected = [triage(w, policy).flow for w in walk_ins]
    bodies = [json.dumps(w).encode() for w in walk_ins]
    load_before = os.getloadavg()[0]
    rows = [run(w, n, args.concurrency, bodies, expected) for w in args.workers]
    peer = run(1, n, args.concurrency, bodies, expected, peer=True)
    load_after = os.getloadavg()[0]

    table = "\n".join(
        f"| {r['server']} | {r['workers']} | {r['errors']} | {r['p50']:.1f} | {r['p90']:.1f} | {r['p99']:.1f} "
        f"| {r['max']:.1f} | {r['rps']:,.0f} | {r['server_cpu_us']:.0f} | {r['client_cpu_us']:.0f} |"
        for r in [*rows, peer]
    )
    best = min(rows, key=lambda r: r["p99"])
    one = next(r for r in rows if r["workers"] == 1) if 1 in args.workers else rows[0]
    body = f"""
`python -m bench.api_triage --requests {n:.0e} --concurrency {args.concurrency}` — {platform.machine()},
Python {platform.python_version()}, {os.cpu_count()} cores (1-minute load average {load_before:.1f} before,
{load_after:.1f} after). `tierwise serve` on 127.0.0.1 (uvicorn with uvloop and httptools, no access log);
{n:,} `POST /api/v1/triage` of the seeded lobby mix of `bench.triage` over {args.concurrency} keep-alive
connections after 500 warm-up requests, sent by `bench.http_load` (a process of its own: uvloop and a bare
protocol per connection). Latency is from the request's first byte sent to the answer's last
byte received, so it includes the wait in the server's queue: at {args.concurrency} requests in flight,
latency ≈ {args.concurrency} ÷ throughput. An error is a non-200 answer, a failed or timed-out request,
or a flow that differs from the in-process decision.

| server | workers | errors | p50 ms | p90 ms | p99 ms | max ms | requests/s | server CPU µs/req | load CPU µs/req |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
{table}

The target is 0 errors and p99 < 20 ms: {"met" if best["errors"] == 0 and best["p99"] < 20 else "not met"}
(best p99 {best["p99"]:.1f} ms with {best["workers"]} worker(s)). The load generator runs on the same cores
as the server; its CPU column (load) is the share of the machine it takes from the server. The peer row is a bare
FastAPI route that reads the body and answers a fixed decision, served by the same uvicorn in the same run:
a triage request costs {one["server_cpu_us"] / peer["server_cpu_us"]:.2f}× its server CPU
({one["server_cpu_us"] - peer["server_cpu_us"]:.0f} µs more: the sign-in read of the token and its user, strict
validation of the walk-in, the rules and the reasons in the language asked), its p99 is
{one["p99"] / peer["p99"]:.2f}× the peer's and its throughput {one["rps"] / peer["rps"]:.2f}× the peer's with one
worker.
On a loaded host the latency columns follow the load average; the CPU ratio to the peer much less so.
"""
    write_section("API triage", body)
    print(body)


if __name__ == "__main__":
    main()
