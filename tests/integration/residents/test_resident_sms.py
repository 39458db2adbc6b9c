"""SMS to residents for real: the operator's save and the contractor's "done" enqueue them in
the outbox; a real worker sends them to a real HTTP receiver in the gateway's shape, retried
with the same idempotency key; landlines, withheld numbers and residents who said no get
nothing."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.delivery.tables import OutboxMessageRow
from callcenter.residents.model.sms import parts
from tests.integration.contractor_rig import PNG
from tests.integration.loopback_servers import HttpReceiver, Reply
from tests.integration.residents_rig import (
    BASE_URL,
    FORM,
    TOKEN,
    Residents,
    residents,
    sms_worker,
)
from tests.web_rig import PASSWORD


@pytest.fixture
async def receiver() -> AsyncIterator[HttpReceiver]:
    server = HttpReceiver()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def city(database_url: str, tmp_path: Path,
               receiver: HttpReceiver) -> AsyncIterator[Residents]:
    async with residents(database_url, tmp_path, sms_url=receiver.url("/sms")) as made:
        yield made


async def sms_rows(city: Residents) -> list[OutboxMessageRow]:
    async with city.web.db.reading() as session:
        return list((await session.scalars(select(OutboxMessageRow).where(
            OutboxMessageRow.channel == "sms").order_by(OutboxMessageRow.id))).all())


async def deliver(city: Residents, receiver: HttpReceiver, rounds: int = 3) -> None:
    worker, transport = sms_worker(city.web.db, receiver.url("/sms"))
    async with transport:
        for _ in range(rounds):
            await worker.run_once()
            await asyncio.sleep(0.05)  # past the (tiny) backoff of a failed attempt


async def mark_done(city: Residents, number: str) -> None:
    await city.web.user("uk-master", "contractor", contractor="uk")
    signed = await city.web.auth.sign_in(username="uk-master", password=PASSWORD,
                                         kind="bearer")
    async with city.web.client(signed.token) as client:
        done = await client.post(f"/api/contractor/appeals/{number}/done",
                                 data={"answer": "Дах залатано."},
                                 files=[("photos", ("roof.png", PNG, "image/png"))])
    assert done.status_code == 200, done.text


async def test_a_mobile_caller_gets_an_sms_when_saved_and_when_done(
        city: Residents, receiver: HttpReceiver) -> None:
    receiver.plan = [Reply(500, b'{"response_code": 999}')]  # the gateway fails once
    number = await city.call_and_save("+380671234567")
    await deliver(city, receiver)
    await mark_done(city, number)
    await deliver(city, receiver)

    sms = [r for r in receiver.received if r.path == "/sms"]
    assert [r.key for r in sms] == [f"appeal:{(await city.appeal(number)).id}:sms:{event}"
                                    for event in ("registered", "registered", "done")]
    link = f"{BASE_URL}/s/{number}"
    texts = [r.json()["sms"]["text"] for r in sms]
    assert texts[1] == f"Звернення {number} прийнято: {link}"
    assert texts[2] == f"Звернення {number} виконано: {link}"
    assert all(parts(text) == 1 for text in texts)
    first = sms[1]
    assert first.headers["authorization"] == f"Bearer {TOKEN}"
    assert first.json() == {"recipients": ["380671234567"],
                            "sms": {"sender": "1580", "text": texts[1]}}
    rows = await sms_rows(city)
    assert [(r.state, r.attempts, r.recipient) for r in rows] == [
        ("sent", 2, "+380671234567"), ("sent", 1, "+380671234567")]


async def test_saving_twice_enqueues_one_sms(city: Residents, receiver: HttpReceiver) -> None:
    number = await city.call_and_save("+380501234567")
    await city.web.app.state.appeals.on_registered(number)  # the sweep or a retry calling again
    assert len(await sms_rows(city)) == 1


async def test_landlines_withheld_numbers_and_refusals_get_nothing(
        city: Residents, receiver: HttpReceiver) -> None:
    await city.call_and_save("+380342123456", raw="342123456", trunk="landline")
    await city.call_and_save(None, trunk="landline")
    refused = await city.call_and_save("+380671112233", form={**FORM, "sms_refused": True})
    assert (await city.appeal(refused)).sms_refused  # the operator ticked "no SMS"
    await mark_done(city, refused)
    assert await sms_rows(city) == []
    await deliver(city, receiver)
    assert [r for r in receiver.received if r.path == "/sms"] == []


async def test_no_gateway_no_sms(database_url: str, tmp_path: Path) -> None:
    async with residents(database_url, tmp_path, sms_url="") as quiet:
        await quiet.call_and_save("+380671234567")
        assert await sms_rows(quiet) == []
