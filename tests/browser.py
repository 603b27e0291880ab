"""Debian's chromium driven by Playwright, for every browser test (Playwright's own download does not work
on these machines: ``scripts/test.sh`` installs Debian's ``chromium``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: where screenshots of the pages go (looked at before a page is called done)
SCREENSHOTS = Path(os.environ.get("TIERWISE_SCREENSHOTS", Path(__file__).resolve().parents[1] / "out" / "screenshots"))

needs_chromium = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (/usr/bin/chromium)"),
]


def launch(playwright):
    """A headless Debian chromium."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``SCREENSHOTS/name.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
