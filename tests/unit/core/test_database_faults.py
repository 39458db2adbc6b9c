"""Database errors classified for both drivers: real asyncpg and sqlite3 exceptions, wrapped
the way SQLAlchemy wraps them, and the short text logs may carry."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import exc as sa
from sqlalchemy.dialects.postgresql.asyncpg import (
    AsyncAdapt_asyncpg_connection,
    AsyncAdapt_asyncpg_dbapi,
)

from callcenter.core.database_faults import Fault, classify, describe
from callcenter.core.errors import StoreUnavailable

PG = asyncpg.exceptions
DBAPI = AsyncAdapt_asyncpg_dbapi(asyncpg)
NUMBER = "+380342100009"


def as_sqlalchemy_does(error: Exception, *, invalidated: bool = False) -> sa.DBAPIError:
    """asyncpg's error translated by the dialect, then wrapped with a statement and its
    parameters, as SQLAlchemy raises it from `session.execute`."""
    try:
        AsyncAdapt_asyncpg_connection._handle_exception_no_connection(DBAPI, error)
    except Exception as translated:
        wrapped = sa.DBAPIError.instance(
            "SELECT * FROM calls WHERE caller = $1", (NUMBER,), translated, DBAPI.Error,
            hide_parameters=True, connection_invalidated=invalidated)
        wrapped.__cause__ = translated
        return wrapped
    raise AssertionError("the dialect did not translate the error")


def wrapped_sqlite(error: sqlite3.Error) -> sa.DBAPIError:
    return sa.DBAPIError.instance("INSERT INTO calls VALUES (?)", (NUMBER,), error,
                                  sqlite3.Error, hide_parameters=True)


@pytest.mark.parametrize(("error", "fault"), [
    (PG.CannotConnectNowError("the database system is shutting down"), Fault.LOST),
    (PG.AdminShutdownError("terminating connection due to administrator command"), Fault.LOST),
    (PG.CrashShutdownError("terminating connection because of crash"), Fault.LOST),
    (PG.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
     Fault.LOST),
    (PG.ConnectionFailureError("connection failure"), Fault.LOST),
    (PG.TooManyConnectionsError("sorry, too many clients already"), Fault.BUSY),
    (PG.DiskFullError("could not extend file"), Fault.BUSY),
    (PG.SerializationError("could not serialize access"), Fault.BUSY),
    (PG.DeadlockDetectedError("deadlock detected"), Fault.BUSY),
    (PG.QueryCanceledError("canceling statement due to statement timeout"), Fault.BUSY),
    (PG.LockNotAvailableError("could not obtain lock on row"), Fault.BUSY),
    (PG.UniqueViolationError("duplicate key value violates unique constraint"), None),
    (PG.UndefinedTableError('relation "calls" does not exist'), None),
    (PG.DataError("invalid input syntax"), None),
])
def test_asyncpg_errors_by_sqlstate(error: Exception, fault: Fault | None) -> None:
    assert classify(as_sqlalchemy_does(error)) is fault
    assert classify(error) is fault  # asyncpg used directly (the LISTEN connection)


def test_an_unknown_error_on_a_connection_sqlalchemy_invalidated_is_lost() -> None:
    error = PG.InternalClientError("cannot switch to state 13; another operation is in progress")
    assert classify(as_sqlalchemy_does(error)) is None
    assert classify(as_sqlalchemy_does(error, invalidated=True)) is Fault.LOST


def test_asyncpg_client_side_errors() -> None:
    assert classify(PG.InterfaceError("connection is closed")) is Fault.LOST
    assert classify(PG.InterfaceError("cannot perform operation: another operation is in "
                                      "progress")) is None
    assert classify(ConnectionRefusedError(111, "Connect call failed")) is Fault.LOST
    assert classify(TimeoutError()) is Fault.LOST
    assert classify(sa.TimeoutError("QueuePool limit of size 10 overflow 0 reached")) \
        is Fault.BUSY


def locked_database(tmp_path: Path) -> sqlite3.OperationalError:
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("BEGIN IMMEDIATE")
        return caught.value
    finally:
        holder.close()
        other.close()


def sqlite_error(tmp_path: Path, sql: str, path: str = ":memory:") -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as caught:
        sqlite3.connect(path).execute(sql)
    return caught.value


def test_sqlite_errors_by_result_code(tmp_path: Path) -> None:
    locked = locked_database(tmp_path)
    cannot_open = sqlite_error(tmp_path, "SELECT 1", str(tmp_path / "absent" / "x.db"))
    no_table = sqlite_error(tmp_path, "SELECT * FROM calls")
    syntax = sqlite_error(tmp_path, "SELEC 1")
    assert classify(wrapped_sqlite(locked)) is Fault.BUSY
    assert classify(wrapped_sqlite(cannot_open)) is Fault.LOST
    assert classify(wrapped_sqlite(no_table)) is None
    assert classify(wrapped_sqlite(syntax)) is None
    assert describe(wrapped_sqlite(locked)) == "OperationalError SQLITE_BUSY: database is locked"


def test_sqlite_errors_by_message_when_no_code_is_given() -> None:
    assert classify(sqlite3.OperationalError("disk I/O error")) is Fault.LOST
    assert classify(sqlite3.OperationalError("database or disk is full")) is Fault.BUSY
    assert classify(sqlite3.OperationalError("no such column: x")) is None


def test_the_description_is_short_and_holds_no_statement_or_parameters() -> None:
    shutting_down = as_sqlalchemy_does(PG.CannotConnectNowError(
        "the database system is shutting down"))
    duplicate = PG.UniqueViolationError("duplicate key value violates unique constraint")
    duplicate.detail = f"Key (caller)=({NUMBER}) already exists."
    assert describe(shutting_down) == \
        "CannotConnectNowError 57P03: the database system is shutting down"
    assert describe(as_sqlalchemy_does(duplicate)) == \
        "UniqueViolationError 23505: duplicate key value violates unique constraint"
    assert describe(ValueError("bad\nsecond line")) == "ValueError: bad"
    assert NUMBER in str(as_sqlalchemy_does(duplicate).orig.orig)  # asyncpg's DETAIL ...
    assert "parameters:" not in str(shutting_down)  # ... and hide_parameters, left out


def test_a_cause_counts_only_when_a_wrapper_carries_it() -> None:
    wrapped = StoreUnavailable("database unavailable")
    wrapped.__cause__ = as_sqlalchemy_does(PG.AdminShutdownError("terminating connection"))
    bug = KeyError("seat")
    bug.__cause__ = ConnectionResetError()
    assert classify(wrapped) is Fault.LOST
    assert classify(bug) is None
