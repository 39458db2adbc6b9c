"""PostgreSQL with the two roles (README, "Who may change the audit"): the working role may
read and append to the duty journal's tables but neither change nor delete a row."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from callcenter.core import migrate
from callcenter.duty.tables import APPEND_ONLY
from tests.conftest import PG_HOST, PG_PORT, _admin, require_postgres

pytestmark = pytest.mark.postgres


async def test_the_working_role_appends_to_the_journal_and_changes_nothing() -> None:
    require_postgres()
    tag = uuid.uuid4().hex[:10]
    database, owner, worker = f"cc_duty_{tag}", f"cc_owner_{tag}", f"cc_app_{tag}"
    await _admin(f'CREATE ROLE "{owner}" LOGIN')
    await _admin(f'CREATE ROLE "{worker}" LOGIN')
    await _admin(f'CREATE DATABASE "{database}" OWNER "{owner}"')
    try:
        url = f"postgresql+asyncpg://{{}}@{PG_HOST}:{PG_PORT}/{database}"
        await migrate.prepare(url.format(worker), owner_url=url.format(owner))
        connection = await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=worker,
                                           database=database)
        try:
            for table in APPEND_ONLY:
                granted = {p for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
                           if await connection.fetchval(
                               "SELECT has_table_privilege($1, $2, $3)", worker, table, p)}
                assert granted == {"SELECT", "INSERT"}, table
            await connection.execute(
                "INSERT INTO duty_entries (kind, text, author_id, author, at) "
                "VALUES ('camera', 'a', 1, 'x', now())")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute("UPDATE duty_entries SET text = 'b'")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await connection.execute("ALTER TABLE duty_entries DISABLE TRIGGER USER")
            assert await connection.fetchval(
                "SELECT has_table_privilege($1, 'duty_assignments', 'UPDATE')", worker)
        finally:
            await connection.close()
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await _admin(f'DROP ROLE IF EXISTS "{worker}"')
        await _admin(f'DROP ROLE IF EXISTS "{owner}"')
