"""``tierwise serve``: refuses to start without a key, serves the API with one (a real server process)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tierwise.config import Settings
from tierwise.security.permissions import Actor
from tierwise.security.pii import new_key_entry
from tierwise.services.auth import issue_access_token
from tierwise.services.context import ServiceContext
from tierwise.services.store_access import on_store
from tierwise.services.users import create_user

RUN = [sys.executable, "-c", "from tierwise.cli import main; main()", "serve"]


def _environment(**changes: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TIERWISE_")}
    return {**env, **changes}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, attempts: int = 600) -> dict:
    # the server takes a moment to import (the API loads the store's models) and bind; a busy machine
    # with two workers starting at once has needed well over 15 seconds
    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return json.load(response)
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"nothing answered at {url}")


def test_serve_without_a_key_exits_2_and_says_how_to_make_one() -> None:
    done = subprocess.run([*RUN, "--port", str(_free_port())], env=_environment(), capture_output=True, text=True)
    assert done.returncode == 2
    assert "TIERWISE_SECRET_KEY is not set" in done.stderr and "TIERWISE_DEV=1" in done.stderr


def test_serve_with_a_bad_key_exits_2_without_echoing_it() -> None:
    key = new_key_entry("k1")
    broken = key[:-4]
    done = subprocess.run([*RUN], env=_environment(TIERWISE_SECRET_KEY=broken), capture_output=True, text=True)
    assert done.returncode == 2 and "is not 32 bytes" in done.stderr
    assert broken.split(":")[1] not in done.stderr + done.stdout


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_answers_health_and_triage_on_localhost(workers: int, tmp_path) -> None:
    port = _free_port()
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with on_store(ServiceContext.system(Settings(dev=True)), url) as ctx:
        create_user(ctx, "desk", role="lobby", password="a long pass phrase")
        token = issue_access_token(ctx.with_actor(Actor("desk", "lobby")), "test").token
    env = _environment(TIERWISE_DEV="1", TIERWISE_DATABASE_URL=url)
    server = subprocess.Popen(
        [*RUN, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _get(f"http://127.0.0.1:{port}/api/v1/health")["status"] == "ok"
        triage = f"http://127.0.0.1:{port}/api/v1/triage"
        anonymous = urllib.request.Request(
            triage, data=b'{"vip_card": true}', headers={"content-type": "application/json"}
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(anonymous, timeout=5)
        assert refused.value.code == 401  # triage is the signed-in lobby's
        signed_in = urllib.request.Request(
            triage,
            data=b'{"vip_card": true}',
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        )
        with urllib.request.urlopen(signed_in, timeout=5) as response:
            assert json.load(response)["flow"] == "vip"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0].decode()
    # a graceful stop: uvicorn finishes the shutdown, then exits by the signal it caught (one worker) or 0
    assert server.returncode in (0, -signal.SIGTERM), output
    assert "Application shutdown complete" in output
    assert f"Uvicorn running on http://127.0.0.1:{port}" in output
