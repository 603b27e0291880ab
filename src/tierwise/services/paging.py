"""Pages of a long answer (customers, a run's assignments): an offset, at most ``MAX_PAGE`` rows."""

from __future__ import annotations

from tierwise.errors import UsageError
from tierwise.i18n import N_, Message

MAX_PAGE = 500
BAD_PAGE = N_("a page starts at offset 0 or later and holds 1 to %(most)s rows")


def check_page(offset: int, limit: int) -> None:
    """Refuse a page that starts before 0 or holds fewer than 1 or more than ``MAX_PAGE`` rows."""
    if offset < 0 or not 1 <= limit <= MAX_PAGE:
        raise UsageError(Message(BAD_PAGE, {"most": MAX_PAGE}))
