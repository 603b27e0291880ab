"""Times as the API sends them: RFC 3339 with an offset, always UTC.

SQLite gives back the UTC times the store wrote without their zone; a time sent without an offset is not
an OpenAPI ``date-time``, so every time in a response is one of :data:`UtcTime`.

>>> import datetime as dt
>>> from pydantic import TypeAdapter
>>> TypeAdapter(UtcTime).validate_python(dt.datetime(2026, 3, 10, 9, 0)).isoformat()
'2026-03-10T09:00:00+00:00'
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import AfterValidator


def as_utc(value: dt.datetime) -> dt.datetime:
    """``value`` in UTC (a time without a zone is one the store wrote in UTC)."""
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


UtcTime = Annotated[dt.datetime, AfterValidator(as_utc)]
