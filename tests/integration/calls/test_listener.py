"""The listener end to end: the simulator (real AMI over TCP) -> AMI link -> intake -> database.

Every test runs on SQLite and on PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from callcenter.appeals.model.listing import AppealListItem
from callcenter.appeals.rows import appeal_history
from callcenter.appeals.store.queries import list_appeals
from callcenter.calls.tables import CallRing
from callcenter.core.config import AmiConfig, Config, DatabaseConfig, IntakeConfig
from callcenter.main import Listener, build_listener
from callcenter.simulator import SimulatedPbx

FAST = {"ring_seconds": 0.05, "talk_seconds": 0.05}


def make_config(database_url: str, pbx: SimulatedPbx, tmp_path: Path, **ami: object) -> Config:
    ami_settings = AmiConfig(host="127.0.0.1", port=pbx.port, ping_interval=0.5,
                             ping_timeout=0.5, reconnect_min=0.05, reconnect_max=0.2,
                             connect_timeout=2.0, action_timeout=2.0)
    return Config(
        ami=dataclasses.replace(ami_settings, **ami),
        database=DatabaseConfig(url=database_url),
        intake=IntakeConfig(journal=str(tmp_path / "journal.jsonl"), memory_queue=1000),
    )


@contextlib.asynccontextmanager
async def running(config: Config) -> AsyncIterator[Listener]:
    listener = build_listener(config)
    task = asyncio.create_task(listener.run())
    try:
        yield listener
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await listener.drain(timeout=2.0)


@pytest.fixture
async def pbx() -> AsyncIterator[SimulatedPbx]:
    async with SimulatedPbx() as simulated:
        yield simulated


async def appeals_when(listener: Listener, eventually: object, count: int,
                       *, ended: bool = True) -> list[AppealListItem]:
    async def ready() -> list[AppealListItem] | None:
        items = await list_appeals(listener.db)
        done = [i for i in items if not ended or i.call_outcome != "in_progress"]
        return items if len(done) >= count else None

    return await eventually(ready)  # type: ignore[operator, no-any-return]


async def logged_in(listener: Listener, eventually: object) -> None:
    await eventually(lambda: listener.link.logged_in)  # type: ignore[operator]


SCENARIOS = [
    # scenario, caller, trunk, line, carrier, outcome, status, operator
    ("pjsip-landline-answered", "+380342123456", "landline", "landline", None,
     "answered", "new", "PJSIP/op1001"),
    ("pjsip-kyivstar-operator-hangup", "+380671234567", "kyivstar", "mobile", "Київстар",
     "answered", "new", "PJSIP/op1001"),
    ("pjsip-vodafone-abandoned", "+380501234567", "vodafone", "mobile", "Vodafone Україна",
     "abandoned", "missed", None),
    ("landline-answered", "+380342123456", "landline", "landline", None,
     "answered", "new", "SIP/op1001"),
    ("kyivstar-ringnoanswer-abandoned", "+380671234567", "kyivstar", "mobile", "Київстар",
     "abandoned", "missed", None),
    # nobody answered within Queue()'s timeout: the hotline failed, a call-back is due
    ("pjsip-queue-timeout", "+380671234599", "kyivstar", "mobile", "Київстар",
     "failed", "missed", None),
]


@pytest.mark.parametrize(("scenario", "caller", "trunk", "line", "carrier", "outcome",
                          "status", "operator"), SCENARIOS)
async def test_each_call_becomes_one_appeal(database_url: str, pbx: SimulatedPbx,
                                            tmp_path: Path, eventually: object,
                                            scenario: str, caller: str, trunk: str,
                                            line: str, carrier: str | None, outcome: str,
                                            status: str, operator: str | None) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        call_id = await pbx.play(scenario, **FAST)
        [item] = await appeals_when(listener, eventually, 1)
    assert item.number.endswith("-000001")
    assert (item.call_id, item.channel, item.status) == (call_id, "phone", status)
    assert (item.caller, item.trunk, item.line, item.carrier) == (caller, trunk, line, carrier)
    assert (item.call_outcome, item.operator) == (outcome, operator)
    assert item.recording_path == f"/var/spool/asterisk/monitor/{call_id}.wav"


RINGS = [
    ("pjsip-landline-answered", [("PJSIP/op1002", "taken"), ("PJSIP/op1001", "answered")]),
    ("pjsip-vodafone-abandoned", [("PJSIP/op1002", "caller_gone"),
                                  ("PJSIP/op1001", "caller_gone")]),
    ("kyivstar-ringnoanswer-abandoned", [("SIP/op1002", "no_answer"), ("SIP/op1001", "no_answer"),
                                         ("SIP/op1002", "caller_gone"),
                                         ("SIP/op1001", "caller_gone")]),
    ("pjsip-queue-timeout", [("PJSIP/op1002", "no_answer"), ("PJSIP/op1001", "no_answer")] * 8),
]


@pytest.mark.parametrize(("scenario", "rings"), RINGS)
async def test_every_ring_ends_with_a_result(database_url: str, pbx: SimulatedPbx,
                                             tmp_path: Path, eventually: object,
                                             scenario: str, rings: list[tuple[str, str]]) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        await pbx.play(scenario, **FAST)
        await appeals_when(listener, eventually, 1)
        async with listener.db.reading() as session:
            stored = (await session.execute(select(CallRing.seat, CallRing.result)
                                            .order_by(CallRing.id))).all()
    assert [tuple(ring) for ring in stored] == rings


async def test_cyrillic_name_survives_every_split(database_url: str, pbx: SimulatedPbx,
                                                  tmp_path: Path, eventually: object) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        pbx.split_writes = 7
        pbx.split_at_utf8 = True
        await pbx.play("pjsip-cyrillic-name", caller_name="Олена Ковальчук-Їжакевич", **FAST)
        [item] = await appeals_when(listener, eventually, 1)
    assert item.caller_name == "Олена Ковальчук-Їжакевич"
    assert item.carrier == "Київстар"


async def test_overlapping_calls_and_header_variants(database_url: str, pbx: SimulatedPbx,
                                                     tmp_path: Path,
                                                     eventually: object) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        variants = {"timestamps": True, "chanvars": {"TRUNK": None, "APPEAL_REC": None}}
        await asyncio.gather(
            pbx.play("pjsip-landline-answered", caller="0342523456", **FAST, **variants),
            pbx.play("pjsip-kyivstar-operator-hangup", caller="0671112233", **FAST),
            pbx.play("vodafone-abandoned", caller="anonymous", trunk="vodafone", **FAST),
        )
        items = await appeals_when(listener, eventually, 3)
    by_trunk = {i.trunk: i for i in items}
    assert by_trunk["landline"].caller == "+380342523456"
    assert by_trunk["kyivstar"].caller == "+380671112233"
    assert by_trunk["vodafone"].caller is None
    assert by_trunk["vodafone"].status == "missed"
    assert sorted(i.number[-6:] for i in items) == ["000001", "000002", "000003"]
    assert len({i.call_id for i in items}) == 3


async def test_the_same_call_replayed_opens_no_second_appeal(database_url: str,
                                                             pbx: SimulatedPbx,
                                                             tmp_path: Path,
                                                             eventually: object) -> None:
    from callcenter.simulator import IdSource, load_template, render

    frames = render(load_template("pjsip-landline-answered"), ids=IdSource())
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        await pbx.play_frames(frames)
        await appeals_when(listener, eventually, 1)
        await pbx.drop_clients()  # reconnect and resync, then the very same frames again
        await eventually(lambda: listener.link.reconnects >= 1 and listener.link.logged_in)
        await pbx.play_frames(frames)
        await eventually(lambda: listener.intake.inbox.empty()
                         and len(listener.intake.backlog) == 0)
        items = await list_appeals(listener.db)
    assert len(items) == 1


async def test_call_that_ended_while_link_was_down_closes_as_unknown(
        database_url: str, pbx: SimulatedPbx, tmp_path: Path, eventually: object) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        answered = pbx.start_call("pjsip-landline-answered", ring_seconds=0.05,
                                  talk_seconds=60)
        waiting = pbx.start_call("pjsip-vodafone-abandoned", ring_seconds=60)
        await appeals_when(listener, eventually, 2, ended=False)
        await eventually(lambda: _answered(listener, answered))
        await pbx.restart(crash=True)  # kill -9: no Hangup ever arrives
        items = {i.call_id: i for i in await appeals_when(listener, eventually, 2)}
    assert (items[answered].call_outcome, items[answered].status) == ("unknown", "new")
    assert items[answered].operator == "PJSIP/op1001"
    assert (items[waiting].call_outcome, items[waiting].status) == ("unknown", "missed")
    history = await _history(database_url, items[waiting].number)
    assert history[-1] == "call unknown while the AMI link was down"


async def _answered(listener: Listener, call_id: str) -> bool:
    items = await list_appeals(listener.db)
    return any(i.call_id == call_id and i.operator for i in items)


async def _history(database_url: str, number: str) -> list[str]:
    from callcenter.core.database import Database

    db = Database(database_url)
    try:
        return [h.comment for h in await appeal_history(db, number)]
    finally:
        await db.close()


async def test_call_in_progress_at_connect_is_adopted(database_url: str, pbx: SimulatedPbx,
                                                      tmp_path: Path,
                                                      eventually: object) -> None:
    call_id = pbx.start_call("pjsip-kyivstar-operator-hangup", ring_seconds=0.05,
                             talk_seconds=60)
    await eventually(lambda: call_id in pbx.live.linkedids())
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        [item] = await appeals_when(listener, eventually, 1, ended=False)
        assert (item.call_id, item.call_outcome) == (call_id, "in_progress")
        await pbx.finish_call(call_id)
        [item] = await appeals_when(listener, eventually, 1)
    assert item.call_outcome == "answered"
    assert item.caller == "+380671234567"
    # its MixMonitor started before we listened: the path was asked of Asterisk (Getvar)
    assert item.recording_path == f"/var/spool/asterisk/monitor/{call_id}.wav"


async def test_silent_asterisk_is_dropped_and_reconnected(database_url: str,
                                                          pbx: SimulatedPbx, tmp_path: Path,
                                                          eventually: object) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        pbx.silent = True
        await eventually(lambda: not listener.link.logged_in)
        pbx.silent = False
        await eventually(lambda: listener.link.logged_in and listener.link.reconnects >= 1)
        await pbx.play("pjsip-landline-answered", **FAST)
        assert len(await appeals_when(listener, eventually, 1)) == 1


async def test_asterisk_restart_mid_call(database_url: str, pbx: SimulatedPbx,
                                         tmp_path: Path, eventually: object) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        call_id = pbx.start_call("pjsip-landline-answered", ring_seconds=0.05, talk_seconds=60)
        await eventually(lambda: _answered(listener, call_id))
        await pbx.restart()  # Hangups, then Shutdown, then the socket closes
        [item] = await appeals_when(listener, eventually, 1)
        await eventually(lambda: listener.link.reconnects >= 1 and listener.link.logged_in)
        await pbx.play("pjsip-vodafone-abandoned", **FAST)
        items = await appeals_when(listener, eventually, 2)
    assert item.call_outcome == "answered"
    assert [i.status for i in items] == ["new", "missed"]


async def test_malformed_frames_lose_nothing(database_url: str, pbx: SimulatedPbx,
                                             tmp_path: Path, eventually: object) -> None:
    async with running(make_config(database_url, pbx, tmp_path)) as listener:
        await logged_in(listener, eventually)
        await pbx.send_raw(b"garbage without colon\r\n\r\n"
                           b"Event: Hangup\r\nPrivilege: call,all\r\nUniqueid: x\r\n\r\n"
                           b"Event: Newchannel\r\nLinkedid: 1.1\r\nUniqueid: 1.1\r\n"
                           b"Channel: PJSIP/landline-1\r\nCallerIDName: \xff\xfe\r\n\r\n"
                           b"\r\n\r\n: no key\r\n\r\n")
        await pbx.play("pjsip-kyivstar-operator-hangup", **FAST)
        items = await appeals_when(listener, eventually, 1)
    assert items[-1].trunk == "kyivstar"
    assert listener.link.reconnects == 0
