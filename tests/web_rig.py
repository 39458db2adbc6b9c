"""The web app as main.py builds it, on a real database, and served on a loopback port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
from fastapi import FastAPI

from callcenter import main
from callcenter.core import config as configuration
from callcenter.core.database import Database
from callcenter.users.service import Auth

PASSWORD = "correct horse battery"
BASE = "http://callcenter.test"


@dataclass
class WebRig:
    """The app on a real database, with helpers to make users and sign them in."""

    app: FastAPI
    db: Database
    auth: Auth
    config: configuration.Config
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, token: str | None = None, **kwargs: object) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers,
                                 **kwargs)  # type: ignore[arg-type]

    async def user(self, name: str, role: str, *, seat: str | None = None,
                   contractor: str | None = None) -> None:
        await self.auth.add_user(username=name, password=PASSWORD, role=role, seat=seat,
                                 contractor=contractor or ("water" if role == "contractor"
                                                           else None))

    async def token(self, name: str, role: str, *, seat: str | None = None) -> str:
        """A bearer token of a (new) user with this role."""
        if name not in self.tokens:
            await self.user(name, role, seat=seat)
            signed = await self.auth.sign_in(username=name, password=PASSWORD, kind="bearer")
            self.tokens[name] = signed.token
        return self.tokens[name]


async def make_web(database_url: str) -> WebRig:
    config = web_config(database_url)
    db = Database(database_url)
    app = main.build_web(config, db)
    return WebRig(app=app, db=db, auth=app.state.auth, config=config)


def web_config(database_url: str) -> configuration.Config:
    config = configuration.load(environ={})
    return config.replace(database=configuration.DatabaseConfig(url=database_url))


@dataclass
class LiveWeb:
    """The app served by uvicorn on a real loopback port (for WebSockets and Chromium)."""

    rig: WebRig
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@contextlib.asynccontextmanager
async def serving(rig: WebRig) -> AsyncIterator[LiveWeb]:
    http = configuration.HttpConfig(host="127.0.0.1", port=0)
    server = main.HttpServer(main.uvicorn_config(rig.app, rig.config.replace(http=http)))
    task = asyncio.ensure_future(server.serve())
    try:
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        yield LiveWeb(rig, port)
    finally:
        server.should_exit = True
        await task
