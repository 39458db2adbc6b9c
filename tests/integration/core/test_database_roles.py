"""PostgreSQL with two roles (README, "Who may change the audit"): the owner migrates and owns
the tables, the working role the processes use may read and append to the audit but neither
change it nor switch its guard off."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import asyncpg
import pytest

from callcenter.core import migrate
from tests.conftest import PG_HOST, PG_PORT, _admin, require_postgres

pytestmark = pytest.mark.postgres


@dataclass(frozen=True)
class Roles:
    database: str
    owner: str
    worker: str

    def url(self, role: str) -> str:
        return f"postgresql+asyncpg://{role}@{PG_HOST}:{PG_PORT}/{self.database}"

    async def connect(self, role: str) -> asyncpg.Connection:
        return await asyncpg.connect(host=PG_HOST, port=PG_PORT, user=role,
                                     database=self.database)


@pytest.fixture
async def roles() -> AsyncIterator[Roles]:
    require_postgres()
    tag = uuid.uuid4().hex[:10]
    made = Roles(f"cc_roles_{tag}", f"cc_owner_{tag}", f"cc_app_{tag}")
    await _admin(f'CREATE ROLE "{made.owner}" LOGIN')
    await _admin(f'CREATE ROLE "{made.worker}" LOGIN')
    await _admin(f'CREATE DATABASE "{made.database}" OWNER "{made.owner}"')
    try:
        yield made
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{made.database}" WITH (FORCE)')
        await _admin(f'DROP ROLE IF EXISTS "{made.worker}"')
        await _admin(f'DROP ROLE IF EXISTS "{made.owner}"')


async def privileges(connection: asyncpg.Connection, role: str, table: str) -> set[str]:
    return {p for p in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
            if await connection.fetchval("SELECT has_table_privilege($1, $2, $3)",
                                         role, table, p)}


async def test_the_working_role_appends_to_the_audit_and_changes_nothing(roles: Roles) -> None:
    await migrate.prepare(roles.url(roles.worker), owner_url=roles.url(roles.owner))
    worker = await roles.connect(roles.worker)
    try:
        for audit in ("replay_audit", "dispute_notes"):
            assert await privileges(worker, roles.worker, audit) == {"SELECT", "INSERT"}
        assert await privileges(worker, roles.worker, "appeals") == {
            "SELECT", "INSERT", "UPDATE", "DELETE"}
        assert await privileges(worker, roles.worker, "alembic_version") == {"SELECT"}
        with pytest.raises(asyncpg.InsufficientPrivilegeError):  # "must be owner"
            await worker.execute("ALTER TABLE replay_audit DISABLE TRIGGER ALL")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await worker.execute("UPDATE replay_audit SET reason = 'rewritten'")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await worker.execute("CREATE TABLE intruder (id int)")
        owner = await worker.fetchval("SELECT tableowner FROM pg_tables "
                                      "WHERE tablename = 'replay_audit'")
        assert owner == roles.owner
    finally:
        await worker.close()


async def test_a_later_upgrade_grants_again_and_one_role_still_does_both(roles: Roles) -> None:
    await migrate.prepare(roles.url(roles.worker), owner_url=roles.url(roles.owner))
    await migrate.prepare(roles.url(roles.worker), owner_url=roles.url(roles.owner))
    owner = await roles.connect(roles.owner)
    try:
        assert await privileges(owner, roles.worker, "replay_audit") == {"SELECT", "INSERT"}
    finally:
        await owner.close()
    assert migrate.working_role(roles.url(roles.owner), "") is None  # no owner_url: one role
    assert migrate.working_role(roles.url(roles.owner), roles.url(roles.owner)) is None
    assert migrate.working_role("sqlite+aiosqlite:///x.db", roles.url(roles.owner)) is None
