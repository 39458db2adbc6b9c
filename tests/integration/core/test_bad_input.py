"""Input the schema allowed made HTTP 500 (issue 12): now each is a 422 with the error
envelope, on both engines; and a failure nothing handles is one JSON log line and a 500 with
the envelope on a connection that stays open."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from fastapi import APIRouter, Depends
from structlog.testing import capture_logs

from callcenter.core import logs
from callcenter.core.web.app import WebParts, create_app
from callcenter.users.access import public
from tests.web_rig import WebRig, serving

BIG = 2**64
REFUSED = [
    ("GET", "/api/appeals?offset=9223372036854775808", None),
    ("GET", "/api/contractor/appeals?offset=9223372036854775808", "contractor"),
    ("GET", "/api/appeals?date_from=0001-01-01", None),
    ("GET", "/api/appeals?date_to=9999-12-31", None),
    ("GET", "/api/outbox/log?contractor=%00", None),
    ("GET", "/api/appeals?q=%1B%5B31m", None),
    ("GET", f"/api/disputes/{BIG}", None),
    ("POST", f"/api/outbox/{BIG}/resend", None),
    ("POST", f"/api/links/{BIG}/revoke", None),
    ("GET", "/api/appeals/2026-%00", None),
]


async def test_out_of_range_and_control_characters_are_refused(web: WebRig) -> None:
    tokens = {role: await web.token(f"user-{role}", role) for role in ("supervisor",
                                                                      "contractor")}
    for method, path, role in REFUSED:
        async with web.client(tokens[role or "supervisor"]) as client:
            response = await client.request(method, path, json={})
        assert response.status_code == 422, (path, response.text)
        assert response.json()["error_id"] == "validation"
        assert response.json()["details"][0]["problem"]


async def test_json_text_loses_what_no_database_can_store(web: WebRig) -> None:
    token = await web.token("boss", "admin")
    body = {"code": "lift", "name": "Ліфт\u0000сервіс \ud800\u001b[31m", "kind": "utility",
            "channels": ["email"], "email": "lift@example.org"}
    async with web.client(token) as client:
        added = await client.post(  # ensure_ascii: the surrogate travels as \\ud800
            "/api/admin/contractors", content=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"})
        links = await client.post("/api/appeals/2026-000001/links", json={"dispute_id": BIG})
    assert added.status_code == 201, added.text
    assert added.json()["name"] == "Ліфтсервіс [31m"
    assert links.status_code == 422


async def test_a_form_with_control_characters_is_refused(web: WebRig) -> None:
    async with web.client() as client:
        page = await client.get("/login")
        response = await client.post("/login", data={"username": "olena\u0000",
                                                      "password": "x" * 10})
    assert page.status_code == 200
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "username"


async def test_a_json_body_over_a_mebibyte_is_refused(web: WebRig) -> None:
    token = await web.token("sup", "supervisor")
    async with web.client(token) as client:
        response = await client.post("/api/disputes/1/notes", json={"text": "x" * (1 << 20)})
    assert response.status_code == 413
    assert response.json()["error_id"] == "too_large"


# -- a failure nothing handles -------------------------------------------------------------


def crashing_app(web: WebRig) -> WebRig:
    router = APIRouter()

    @router.get("/api/crash", dependencies=[Depends(public())])
    async def crash() -> None:
        raise RuntimeError("a bug of ours")

    app = create_app(WebParts(auth=web.auth, readiness=web.app.state.readiness,
                              routers=[router]))
    return WebRig(app=app, db=web.db, auth=web.auth, config=web.config)


@pytest.fixture
def uvicorn_records() -> Iterator[list[logging.LogRecord]]:
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                   path: str) -> tuple[str, bytes]:
    """One HTTP/1.1 request on an open connection: the head and the body of the answer."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).decode().lower()
    length = int(head.split("content-length:")[1].split("\r\n")[0])
    return head, await reader.readexactly(length)


async def test_a_crash_is_an_envelope_logged_once_on_a_live_connection(
        web: WebRig, uvicorn_records: list[logging.LogRecord]) -> None:
    async with serving(crashing_app(web)) as live:
        reader, writer = await asyncio.open_connection("127.0.0.1", live.port)
        with capture_logs() as logs:
            head, body = await exchange(reader, writer, "/api/crash")
        after, _ = await exchange(reader, writer, "/healthz")  # the same connection
        writer.close()
    assert head.startswith("http/1.1 500") and "connection: close" not in head
    assert json.loads(body)["error_id"] == "internal"
    assert "content-security-policy: default-src 'self'" in head
    assert after.startswith("http/1.1 200")
    failed = [e for e in logs if e["event"] == "request_failed"]
    assert len(failed) == 1 and isinstance(failed[0]["exc_info"], RuntimeError)
    assert not [r for r in uvicorn_records if r.levelno >= logging.ERROR]


def test_json_logs_carry_the_traceback_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    logs.configure(fmt="json")
    try:
        try:
            raise RuntimeError("a bug of ours")
        except RuntimeError as exc:
            structlog.get_logger("callcenter.web").error("request_failed", exc_info=exc)
    finally:
        structlog.reset_defaults()
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and '"exception": "Traceback' in lines[0]
