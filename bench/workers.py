"""Running one measurement in a fresh process that prints its result as a JSON line."""

from __future__ import annotations

import json
import subprocess


def run_worker(cmd: list[str], env: dict, timeout: float) -> dict:
    """Run ``cmd``; its last stdout line parsed as JSON, or ``{"error": ...}`` on failure or time-out."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {timeout:.0f} s"}
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1][:120]}
    return json.loads(done.stdout.strip().splitlines()[-1])
