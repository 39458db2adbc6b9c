"""`callcenter appeals list --json` (appeals.store.queries.list_appeals): each appeal's call
with the path Asterisk announced and the recordings the archive keeps, in two queries."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import Eventually
from sounds import tone_wav
from sqlalchemy import event, select

from callcenter.appeals.model.listing import appeal_json
from callcenter.appeals.store.queries import list_appeals
from callcenter.calls.model.facts import CallEntered
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.recordings.tables import Recording
from tests.integration.recording_rig import ASTERISK, T0, Rig, running_rig, sha256


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_rig(database_url, tmp_path) as made:
        yield made



async def test_a_listed_appeal_names_its_archived_recording(rig: Rig,
                                                            eventually: Eventually) -> None:
    """`recording_path` stays what Asterisk announced (a spool file, deleted once archived);
    `recordings` says where the archive keeps the call's files, their SHA-256 and duration."""
    spooled = tone_wav(rig.spool_file("1.0"), 3.0)
    await rig.call("1.0")
    await rig.tell_store_only([CallEntered("2.0", T0 + timedelta(minutes=1), "landline",
                                           "landline", "PJSIP/landline-2", None, "", None,
                                           None)])
    rig.start()
    row = await eventually(rig.settled_row)
    first, second = [appeal_json(item, "Europe/Kyiv") for item in await list_appeals(rig.db)]
    assert first["recording_path"] == f"{ASTERISK}/1.0.wav" and not spooled.exists()
    assert first["recordings"] == [{
        "id": row.id, "state": "stored", "format": "mp3", "duration": pytest.approx(3.0),
        "stored_path": f"2026/11/28/{row.id}.mp3",
        "stored_sha256": sha256(rig.archive / f"2026/11/28/{row.id}.mp3"),
        "original_path": f"2026/11/28/{row.id}.wav",
        "original_sha256": sha256(rig.archive / f"2026/11/28/{row.id}.wav")}]
    assert (second["recording_path"], second["recordings"]) == (None, [])


async def test_the_recordings_of_all_listed_calls_come_in_one_query(rig: Rig) -> None:
    for n in range(12):
        await rig.call(f"{n}.0", at=T0 + timedelta(minutes=n))  # one pending row each
    selects: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            selects.append(statement)

    event.listen(rig.db.engine.sync_engine, "before_cursor_execute", count)
    try:
        everything = await list_appeals(rig.db)
        window = await list_appeals(rig.db, since=T0 + timedelta(minutes=5), limit=3)
    finally:
        event.remove(rig.db.engine.sync_engine, "before_cursor_execute", count)
    assert len(selects) == 4  # two per listing, whatever the number of appeals
    expected = await recording_ids(rig.db)
    assert {i.call_id: [r.id for r in i.recordings] for i in everything} == expected
    assert [(i.call_id, [r.id for r in i.recordings]) for i in window] == [
        (call_id, expected[call_id]) for call_id in ("5.0", "6.0", "7.0")]
    assert {r.state for i in everything for r in i.recordings} == {"pending"}


async def recording_ids(db: Database) -> dict[str | None, list[str]]:
    async with db.reading() as session:
        rows = (await session.execute(select(Call.linkedid, Recording.id)
                                      .join(Recording, Recording.call_id == Call.id))).all()
    return {linkedid: [recording_id] for linkedid, recording_id in rows}
