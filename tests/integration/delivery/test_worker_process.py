"""`callcenter worker` as a process: killed between sending and recording, nothing is lost and
the repeat carries the same key; SIGHUP reloads the rules and refuses a broken file."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Eventually
from sqlalchemy import select

from callcenter.appeals.tables import Appeal
from callcenter.delivery.senders.email import SmtpSettings
from callcenter.delivery.senders.transport import ChannelTransport
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings
from callcenter.delivery.tables import DeliveryAttemptRow, OutboxMessageRow
from tests.integration.loopback_servers import Hold, HttpReceiver, SmtpSink, free_port
from tests.integration.routing_seed import SECRET, SECRET_ENV, build_city

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
async def receiver() -> AsyncIterator[HttpReceiver]:
    server = HttpReceiver()
    await server.start()
    yield server
    await server.stop()


def worker_env(url: str, rules: Path, smtp: SmtpSink) -> dict[str, str]:
    return {**os.environ, "CALLCENTER_DATABASE_URL": url,
            "CALLCENTER_ROUTING__RULES": str(rules), "CALLCENTER_SMTP__HOST": "127.0.0.1",
            "CALLCENTER_SMTP__PORT": str(smtp.port), "CALLCENTER_NOTIFY__WEBHOOK_TIMEOUT": "60",
            "CALLCENTER_OUTBOX__LEASE": "120", "CALLCENTER_OUTBOX__POLL_INTERVAL": "0.1",
            "CALLCENTER_LOG__FORMAT": "json", SECRET_ENV: SECRET.decode()}


async def start_worker(env: dict[str, str], cwd: Path, name: str
                       ) -> asyncio.subprocess.Process:
    with (cwd / f"{name}.log").open("wb") as log:  # the child keeps its own descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "worker", "--name", name, cwd=cwd, env=env,
            stdout=log, stderr=log)


async def test_a_worker_killed_between_sending_and_recording_loses_nothing(
        database_url: str, tmp_path: Path, smtp: SmtpSink, receiver: HttpReceiver,
        eventually: Eventually, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET.decode())
    city = await build_city(database_url, tmp_path, webhook_url=receiver.url())
    city.clock.now = datetime.now(UTC)  # the worker process runs on the real clock
    appeal_id = await city.registered("water_pipe_burst", "Галицька 3")
    routed = await city.appeal_router.appeal_registered(appeal_id)
    await city.answers.take_into_work(appeal_id, contractor_id=routed.assignment.contractor_id,
                                      actor="v")  # acknowledged: the sweep stays quiet
    hold = Hold()
    receiver.plan = [hold]
    process = await start_worker(worker_env(database_url, tmp_path / "routing.toml", smtp),
                                 tmp_path, "doomed")

    async def state(channel: str) -> OutboxMessageRow:
        async with city.db.transaction() as session:
            row = await session.scalar(select(OutboxMessageRow).where(
                OutboxMessageRow.channel == channel))
            assert row is not None
            return row

    try:
        await eventually(lambda: len(receiver.received) == 1 and len(smtp.messages) == 1,
                         timeout=60)
    finally:
        process.kill()  # SIGKILL: the e-mail went out, the webhook's answer is on its way
        await process.wait()
    hold.release.set()
    webhook, mail = await state("webhook"), await state("email")
    assert (webhook.state, webhook.claimed_by) == ("sending", "doomed-1")
    assert mail.state == "sending"  # sent, but the batch was not recorded

    later = datetime.now(UTC) + timedelta(minutes=10)  # past the lease
    transport = ChannelTransport(SmtpSettings(port=smtp.port), webhook_timeout=5)
    survivor = OutboxWorker(store=city.outbox, transport=transport, name="survivor",
                            settings=WorkerSettings(lease=120), clock=lambda: later)
    try:
        assert await survivor.release_stale() == 2
        assert await survivor.run_once() == 2
    finally:
        await transport.close()
    assert receiver.keys() == [webhook.idempotency_key] * 2  # the repeats carry the key ...
    assert len(set(smtp.message_ids())) == 1 and len(smtp.messages) == 2  # ... and Message-ID
    assert (await state("webhook")).state == (await state("email")).state == "sent"
    async with city.db.transaction() as session:
        attempts = (await session.scalars(select(DeliveryAttemptRow).where(
            DeliveryAttemptRow.outbox_id == webhook.id).order_by(DeliveryAttemptRow.id))).all()
        delivery = await session.scalar(select(Appeal.delivery).where(Appeal.id == appeal_id))
    assert [(a.worker, a.ok) for a in attempts] == [("lease", False), ("survivor", True)]
    assert "did not record a result within the lease" in attempts[0].error
    assert delivery == "delivered"
    await city.db.close()


async def test_sigterm_lets_the_worker_finish_the_batch_in_hand(
        database_url: str, tmp_path: Path, smtp: SmtpSink, receiver: HttpReceiver,
        eventually: Eventually, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET.decode())
    city = await build_city(database_url, tmp_path, webhook_url=receiver.url())
    city.clock.now = datetime.now(UTC)
    appeal_id = await city.registered("water_pipe_burst", "Галицька 3")
    routed = await city.appeal_router.appeal_registered(appeal_id)
    await city.answers.take_into_work(appeal_id, contractor_id=routed.assignment.contractor_id,
                                      actor="v")
    hold = Hold()
    receiver.plan = [hold]
    process = await start_worker(worker_env(database_url, tmp_path / "routing.toml", smtp),
                                 tmp_path, "deploy")
    try:
        await eventually(lambda: len(receiver.received) == 1, timeout=60)
        process.terminate()  # a deploy: the webhook's answer has not come yet
        hold.release.set()
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    async with city.db.transaction() as session:
        states = (await session.scalars(select(OutboxMessageRow.state))).all()
        delivery = await session.scalar(select(Appeal.delivery).where(Appeal.id == appeal_id))
    assert sorted(states) == ["sent", "sent"] and delivery == "delivered"
    assert len(receiver.received) == 1  # nothing left for anyone to send again
    assert "worker_stopped" in (tmp_path / "deploy.log").read_text()
    await city.db.close()


async def test_sighup_reloads_the_rules_and_keeps_them_when_broken(
        tmp_path: Path, smtp: SmtpSink, eventually: Eventually) -> None:
    rules = tmp_path / "routing.toml"
    rules.write_text((ROOT / "config" / "routing.toml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    url = f"sqlite+aiosqlite:///{tmp_path}/worker.db"
    process = await start_worker(worker_env(url, rules, smtp), tmp_path, "hup")
    log = tmp_path / "hup.log"
    try:
        await eventually(lambda: "worker_started" in log.read_text(), timeout=60)
        rules.write_text("coordinator = [broken", encoding="utf-8")
        process.send_signal(signal.SIGHUP)
        await eventually(lambda: "routing_rules_rejected" in log.read_text(), timeout=20)
        rules.write_text((ROOT / "config" / "routing.toml").read_text(encoding="utf-8"),
                         encoding="utf-8")
        process.send_signal(signal.SIGHUP)
        await eventually(lambda: log.read_text().count("routing_rules_loaded") == 2, timeout=20)
        assert process.returncode is None  # still running after a bad reload
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_sighup_reloads_the_rules_of_a_web_process_too(
        tmp_path: Path, eventually: Eventually) -> None:
    """The web process routes every appeal an operator saves: it reloads on SIGHUP as well."""
    rules = tmp_path / "routing.toml"
    rules.write_text((ROOT / "config" / "routing.toml").read_text(encoding="utf-8"),
                     encoding="utf-8")
    env = {**os.environ, "CALLCENTER_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/web.db",
           "CALLCENTER_ROUTING__RULES": str(rules), "CALLCENTER_LOG__FORMAT": "json",
           "CALLCENTER_HTTP_PORT": str(free_port())}
    log = tmp_path / "web.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "callcenter", "web", cwd=tmp_path, env=env, stdout=out,
            stderr=out)
    try:
        await eventually(lambda: "serving_web" in log.read_text(), timeout=60)
        rules.write_text("coordinator = [broken", encoding="utf-8")
        process.send_signal(signal.SIGHUP)
        await eventually(lambda: "routing_rules_rejected" in log.read_text(), timeout=20)
        assert process.returncode is None  # a broken file never stops the process
        process.terminate()
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
