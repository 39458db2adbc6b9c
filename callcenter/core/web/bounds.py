"""The bounds of what the HTTP API accepts, stated in its schema: every number and date a
client may send lies within what both databases store and what the code can compute with.

Without them a value the schema allowed reached the database and failed there (an id of 2^64,
an offset of 2^63, the day 0001-01-01 in the local timezone): HTTP 500 instead of 422.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field

MAX_ID = 2**63 - 1  # a BIGINT on PostgreSQL, INTEGER on SQLite: both are 64-bit signed
MAX_OFFSET = 1_000_000  # paging deeper than that is a search that needs more filters
MAX_VERSION = 2**31 - 1
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2199, 12, 31)
DAYS = f"a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"
# The bounds as JSON Schema (2019-09 `formatMinimum`/`formatMaximum`) for the OpenAPI document.
DAY_SCHEMA = {"formatMinimum": FIRST_DAY.isoformat(), "formatMaximum": LAST_DAY.isoformat()}

RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A row's id")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="How many items to skip")]
Day = Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY, description=DAYS,
                                   json_schema_extra=DAY_SCHEMA)]
# A day in a JSON body.
BodyDay = Annotated[date, Field(ge=FIRST_DAY, le=LAST_DAY, description=DAYS,
                                json_schema_extra=DAY_SCHEMA)]
