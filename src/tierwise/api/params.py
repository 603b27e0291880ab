"""Path and query parameters several routes share, with the bounds the store can hold."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

#: the largest id a store's INTEGER column holds on PostgreSQL (SQLite holds more)
LARGEST_ID = 2_147_483_647

RecordId = Annotated[int, Path(ge=1, le=LARGEST_ID, description="the record's id")]
CustomerId = Annotated[str, Path(min_length=1, max_length=200, description="the customer's id")]
