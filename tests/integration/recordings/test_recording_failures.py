"""A full archive disk and a worker killed mid-conversion: nothing lost, nothing stored twice."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from conftest import Eventually
from sounds import decoded_seconds, tone_wav

from callcenter.recordings.service.archive import Archive
from tests.integration.recording_rig import Rig, running_rig

RIG_SCRIPT = Path(__file__).parents[1] / "recording_rig.py"


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    async with running_rig(database_url, tmp_path) as made:
        yield made


def worker_process(rig: Rig, *args: str) -> subprocess.Popen[bytes]:
    """The worker alone in its own process (and process group), on the rig's database."""
    return subprocess.Popen(
        [sys.executable, str(RIG_SCRIPT), rig.db.url, str(rig.spool), str(rig.archive), *args],
        cwd=Path(__file__).parents[3], start_new_session=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def temp_files(rig: Rig) -> list[Path]:
    return Archive(rig.archive).temp_files()


async def failed_once(rig: Rig) -> object:
    row = await rig.row()
    return row.attempts >= 1 and row


async def test_a_file_limit_stops_the_write_and_nothing_is_lost(
        rig: Rig, eventually: Eventually) -> None:
    """RLIMIT_FSIZE in a worker process: the copy into the archive fails half-way (EFBIG, as
    a full disk fails with ENOSPC); the row waits for a retry, no partial file is left."""
    source = tone_wav(rig.spool_file("20.0"), 60.0)  # 960 kB
    await rig.call("20.0")
    process = worker_process(rig, "--fsize", str(400_000))
    output, _ = await asyncio.to_thread(process.communicate, timeout=60)
    assert process.returncode == 0, output.decode()
    row = await rig.row()
    assert (row.state, row.attempts) == ("pending", 1)
    assert "File too large" in (row.last_error or "")
    assert rig.archive_files() == [] and temp_files(rig) == []
    assert source.stat().st_size == 960_044
    rig.start()  # no limit now; the retry is due in 0.1 s
    row = await eventually(rig.settled_row)
    assert row.state == "stored" and row.duration == pytest.approx(60.0)
    assert len(rig.archive_files()) == 2


@contextlib.contextmanager
def tiny_disk(path: Path, size: str) -> Iterator[None]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                             capture_output=True, check=False)
    if mounted.returncode != 0:
        pytest.skip("mounting a tmpfs is not permitted here (needs root): "
                    + mounted.stderr.decode().strip())
    try:
        yield
    finally:
        subprocess.run(["umount", str(path)], check=True)


async def test_a_full_archive_disk_is_retried(rig: Rig, eventually: Eventually) -> None:
    """A real ENOSPC: the archive on a 256 kB tmpfs."""
    with tiny_disk(rig.archive, "256k"):
        tone_wav(rig.spool_file("21.0"), 60.0)
        await rig.call("21.0")
        rig.start()
        row = await eventually(lambda: failed_once(rig))
        assert row.state == "pending" and "No space left on device" in (row.last_error or "")
        assert temp_files(rig) == []
        subprocess.run(["mount", "-o", "remount,size=4m", str(rig.archive)], check=True)
        row = await eventually(rig.settled_row)
        assert row.state == "stored"
        assert decoded_seconds(rig.archive / (row.stored_path or "")) == pytest.approx(
            60.0, abs=0.1)


async def test_a_worker_killed_mid_conversion_is_done_again_once(
        rig: Rig, eventually: Eventually) -> None:
    source = tone_wav(rig.spool_file("22.0"), 600.0)  # ten minutes: a second or so to encode
    await rig.call("22.0")
    process = worker_process(rig)

    def converting() -> bool:
        return any(".mp3." in p.name for p in temp_files(rig))

    try:
        await eventually(converting, timeout=30, interval=0.005)
        os.killpg(process.pid, signal.SIGKILL)
    finally:
        await asyncio.to_thread(process.communicate, timeout=30)
    assert process.returncode == -signal.SIGKILL
    row = await rig.row()
    assert row.state == "pending" and row.attempts == 0  # died without a word
    assert source.exists() and temp_files(rig)  # the half-made copy of the dead worker

    rig.start()  # a new process picks the row up again
    row = await eventually(rig.settled_row, timeout=60)
    assert row.state == "stored" and row.duration == pytest.approx(600.0)
    assert rig.service.finished == 1
    assert temp_files(rig) == []
    assert sorted(rig.archive_files()) == sorted([row.original_path, row.stored_path])
    assert decoded_seconds(rig.archive / (row.stored_path or "")) == pytest.approx(600.0,
                                                                                  abs=0.1)
