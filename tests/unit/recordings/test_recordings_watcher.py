"""Announced recordings are never dropped while the database is away (issue 11, item 4): the
watcher keeps them and its worker stores them on its next passes, as the intake retries."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from structlog.testing import capture_logs

from callcenter.calls.model.facts import CallEnded, RecordingAnnounced
from callcenter.core.errors import StoreUnavailable
from callcenter.recordings.model.recordings import Announcement, DueRecording
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.recordings import Recordings, RecordingSettings

T0 = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
SPOOL = "/var/spool/asterisk/monitor"


class AwayStore:
    """A recording store whose database may be away (a hand-written fake)."""

    def __init__(self) -> None:
        self.away = True
        self.pending: dict[str, Announcement] = {}

    def _answer(self) -> None:
        if self.away:
            raise StoreUnavailable("database unavailable: CannotConnectNowError 57P03: "
                                   "the database system is shutting down")

    async def add_pending(self, items: Sequence[Announcement]) -> int:
        self._answer()
        for item in items:
            self.pending.setdefault(item.call_id, item)
        return len(items)

    async def adopt_announced(self, *, since: datetime, at: datetime) -> int:
        self._answer()
        return 0

    async def due(self, *, now: datetime, limit: int) -> list[DueRecording]:
        self._answer()
        return []

    async def mark_archived(self, *args: Any, **kwargs: Any) -> bool:
        raise NotImplementedError

    async def mark_missing(self, *args: Any, **kwargs: Any) -> bool:
        raise NotImplementedError

    async def retry_later(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError

    async def hold(self, *args: Any, **kwargs: Any) -> int:
        raise NotImplementedError


class NoEncoder:
    format = "mp3"

    def encode(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError


def announced(call_id: str) -> list[RecordingAnnounced | CallEnded]:
    return [RecordingAnnounced(call_id, T0, f"{SPOOL}/{call_id}.wav"),
            CallEnded(call_id, T0, "answered", 16, "Normal Clearing")]


async def test_announcements_wait_for_the_database_and_are_stored_when_it_is_back(
        tmp_path: Path, eventually: Any) -> None:
    store = AwayStore()
    settings = RecordingSettings(spool_dir=str(tmp_path), asterisk_spool_dir=SPOOL,
                                 poll_interval=0.01)
    service = Recordings(store=store, archive=Archive(tmp_path / "archive"),
                         encoder=NoEncoder(), settings=settings)  # type: ignore[arg-type]
    with capture_logs() as logs:
        await service.facts_stored(announced("1.1"))  # the intake's writer: nothing raised
        worker = asyncio.create_task(service.run())
        await service.facts_stored(announced("1.2"))
        store.away = False  # what is stored from now on, the worker stores
        await eventually(lambda: set(store.pending) == {"1.1", "1.2"})
        worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker
    events = [(e["event"], e["log_level"]) for e in logs]
    assert events[:2] == [("recordings_waiting_for_database", "warning"),
                          ("recordings_database_back", "info")]
    assert events.count(("recordings_waiting_for_database", "warning")) == 1
    assert store.pending["1.2"].path == f"{SPOOL}/1.2.wav"
