"""Walk-in triage decision time: one decision in-process (p50/p99 over many), and a batch of the same walk-ins.

``python -m bench.triage --walk-ins 100000`` draws a seeded lobby mix of walk-ins (VIP cards, enquiries,
every business, amounts around every bound of the bank-lobby policy, some unknown amounts), times
:func:`tierwise.triage.triage` on each one — strict validation of the dict included, as the CLI and an API
would call it — and then :func:`tierwise.triage.decide_many` on all of them as one Arrow table.
The target is p99 < 1 ms for one decision. Results go to ``bench/RESULTS.md`` (section "Triage").
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import time
from collections import Counter

import numpy as np
import pyarrow as pa

from bench.results import write_section
from tierwise.triage import decide_many, load_triage_policy, triage
from tierwise.triage.policy import BUSINESSES, ENQUIRIES

SCHEMA = pa.schema(
    [
        ("vip_card", pa.bool_()),
        ("asks_priority", pa.bool_()),
        ("asks_account_manager", pa.bool_()),
        ("enquiries", pa.list_(pa.string())),
        ("business", pa.string()),
        ("amount", pa.float64()),
        ("local_average_bill", pa.float64()),
    ]
)


def lobby_mix(n: int, seed: int = 7) -> list[dict]:
    """``n`` walk-ins as JSON-like dicts: mostly small business, a few VIPs and potential VIPs."""
    rng = np.random.default_rng(seed)
    business = rng.choice(
        np.array([*BUSINESSES, None], dtype=object), n, p=[0.3, 0.25, 0.12, 0.15, 0.03, 0.05, 0.05, 0.05]
    )
    # log-uniform amounts from 10 to 1,000,000 rounded to cents, a fifth of them exactly on a bound
    amount = np.round(10 ** rng.uniform(1, 6, n), 2)
    on_bound = rng.random(n) < 0.2
    amount[on_bound] = rng.choice([300, 10000, 20000, 50000, 100000], on_bound.sum())
    unknown = rng.random(n) < 0.08
    enquiry_count = rng.choice([0, 1, 2], n, p=[0.8, 0.15, 0.05])
    records = []
    for i in range(n):  # building the input, not timed
        record = {"business": business[i], "amount": None if unknown[i] else float(amount[i])}
        if rng.random() < 0.05:
            record["vip_card"] = True
        if rng.random() < 0.02:
            record["asks_priority"] = True
        if enquiry_count[i]:
            record["enquiries"] = list(rng.choice(ENQUIRIES, enquiry_count[i], replace=False))
        if business[i] == "bill_payment" and rng.random() < 0.7:
            record["local_average_bill"] = 300.0
        records.append(record)
    return records


def main() -> None:
    """Run the benchmark and write its section of RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walk-ins", type=float, default=100_000)
    args = parser.parse_args()
    n = int(args.walk_ins)
    policy = load_triage_policy("bank-lobby")
    records = lobby_mix(n)
    load_before = os.getloadavg()[0]

    for record in records[:1000]:  # warm up
        triage(record, policy)
    gc.disable()  # collector pauses are the interpreter's, not the rules'; reported with it on below as well
    took, cpu = np.empty(n), np.empty(n)
    single_flows = np.empty(n, dtype=object)
    clock, cpu_clock = time.perf_counter_ns, time.thread_time_ns
    for i, record in enumerate(records):
        start, cpu_start = clock(), cpu_clock()
        decision = triage(record, policy)
        took[i], cpu[i] = clock() - start, cpu_clock() - cpu_start
        single_flows[i] = decision.flow
    gc.enable()
    flows = Counter(single_flows)
    took_gc = np.empty(min(n, 20_000))
    for i, record in enumerate(records[: len(took_gc)]):
        start = clock()
        triage(record, policy)
        took_gc[i] = clock() - start

    full = [
        {
            "vip_card": False,
            "asks_priority": False,
            "asks_account_manager": False,
            "enquiries": [],
            "local_average_bill": None,
            **r,
        }
        for r in records
    ]
    table = pa.Table.from_pylist(full, schema=SCHEMA)
    start = time.perf_counter()
    batch = decide_many(table, policy)
    batch_seconds = time.perf_counter() - start
    agree = bool((batch["flow"].to_numpy(dtype=object) == single_flows).all())
    load_after = os.getloadavg()[0]

    us, cpu_us = took / 1000, cpu / 1000
    us_gc = took_gc / 1000
    mix = ", ".join(f"{flow} {flows[flow] / n:.1%}" for flow in ("vip", "potential_vip", "ordinary", "assess"))
    body = f"""
`python -m bench.triage --walk-ins {n:.0e}` — {platform.machine()}, Python {platform.python_version()},
{os.cpu_count()} cores (1-minute load average {load_before:.1f} before,
{load_after:.1f} after), bank-lobby policy, {n:,} seeded walk-ins ({mix}).

| one decision in-process (`triage(dict, policy)`, strict validation included) | wall µs | CPU µs |
|---|---:|---:|
| p50 | {np.percentile(us, 50):.1f} | {np.percentile(cpu_us, 50):.1f} |
| p90 | {np.percentile(us, 90):.1f} | {np.percentile(cpu_us, 90):.1f} |
| p99 | {np.percentile(us, 99):.1f} | {np.percentile(cpu_us, 99):.1f} |
| p99.9 | {np.percentile(us, 99.9):.1f} | {np.percentile(cpu_us, 99.9):.1f} |
| max | {us.max():.1f} | {cpu_us.max():.1f} |
| p99 with the garbage collector on ({len(us_gc):,} decisions) | {np.percentile(us_gc, 99):.1f} | – |

Batch: `decide_many` on the same {n:,} walk-ins as one Arrow table took {batch_seconds:.2f} s
({batch_seconds / n * 1e6:.1f} µs a walk-in, reasons included); its flows equal the single
decisions for every walk-in: {"yes" if agree else "NO"}.
The target is p99 < 1 ms for one decision: {"met" if np.percentile(us, 99) < 1000 else "not met"} in wall
time, {"met" if np.percentile(cpu_us, 99) < 1000 else "not met"} in CPU time. Wall time also counts the
moments the process waits for a core: under load, the wall-time tail is the host's scheduling and the
CPU column is the decision's own cost. A single decision evaluates the rules on Python scalars;
the batch runs the same rules on numpy arrays.
"""
    write_section("Triage", body)
    print(body)


if __name__ == "__main__":
    main()
