"""Personal data as the services hand it out: masked (``138****5678``), the one place every reader goes through.

Lists, cards and exports show ``id_number``, ``phone`` and ``email`` through :func:`shown`; only a reveal
(a manager, a reason, an audit entry) returns a value in full.

>>> shown("phone", "13812345678"), shown("email", "zhang@example.com"), shown("id_number", None)
('138****5678', 'z***@example.com', None)
"""

from __future__ import annotations

from tierwise.security.pii import Field, mask


def shown(field: Field, value: str | None) -> str | None:
    """``value`` of the personal field ``field`` as a response may show it: masked."""
    return mask(field, value)
