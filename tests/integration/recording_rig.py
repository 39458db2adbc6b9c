"""A recordings worker on a real database, a real spool and archive on disk, real ffmpeg.

Also runnable as a script (`python recording_rig.py URL SPOOL ARCHIVE [--fsize BYTES]`): runs
the worker in its own process until no row is due, for the tests that kill a worker or limit
what it may write.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import resource
import signal
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.calls.model.facts import CallEnded, CallEntered, CallFact, RecordingAnnounced
from callcenter.calls.store.calls import SqlCallStore
from callcenter.core.database import Database
from callcenter.recordings.audio import PydubEncoder
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.recordings import Recordings, RecordingSettings
from callcenter.recordings.store.recordings import SqlRecordingStore
from callcenter.recordings.tables import Recording

ASTERISK = "/var/spool/asterisk/monitor"
T0 = datetime(2026, 11, 28, 21, 30, tzinfo=UTC)  # 23:30 in Kyiv: the archive folder's date


def settings_for(spool: Path, **changes: Any) -> RecordingSettings:
    base = RecordingSettings(spool_dir=str(spool), asterisk_spool_dir=ASTERISK,
                             timezone="Europe/Kyiv", workers=2, settle_seconds=0.3,
                             missing_after=3600.0, poll_interval=0.05, retry_first=0.1)
    return replace(base, **changes)


@dataclass
class Rig:
    db: Database
    spool: Path
    archive: Path
    settings: RecordingSettings
    service: Recordings = field(init=False)
    _task: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        self.service = self.new_service()

    def new_service(self) -> Recordings:
        return Recordings(store=SqlRecordingStore(self.db, pbx="pbx1"),
                          archive=Archive(self.archive), encoder=PydubEncoder(),
                          settings=self.settings)

    def spool_file(self, call_id: str) -> Path:
        return self.spool / f"{call_id}.wav"

    async def call(self, call_id: str, *, ended: bool = True, path: str | None = None,
                   at: datetime = T0) -> None:
        """A call that announced its recording (and hung up), stored and told the service."""
        facts: list[CallFact] = [
            CallEntered(call_id, at, "landline", "landline", "PJSIP/landline-1",
                        "+380342523456", "523456", None, None),
            RecordingAnnounced(call_id, at, path or f"{ASTERISK}/{call_id}.wav"),
        ]
        if ended:
            facts.append(CallEnded(call_id, at + timedelta(seconds=30), "answered", 16,
                                   "Normal Clearing"))
        await self.tell(facts)

    async def tell(self, facts: Sequence[CallFact]) -> None:
        await self.tell_store_only(facts)
        await self.service.facts_stored(facts)

    async def tell_store_only(self, facts: Sequence[CallFact]) -> None:
        await SqlCallStore(self.db, pbx="pbx1", timezone="Europe/Kyiv").apply(facts)

    def start(self) -> None:
        self._task = asyncio.create_task(self.service.run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def rows(self) -> list[Recording]:
        async with self.db.transaction() as session:
            return list((await session.scalars(select(Recording)
                                               .order_by(Recording.created_at))).all())

    async def row(self) -> Recording:
        rows = await self.rows()
        assert len(rows) == 1, rows
        return rows[0]

    async def settled_row(self) -> Recording | None:
        row = await self.row()
        return row if row.state != "pending" else None

    async def appeals(self) -> list[Appeal]:
        async with self.db.transaction() as session:
            return list((await session.scalars(select(Appeal).order_by(Appeal.id))).all())

    async def appeal(self) -> tuple[Appeal, list[AppealHistory]]:
        async with self.db.transaction() as session:
            appeal = (await session.scalars(select(Appeal))).one()
            history = (await session.scalars(select(AppealHistory).where(
                AppealHistory.appeal_id == appeal.id).order_by(AppealHistory.id))).all()
        return appeal, list(history)

    async def service_polled(self, times: int = 1) -> None:
        """Until the worker has looked at the due rows `times` more times."""
        target = self.service.polls + times
        async with asyncio.timeout(10):
            while self.service.polls < target:
                await asyncio.sleep(0.01)

    def archive_files(self) -> list[str]:
        return Archive(self.archive).files()


# -- as a script: one worker process -------------------------------------------------------


@contextlib.asynccontextmanager
async def running_rig(database_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    """A rig on the database with its spool and archive under tmp_path; stopped after."""
    db = Database(database_url)
    spool = tmp_path / "spool"
    spool.mkdir()
    rig = Rig(db, spool, tmp_path / "archive", settings_for(spool))
    try:
        yield rig
    finally:
        await rig.stop()
        await db.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def _work(url: str, spool: Path, archive: Path, timeout: float) -> None:
    db = Database(url)
    rig = Rig(db, spool, archive, settings_for(spool))
    rig.start()
    try:
        async with asyncio.timeout(timeout):
            while not await _quiet(rig):
                await asyncio.sleep(0.05)
    finally:
        await rig.stop()
        await db.close()


async def _quiet(rig: Rig) -> bool:
    """Nothing left to do now: every row left `pending`, or failed and waits for a retry."""
    return all(r.state != "pending" or r.attempts > 0 for r in await rig.rows())


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("spool", type=Path)
    parser.add_argument("archive", type=Path)
    parser.add_argument("--fsize", type=int, help="RLIMIT_FSIZE: no file may grow past this")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    if args.fsize:
        # Past the limit a write fails with EFBIG instead of killing us (SIGXFSZ ignored).
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (args.fsize, args.fsize))
    asyncio.run(_work(args.url, args.spool, args.archive, args.timeout))


if __name__ == "__main__":
    main()
