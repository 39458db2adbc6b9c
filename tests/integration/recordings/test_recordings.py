"""From the spool to the archive on SQLite and PostgreSQL, with real files and real ffmpeg."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from conftest import Eventually
from sounds import decoded_seconds, speech_wav, tone_frames, tone_wav, wav_header

from callcenter.appeals.model.listing import appeal_json
from callcenter.appeals.store import queries as appeal_queries
from callcenter.calls.model.facts import CallEnded, CallEntered, RecordingAnnounced
from tests.integration.recording_rig import ASTERISK, T0, Rig, running_rig, settings_for, sha256


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_rig(database_url, tmp_path) as made:
        yield made



async def test_a_call_recording_is_stored(rig: Rig, eventually: Eventually) -> None:
    source = tone_wav(rig.spool_file("1795908885.0"), 3.0)
    expected = sha256(source)
    await rig.call("1795908885.0")
    rig.start()
    row = await eventually(rig.settled_row)
    assert (row.state, row.reason, row.format) == ("stored", None, "mp3")
    assert row.original_sha256 == expected and row.original_size == 8000 * 2 * 3 + 44
    assert row.duration == pytest.approx(3.0)
    assert len(row.id) == 32 and row.appeal_id is not None
    assert row.stored_path == f"2026/11/28/{row.id}.mp3"
    assert row.original_path == f"2026/11/28/{row.id}.wav"
    assert sha256(rig.archive / row.original_path) == expected
    stored = rig.archive / row.stored_path
    assert sha256(stored) == row.stored_sha256 and stored.stat().st_size == row.stored_size
    assert decoded_seconds(stored) == pytest.approx(3.0, abs=0.1)
    assert not source.exists()  # archived and recorded: the spool file is gone
    appeal, history = await rig.appeal()
    assert appeal.recording_problem is None
    assert [h.action for h in history] == ["opened"]  # answered: still new, no flag


async def test_speech_is_stored_playable(rig: Rig, eventually: Eventually) -> None:
    speech_wav(rig.spool_file("1.0"), "Good morning. There is no hot water at Shevchenko "
                                      "street, house twelve, since yesterday evening.")
    await rig.call("1.0")
    rig.start()
    row = await eventually(rig.settled_row)
    assert row.state == "stored"
    assert decoded_seconds(rig.archive / row.stored_path) == pytest.approx(row.duration,
                                                                           abs=0.1)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty file (0 bytes)"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00", "truncated header"),
    (b"<html>502 Bad Gateway</html>" * 40, "not a WAV file"),
    (wav_header(0), "no audio"),
])
async def test_a_corrupt_file_flags_the_appeal(rig: Rig, eventually: Eventually,
                                               content: bytes, reason: str) -> None:
    rig.spool_file("2.0").write_bytes(content)
    await rig.call("2.0")
    rig.start()
    row = await eventually(rig.settled_row)
    assert row.state == "corrupt" and reason in (row.reason or "")
    assert row.stored_path is None and row.original_sha256 == hashlib.sha256(content).hexdigest()
    assert (rig.archive / (row.original_path or "")).read_bytes() == content  # kept as evidence
    appeal, history = await rig.appeal()
    assert appeal.recording_problem == row.reason
    assert history[-1].action == "recording_corrupt" and history[-1].comment == row.reason
    listed = await appeal_queries.list_appeals(rig.db)
    assert appeal_json(listed[0], "Europe/Kyiv")["recording_problem"] == row.reason


async def test_a_truncated_wav_is_stored_and_flagged(rig: Rig, eventually: Eventually) -> None:
    whole = tone_wav(rig.spool / "whole.wav", 4.0).read_bytes()
    rig.spool_file("3.0").write_bytes(whole[:44 + 8000 * 2 * 2])  # 2 of its 4 seconds
    (rig.spool / "whole.wav").unlink()
    await rig.call("3.0")
    rig.start()
    row = await eventually(rig.settled_row)
    assert row.state == "stored" and row.duration == pytest.approx(2.0)
    assert row.reason == "truncated: the header declares 4.0 s, the file holds 2.0 s"
    assert decoded_seconds(rig.archive / row.stored_path) == pytest.approx(2.0, abs=0.1)
    appeal, history = await rig.appeal()
    assert appeal.recording_problem == row.reason
    assert history[-1].action == "recording_incomplete"


async def test_a_file_still_being_written_is_not_taken_early(rig: Rig,
                                                             eventually: Eventually) -> None:
    """MixMonitor appends while the call lasts and fixes the header when it closes."""
    path = rig.spool_file("4.0")
    path.write_bytes(wav_header(0))
    await rig.call("4.0")  # already hung up: only the settling protects the file
    rig.start()
    second = tone_frames(1.0)
    for _ in range(6):
        with path.open("ab") as out:
            out.write(second[:8000])
        await rig.service_polled()
        assert (await rig.row()).state == "pending"
        with path.open("ab") as out:
            out.write(second[8000:])
    with path.open("r+b") as out:
        out.write(wav_header(6 * 16000))
    row = await eventually(rig.settled_row)
    assert row.state == "stored" and row.reason is None
    assert row.duration == pytest.approx(6.0) and row.original_size == 44 + 6 * 16000


async def test_a_recording_that_never_comes_is_missing(rig: Rig,
                                                       eventually: Eventually) -> None:
    rig.service = Rig(rig.db, rig.spool, rig.archive,
                      settings_for(rig.spool, missing_after=0.5)).service
    await rig.call("5.0")
    rig.start()
    row = await eventually(rig.settled_row)
    assert row.state == "missing"
    assert row.reason == f"no file at {rig.spool}/5.0.wav 0 s after the call ended"
    appeal, history = await rig.appeal()
    assert appeal.recording_problem == row.reason
    assert history[-1].action == "recording_missing"


async def test_nothing_is_flagged_missing_while_the_spool_is_away(
        rig: Rig, eventually: Eventually) -> None:
    rig.spool.rmdir()  # the share is not mounted
    rig.service = Rig(rig.db, rig.spool, rig.archive,
                      settings_for(rig.spool, missing_after=0.0)).service
    await rig.call("6.0")
    rig.start()
    await rig.service_polled(times=5)
    assert (await rig.row()).state == "pending"
    tone_wav(rig.spool_file("6.0"), 1.0)  # mounted again
    row = await eventually(rig.settled_row)
    assert row.state == "stored"


async def test_an_unreadable_spool_file_is_retried(rig: Rig, eventually: Eventually) -> None:
    """Tests run as root, so permissions prove nothing: a directory where the file should
    be cannot be read either (EISDIR), and is what a broken share can show."""
    rig.spool_file("7.0").mkdir()
    await rig.call("7.0")
    rig.start()

    async def failed_twice() -> object:
        row = await rig.row()
        return row.attempts >= 2 and row

    row = await eventually(failed_twice)
    assert row.state == "pending" and "IsADirectoryError" in (row.last_error or "")
    assert rig.archive_files() == []
    rig.spool_file("7.0").rmdir()
    tone_wav(rig.spool_file("7.0"), 1.0)
    row = await eventually(rig.settled_row)
    assert row.state == "stored" and row.last_error is None


async def test_announcing_twice_makes_one_row(rig: Rig) -> None:
    await rig.call("8.0", ended=False)
    await rig.call("8.0")
    assert len(await rig.rows()) == 1


async def test_a_call_still_in_progress_is_not_touched(rig: Rig) -> None:
    tone_wav(rig.spool_file("9.0"), 1.0)
    await rig.call("9.0", ended=False)
    rig.start()
    await rig.service_polled(times=10)
    assert (await rig.row()).state == "pending"


async def test_an_announced_path_outside_the_spool_is_flagged(
        rig: Rig, eventually: Eventually) -> None:
    await rig.call("10.0", path="/tmp/elsewhere/10.0.wav")
    rig.start()
    row = await eventually(rig.settled_row)
    assert row.state == "missing" and ASTERISK in (row.reason or "")


async def test_an_announcement_the_watcher_never_heard_of_is_adopted(
        rig: Rig, eventually: Eventually) -> None:
    """The process died between storing the call and making the row: the worker's sweep at
    start-up finds the announced path and makes the row."""
    tone_wav(rig.spool_file("11.0"), 1.0)
    await rig.tell_store_only([
        CallEntered("11.0", T0, "landline", "landline", "PJSIP/landline-1", None, "", None,
                    None),
        RecordingAnnounced("11.0", T0, f"{ASTERISK}/11.0.wav"),
        CallEnded("11.0", T0, "answered", 16, ""),
    ])
    assert await rig.rows() == []
    rig.start()

    async def stored() -> bool:
        return [r.state for r in await rig.rows()] == ["stored"]

    await eventually(stored)
