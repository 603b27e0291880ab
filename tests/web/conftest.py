"""The web UI served by a real uvicorn server on a free local port, and Debian's chromium to drive it."""

from __future__ import annotations

import socket
import threading
import time

import pytest
import uvicorn
from browser import launch
from pydantic import SecretStr

from tierwise.api.app import create_app
from tierwise.config import Settings
from tierwise.security.pii import new_key_entry


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """A uvicorn server running ``app`` in a thread until :meth:`stop`."""

    def __init__(self, app) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def web_settings() -> Settings:
    """Settings of the server under test: a fresh personal-data key, not the development mode."""
    return Settings(secret_key=SecretStr(new_key_entry("test")), dev=False)


@pytest.fixture(scope="module")
def server(web_settings: Settings):
    """The whole application (API and pages) on a real server."""
    live = LiveServer(create_app(web_settings)).start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def browser():
    """One headless chromium for the module."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.fixture
def page_errors():
    """Collects console errors and page exceptions of the pages a test opens (``watch(page)``)."""
    errors: list[str] = []

    def watch(page):
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        return page

    watch.errors = errors
    return watch
