"""What a database error means, for both drivers, in one place.

`classify` says whether an exception means the database is away (`LOST`: the connection is
gone, the server is starting, shutting down or was restarted; the pool drops its connections),
busy for a moment (`BUSY`: a lock, a deadlock, a serialization failure, no resources left), or
neither (None: a bug or data the database refuses, which waiting would not cure). PostgreSQL
errors are judged by their SQLSTATE (asyncpg's exception classes carry it, and SQLAlchemy's
wrapper copies it), SQLite's by their result code (`database is locked`, `unable to open
database file`, disk I/O). `describe` gives the short text logs may carry: the driver's
exception class, its code and its message, never the SQL statement or its parameters.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from enum import StrEnum

import asyncpg
from sqlalchemy import exc as sa
from sqlalchemy.engine import ExceptionContext

from callcenter.core.errors import StoreUnavailable

DESCRIPTION_LIMIT = 300


class Fault(StrEnum):
    LOST = "lost"
    BUSY = "busy"


# SQLSTATE: by class (the first two characters), then the exact codes that differ from it.
STATE_CLASSES = {
    "08": Fault.LOST,  # connection exception
    "57": Fault.LOST,  # operator intervention: admin/crash shutdown, cannot connect now
    "58": Fault.LOST,  # system error (I/O error on the server)
    "53": Fault.BUSY,  # insufficient resources: too many connections, disk full, memory
}
STATES = {
    "57014": Fault.BUSY,  # query canceled (a statement timeout): the connection stays
    "25P03": Fault.LOST,  # idle-in-transaction timeout: the server closed the session
    "40001": Fault.BUSY,  # serialization failure
    "40P01": Fault.BUSY,  # deadlock detected
    "55P03": Fault.BUSY,  # lock not available
    "55006": Fault.BUSY,  # object in use
}
# SQLite's primary result codes (the low byte of the extended code).
SQLITE_CODES = {
    5: Fault.BUSY,  # SQLITE_BUSY: database is locked
    6: Fault.BUSY,  # SQLITE_LOCKED: database table is locked
    7: Fault.BUSY,  # SQLITE_NOMEM
    10: Fault.LOST,  # SQLITE_IOERR: disk I/O error
    13: Fault.BUSY,  # SQLITE_FULL: database or disk is full
    14: Fault.LOST,  # SQLITE_CANTOPEN: unable to open database file
    15: Fault.LOST,  # SQLITE_PROTOCOL: WAL lock protocol error
}
SQLITE_MESSAGES = {
    "database is locked": Fault.BUSY,
    "database table is locked": Fault.BUSY,
    "database or disk is full": Fault.BUSY,
    "disk i/o error": Fault.LOST,
    "unable to open database file": Fault.LOST,
}


def classify(exc: BaseException) -> Fault | None:
    """LOST, BUSY, or None when waiting would not help."""
    for error in _chain(exc):
        fault = _classify_one(error)
        if fault is not None:
            return fault
    return None


def describe(exc: BaseException) -> str:
    """`CannotConnectNowError 57P03: the database system is shutting down`: the driver's
    error (else the exception's own first line), without statement or parameters."""
    error = next((e for e in _chain(exc) if _is_driver_error(e)), exc)
    code = _sqlstate(error) or _sqlite_name(error)
    message = _message(error)
    text = f"{type(error).__name__} {code}" if code else type(error).__name__
    return f"{text}: {message}"[:DESCRIPTION_LIMIT] if message else text


def mark_disconnects(context: ExceptionContext) -> None:
    """SQLAlchemy's `handle_error` hook: a lost database invalidates the connection (and the
    pool's others), so the next scope connects afresh instead of reusing a dead one."""
    if classify(context.original_exception) is Fault.LOST:
        context.is_disconnect = True


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception and what it wraps: SQLAlchemy's `orig`, and the cause of SQLAlchemy's
    own and of our StoreUnavailable (not of any error: a bug raised from an OSError is a
    bug)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        if isinstance(orig, BaseException):
            current = orig
        elif _wrapper(current):
            current = current.__cause__
        else:
            current = None


def _wrapper(error: BaseException) -> bool:
    return (isinstance(error, StoreUnavailable)
            or type(error).__module__.split(".")[0] == "sqlalchemy")


def _classify_one(error: BaseException) -> Fault | None:
    if isinstance(error, sa.DBAPIError) and error.connection_invalidated:
        return Fault.LOST
    if isinstance(error, sa.TimeoutError):  # no connection free in the pool in time
        return Fault.BUSY
    state = _sqlstate(error)
    if state:
        return STATES.get(state) or STATE_CLASSES.get(state[:2])
    if isinstance(error, sqlite3.Error):
        return _sqlite_fault(error)
    if isinstance(error, asyncpg.InterfaceError):  # asyncpg's own: "connection is closed"
        return Fault.LOST if "closed" in _message(error).lower() else None
    if isinstance(error, OSError):  # refused, reset, unreachable, timed out (TimeoutError)
        return Fault.LOST
    return None


def _sqlite_fault(error: sqlite3.Error) -> Fault | None:
    code = getattr(error, "sqlite_errorcode", None)
    if isinstance(code, int) and (code & 0xFF) in SQLITE_CODES:
        return SQLITE_CODES[code & 0xFF]
    message = _message(error).lower()
    return next((f for text, f in SQLITE_MESSAGES.items() if text in message), None)


def _sqlstate(error: BaseException) -> str | None:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) and len(state) == 5 else None


def _sqlite_name(error: BaseException) -> str | None:
    name = getattr(error, "sqlite_errorname", None)
    return name if isinstance(name, str) else None


def _is_driver_error(error: BaseException) -> bool:
    """asyncpg's own (server errors, and client-side ones such as InternalClientError),
    sqlite3's, or the operating system's."""
    return (type(error).__module__.split(".")[0] == "asyncpg"
            or isinstance(error, sqlite3.Error | OSError))


def _message(error: BaseException) -> str:
    """The first line of the message alone: asyncpg adds DETAIL (which may quote a row's
    values) and SQLAlchemy the statement on later lines."""
    first = error.args[0] if error.args else ""
    text = first if isinstance(first, str) else str(error)
    return text.strip().splitlines()[0] if text.strip() else ""
