"""`callcenter recordings reconcile | verify | purge` as a person runs them, on real files and
both databases."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Eventually
from sounds import tone_wav
from sqlalchemy import update

from callcenter.calls.model.facts import CallEnded, CallEntered, RecordingAnnounced
from callcenter.recordings.tables import Recording
from tests.integration.recording_rig import T0, Rig, running_rig, settings_for

ROOT = Path(__file__).parents[3]


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_rig(database_url, tmp_path) as made:
        yield made


async def callcenter(rig: Rig, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLCENTER_RECORDINGS__SPOOL_DIR": str(rig.spool),
           "CALLCENTER_RECORDINGS__DIR": str(rig.archive), "CALLCENTER_CONFIG": "",
           "PYTHONPATH": os.pathsep.join(sys.path)}
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "callcenter", "--database", rig.db.url,
                         "recordings", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)


async def stored(rig: Rig, eventually: Eventually, *call_ids: str) -> list[Recording]:
    for call_id in call_ids:
        tone_wav(rig.spool_file(call_id), 1.0, freq=300 + 10 * len(call_id))
        await rig.call(call_id)
    rig.start()

    async def all_stored() -> list[Recording] | None:
        rows = await rig.rows()
        done = len(rows) == len(call_ids) and all(r.state == "stored" for r in rows)
        return rows if done else None

    rows: list[Recording] = await eventually(all_stored)
    await rig.stop()
    return rows


async def test_verify_finds_a_changed_and_a_missing_file(rig: Rig,
                                                         eventually: Eventually) -> None:
    one, two = await stored(rig, eventually, "30.0", "31.0")
    result = await callcenter(rig, "verify")
    assert result.returncode == 0, result.stderr
    assert "verify: 4 files checked, 0 problems" in result.stdout
    mp3 = rig.archive / (one.stored_path or "")
    data = bytearray(mp3.read_bytes())
    data[-100] ^= 0xFF
    mp3.write_bytes(bytes(data))
    (rig.archive / (two.original_path or "")).unlink()
    result = await callcenter(rig, "verify")
    assert result.returncode == 1
    assert f"MISMATCH  {one.id} compressed {one.stored_path}: sha256 " in result.stdout
    assert f"MISSING   {two.id} original {two.original_path}" in result.stdout
    assert "verify: 4 files checked, 2 problems" in result.stdout


async def test_reconcile_claims_requeues_and_reports(rig: Rig, eventually: Eventually) -> None:
    # A recording flagged missing whose file turned up later.
    rig.service = Rig(rig.db, rig.spool, rig.archive,
                      settings_for(rig.spool, missing_after=0.0)).service
    await rig.call("43.0")
    # And one whose spool path cannot be read (a directory), failing and waiting to retry.
    rig.spool_file("44.0").mkdir()
    await rig.call("44.0")
    rig.start()
    await eventually(lambda: _state_of(rig, "missing"))
    await eventually(lambda: _failing(rig))
    await rig.stop()
    rows = await rig.rows()
    missing = next(r for r in rows if r.state == "missing")
    failing = next(r for r in rows if r.attempts > 0)
    # A call whose recording row was never made (the watcher was not told) ...
    await rig.tell_store_only([
        CallEntered("40.0", T0, "landline", "landline", "PJSIP/landline-1", None, "", None,
                    None),
        RecordingAnnounced("40.0", T0, "/var/spool/asterisk/monitor/40.0.wav"),
        CallEnded("40.0", T0, "answered", 16, ""),
        # ... one that announced nothing, though its file (named after it) is in the spool,
        CallEntered("41.0", T0, "landline", "landline", "PJSIP/landline-2", None, "", None,
                    None),
        CallEnded("41.0", T0, "abandoned", 16, ""),
        # ... and one with no recording at all.
        CallEntered("42.0", T0, "landline", "landline", "PJSIP/landline-3", None, "", None,
                    None),
        CallEnded("42.0", T0, "abandoned", 16, ""),
    ])
    tone_wav(rig.spool_file("40.0"), 1.0)
    tone_wav(rig.spool_file("41.0"), 1.0)
    tone_wav(rig.spool / "stray.wav", 1.0)
    orphan = rig.archive / "2026/01/02/0123.mp3"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"ID3")
    tone_wav(rig.spool_file("43.0"), 1.0)  # the missing one turned up
    rig.spool_file("44.0").rmdir()
    tone_wav(rig.spool_file("44.0"), 1.0)  # and the unreadable one is fine now

    result = await callcenter(rig, "reconcile")
    assert result.returncode == 1, result.stderr  # the stray file and the orphan need a person
    out = result.stdout
    assert "claimed       call 40.0 (appeal 2026-000003): 40.0.wav" in out
    assert "claimed       call 41.0 (appeal 2026-000004): 41.0.wav" in out
    assert "no recording  call 42.0 (appeal 2026-000005)" in out
    assert f"re-queued     {missing.id}: {rig.spool_file('43.0')} is there now" in out
    assert f"retry now     {failing.id}: IsADirectoryError: " in out
    assert "UNCLAIMED     stray.wav: no call without a recording matches" in out
    assert "ORPHAN        2026/01/02/0123.mp3: no recording row" in out
    assert ("reconcile: 2 claimed, 1 re-queued, 1 retried now, 1 calls without a recording, "
            "1 spool files nobody claimed, 1 archive files without a recording") in out

    rig.service = rig.new_service()
    rig.start()
    await eventually(lambda: _all_in(rig, "stored", 4))
    appeals_flagged = [a.recording_problem for a in await rig.appeals()]
    assert appeals_flagged == [None] * 5  # 43.0's flag cleared once stored
    again = await callcenter(rig, "reconcile")
    assert "0 claimed, 0 re-queued" in again.stdout


async def _state_of(rig: Rig, state: str) -> bool:
    return any(r.state == state for r in await rig.rows())


async def _failing(rig: Rig) -> bool:
    return any(r.attempts > 0 for r in await rig.rows())


async def _all_in(rig: Rig, state: str, count: int) -> bool:
    rows = await rig.rows()
    return len(rows) == count and all(r.state == state for r in rows)


async def _age(rig: Rig, recording_id: str, *, original: bool, compressed: bool) -> None:
    past = datetime.now(UTC) - timedelta(days=1)
    values = {}
    if original:
        values["original_purge_after"] = past
    if compressed:
        values["purge_after"] = past
    async with rig.db.transaction() as session:
        await session.execute(update(Recording).where(Recording.id == recording_id)
                              .values(**values))


async def test_purge_applies_retention_but_never_to_a_hold(rig: Rig,
                                                           eventually: Eventually) -> None:
    old_original, expired, disputed, fresh = await stored(rig, eventually,
                                                          "50.0", "51.0", "52.0", "53.0")
    await _age(rig, old_original.id, original=True, compressed=False)
    for row in (expired, disputed):
        await _age(rig, row.id, original=True, compressed=True)
    assert await rig.service.hold([disputed.id], on=True) == 1
    before = sorted(rig.archive_files())

    dry = await callcenter(rig, "purge", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"would delete  {old_original.id} {old_original.original_path}" in dry.stdout
    assert (f"would delete  {expired.id} {expired.stored_path} {expired.original_path}"
            in dry.stdout)
    assert f"on hold       {disputed.id}" in dry.stdout
    assert sorted(rig.archive_files()) == before

    result = await callcenter(rig, "purge")
    assert result.returncode == 0, result.stderr
    assert ("purge: 2 recordings, 3 files deleted, 1 kept on legal hold, 0 failed"
            in result.stdout)
    left = set(rig.archive_files())
    assert left == {old_original.stored_path, disputed.stored_path, disputed.original_path,
                    fresh.stored_path, fresh.original_path}
    rows = {r.id: r for r in await rig.rows()}
    assert rows[expired.id].state == "purged" and rows[expired.id].stored_sha256
    assert rows[old_original.id].state == "stored" and rows[old_original.id].original_path is None
    assert rows[disputed.id].legal_hold and rows[disputed.id].state == "stored"
    verify = await callcenter(rig, "verify")
    assert verify.returncode == 0 and "5 files checked, 0 problems" in verify.stdout
