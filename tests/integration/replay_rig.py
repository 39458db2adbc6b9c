"""A supervisor's world: the web app as main.py builds it, on a real database, whose archive
holds recordings the real pipeline stored (a generated WAV -> pydub/ffmpeg MP3)."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from callcenter import main
from callcenter.appeals.tables import Appeal
from callcenter.calls.tables import Call
from callcenter.core.database import Database
from callcenter.recordings.tables import Recording
from callcenter.users.access import SESSION_COOKIE
from tests.integration.recording_rig import T0, Rig, settings_for
from tests.sounds import tone_wav
from tests.web_rig import PASSWORD, WebRig, web_config

Eventually = Callable[..., Awaitable[Any]]


@dataclass(frozen=True)
class Stored:
    number: str
    recording_id: str
    mp3: Path
    wav: Path


@dataclass
class SupervisionRig:
    web: WebRig
    archive: Path
    spool: Path
    users: set[str] = field(default_factory=set)

    @property
    def db(self) -> Database:
        return self.web.db

    async def stored(self, eventually: Eventually, *, call_id: str = "1764365400.1",
                     seconds: float = 8.0, at: datetime = T0) -> Stored:
        """A call that hung up and whose tone WAV the worker stored (MP3 + kept original)."""
        rig = Rig(self.db, self.spool, self.archive, settings_for(self.spool))
        await rig.call(call_id, at=at)
        tone_wav(rig.spool_file(call_id), seconds)
        rig.start()
        try:
            row = await eventually(lambda: self._settled(call_id), timeout=60)
        finally:
            await rig.stop()
        assert row[0].state == "stored", row[0].reason
        return Stored(row[1], row[0].id, self.archive / str(row[0].stored_path),
                      self.archive / str(row[0].original_path))

    async def _settled(self, call_id: str) -> tuple[Recording, str] | None:
        query = (select(Recording, Appeal.number).join(Call, Call.id == Recording.call_id)
                 .join(Appeal, Appeal.id == Recording.appeal_id)
                 .where(Call.linkedid == call_id))
        async with self.db.reading() as session:
            row = (await session.execute(query)).first()
        if row is None or row[0].state == "pending":
            return None
        return row[0], row[1]

    async def _user(self, name: str, role: str) -> None:
        if name not in self.users:
            await self.web.user(name, role)
            self.users.add(name)

    async def token(self, name: str, role: str = "supervisor") -> str:
        """A bearer token of a new session of this user (made on first use)."""
        await self._user(name, role)
        signed = await self.web.auth.sign_in(username=name, password=PASSWORD, kind="bearer")
        return signed.token

    async def browser(self, name: str, role: str = "supervisor") -> httpx.AsyncClient:
        """A client with a cookie session as a browser holds it; the CSRF token is in
        `client.headers["X-CSRF-Token"]` (remove it to play a forged request)."""
        await self._user(name, role)
        signed = await self.web.auth.sign_in(username=name, password=PASSWORD)
        client = self.web.client()
        client.cookies.set(SESSION_COOKIE, signed.token)
        client.headers["X-CSRF-Token"] = signed.principal.csrf_token
        return client


async def make_supervision(database_url: str, tmp_path: Path, **replay: Any) -> SupervisionRig:
    archive, spool = tmp_path / "archive", tmp_path / "spool"
    config = web_config(database_url)
    config = config.replace(
        recordings=dataclasses.replace(config.recordings, dir=str(archive),
                                       spool_dir=str(spool)),
        replay=dataclasses.replace(config.replay, **replay))
    db = Database(database_url)
    app = main.build_web(config, db)
    web = WebRig(app=app, db=db, auth=app.state.auth, config=config)
    return SupervisionRig(web, archive, spool)
