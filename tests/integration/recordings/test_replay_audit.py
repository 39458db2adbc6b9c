"""The replay audit and the dispute notes are append-only in the database itself: triggers on
both engines refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL), also after a downgrade and
upgrade, so neither a bug nor a hand at the SQL prompt can rewrite who listened."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, insert, text, update
from sqlalchemy.exc import DBAPIError, OperationalError

from callcenter.calls.model.facts import CallEntered
from callcenter.calls.store.calls import SqlCallStore
from callcenter.core import migrate
from callcenter.core.database import Database
from callcenter.recordings.model.replay import NewAudit, Via
from callcenter.recordings.store.replay import SqlReplayStore
from callcenter.recordings.tables import Dispute, DisputeNote, Recording, ReplayAudit
from callcenter.users.tables import User

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


async def seed(db: Database) -> tuple[int, int]:
    """A call with its appeal and recording, a user, one audit row and one dispute note."""
    await SqlCallStore(db, pbx="pbx1", timezone="UTC").apply([
        CallEntered("1.0", T0, "landline", "landline", "SIP/landline-0", "+380342123456",
                    "+380342123456", None, None)])
    async with db.transaction() as session:
        await session.execute(insert(Recording).values(
            id="a" * 32, call_id=1, appeal_id=1, announced_path="/x/1.0.wav", state="stored",
            legal_hold=False, attempts=0, next_attempt_at=T0, created_at=T0, updated_at=T0))
        user_id = await session.scalar(insert(User).values(
            username="svitlana", display_name="Світлана", role="supervisor",
            password_hash="-", active=True, failed_sign_ins=0, created_at=T0)
            .returning(User.id))
        dispute_id = await session.scalar(insert(Dispute).values(
            appeal_id=1, contractor="water", claim="c", state="open", opened_by_id=user_id,
            opened_by="svitlana", opened_at=T0).returning(Dispute.id))
        await session.execute(insert(DisputeNote).values(
            dispute_id=dispute_id, at=T0, author_id=user_id, author="svitlana", text="n"))
    [audit_id] = await SqlReplayStore(db).append_audit([NewAudit(
        at=T0, recording_id="a" * 32, user_id=user_id, who="svitlana", via=Via.SUPERVISOR,
        reason="спір", client="127.0.0.1")])
    return audit_id, int(dispute_id or 0)


async def refused(db: Database, statement: object) -> str:
    """The database's refusal; never mistaken for "database unavailable" (OperationalError)."""
    with pytest.raises(DBAPIError) as caught:
        async with db.transaction() as session:
            await session.execute(statement)  # type: ignore[call-overload]
    assert not isinstance(caught.value, OperationalError)
    return str(caught.value)


async def test_the_audit_refuses_update_and_delete(database_url: str) -> None:
    db = Database(database_url)
    try:
        audit_id, _ = await seed(db)
        changed = await refused(db, update(ReplayAudit).where(ReplayAudit.id == audit_id)
                                .values(reason="nothing to see"))
        removed = await refused(db, delete(ReplayAudit))
        notes = await refused(db, update(DisputeNote).values(text="rewritten"))
        gone = await refused(db, delete(DisputeNote))
        [entry] = await SqlReplayStore(db).audit_of(["a" * 32])
    finally:
        await db.close()
    for message in (changed, removed):
        assert "replay_audit is append-only" in message
    for message in (notes, gone):
        assert "dispute_notes is append-only" in message
    assert entry.reason == "спір"


@pytest.mark.parametrize("empty_database_url", [
    pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True)
async def test_truncate_is_refused_on_postgresql(database_url: str) -> None:
    db = Database(database_url)  # TRUNCATE is PostgreSQL's; SQLite has none
    try:
        await seed(db)
        message = await refused(db, text("TRUNCATE replay_audit"))
    finally:
        await db.close()
    assert "append-only" in message


async def test_the_triggers_come_back_after_a_downgrade(database_url: str) -> None:
    await asyncio.to_thread(migrate.downgrade, database_url, "0010")
    await asyncio.to_thread(migrate.upgrade, database_url)
    db = Database(database_url)
    try:
        await seed(db)
        message = await refused(db, update(ReplayAudit).values(client="elsewhere"))
    finally:
        await db.close()
    assert "append-only" in message
