"""Calls that end while the backend is away are closed from Asterisk's queue_log.

The simulator (real AMI over TCP) plays the calls and keeps a queue_log file as app_queue
would; the backend (`build_listener`, as `callcenter listen` runs it) is stopped mid-call and
started again with `[pbx] queue_log` naming that file. Every test runs on SQLite and on
PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from callcenter.appeals.model.listing import AppealListItem
from callcenter.appeals.store.queries import list_appeals
from callcenter.core.config import Config
from callcenter.main import Listener
from callcenter.simulator import SimulatedPbx
from tests.integration.calls.test_listener import (
    _answered,
    _history,
    appeals_when,
    logged_in,
    make_config,
    running,
)

OP1 = "PJSIP/op1001"


@pytest.fixture
async def pbx(tmp_path: Path) -> AsyncIterator[SimulatedPbx]:
    async with SimulatedPbx(queue_log=tmp_path / "queue_log") as simulated:
        yield simulated


def with_queue_log(config: Config, path: Path) -> Config:
    return config.replace(pbx=dataclasses.replace(config.pbx, queue_log=str(path)))


def second(at: float) -> datetime:
    """A wall-clock time as queue_log has it: the whole second."""
    return datetime.fromtimestamp(int(at), tz=UTC)


async def settled(listener: Listener, eventually: object, count: int
                  ) -> dict[str, AppealListItem]:
    """The appeals once `count` calls are closed by something better than `unknown`."""
    async def ready() -> dict[str, AppealListItem] | None:
        items = await list_appeals(listener.db)
        done = [i for i in items if i.call_outcome not in ("in_progress", "unknown")]
        return {i.call_id: i for i in items if i.call_id} if len(done) >= count else None

    return await eventually(ready)  # type: ignore[operator, no-any-return]


async def test_calls_that_ended_while_the_backend_was_away_get_their_true_end(
        database_url: str, pbx: SimulatedPbx, tmp_path: Path, eventually: object) -> None:
    config = with_queue_log(make_config(database_url, pbx, tmp_path), tmp_path / "queue_log")
    async with running(config) as listener:
        await logged_in(listener, eventually)
        talked = pbx.start_call("pjsip-landline-answered", ring_seconds=0.05, talk_seconds=60)
        waited = pbx.start_call("pjsip-kyivstar-operator-hangup", ring_seconds=60,
                                talk_seconds=60)
        gave_up = pbx.start_call("pjsip-vodafone-abandoned", ring_seconds=60)
        await appeals_when(listener, eventually, 3, ended=False)
        await eventually(lambda: _answered(listener, talked))
        [seen] = [i for i in await list_appeals(listener.db) if i.call_id == talked]
    before = time.time()  # the backend is away: every call ends now
    for call_id in (talked, waited, gave_up):
        await pbx.finish_call(call_id)
    after = time.time()
    async with running(config) as listener:
        items = await settled(listener, eventually, 3)
    away = (second(before), second(after))
    # talked with us watching, hung up while we were away: the answer we saw, the true end
    assert (items[talked].call_outcome, items[talked].status) == ("answered", "new")
    assert (items[talked].operator, items[talked].answered_at) == (OP1, seen.answered_at)
    assert away[0] <= items[talked].ended_at <= away[1]  # type: ignore[operator]
    # waiting when we left, answered and ended while we were away: not a call-back
    assert (items[waited].call_outcome, items[waited].status) == ("answered", "new")
    assert items[waited].operator == OP1
    assert away[0] <= items[waited].answered_at <= items[waited].ended_at <= away[1]  # type: ignore[operator]
    # gave up while we were away: abandoned, awaiting a call-back
    assert (items[gave_up].call_outcome, items[gave_up].status) == ("abandoned", "missed")
    assert items[gave_up].answered_at is None
    assert away[0] <= items[gave_up].ended_at <= away[1]  # type: ignore[operator]
    history = await _history(database_url, items[waited].number)
    assert history[-2:] == ["call unknown while the AMI link was down",
                            f"call answered by {OP1} (Asterisk's queue_log)"]


async def test_a_call_adopted_after_a_restart_keeps_its_true_answer_time(
        database_url: str, pbx: SimulatedPbx, tmp_path: Path, eventually: object) -> None:
    queue_log = tmp_path / "queue_log"
    call_id = pbx.start_call("pjsip-kyivstar-operator-hangup", ring_seconds=0.05,
                             talk_seconds=60)
    connected = await eventually(lambda: _connect_time(queue_log, call_id))
    # the backend starts at least a second after the answer (queue_log counts seconds)
    await eventually(lambda: time.time() >= connected + 1)
    async with running(with_queue_log(make_config(database_url, pbx, tmp_path),
                                      queue_log)) as listener:
        await eventually(lambda: _answered_at(listener, call_id, second(connected)))
        await pbx.finish_call(call_id)
        [item] = await appeals_when(listener, eventually, 1)
    assert (item.call_outcome, item.status, item.operator) == ("answered", "new", OP1)
    assert item.answered_at == second(connected)


async def test_an_unreadable_queue_log_leaves_them_unknown_with_one_warning(
        database_url: str, pbx: SimulatedPbx, tmp_path: Path, eventually: object) -> None:
    config = with_queue_log(make_config(database_url, pbx, tmp_path), tmp_path / "absent")
    async with running(config) as listener:
        await logged_in(listener, eventually)
        waited = pbx.start_call("pjsip-kyivstar-operator-hangup", ring_seconds=60)
        await appeals_when(listener, eventually, 1, ended=False)
    await pbx.finish_call(waited)
    with capture_logs() as logs:
        async with running(config) as listener:
            [item] = await appeals_when(listener, eventually, 1)
            await eventually(lambda: any(e["event"] == "queue_log_unreadable" for e in logs))
    assert (item.call_outcome, item.status) == ("unknown", "missed")
    assert [e["event"] for e in logs].count("queue_log_unreadable") == 1


def _connect_time(path: Path, call_id: str) -> int | None:
    if not path.exists():
        return None
    for line in path.read_text(encoding="utf-8").splitlines():
        fields = line.split("|")
        if len(fields) > 5 and fields[1] == call_id and fields[4] == "CONNECT":
            return int(fields[0])
    return None


async def _answered_at(listener: Listener, call_id: str, expected: datetime) -> bool:
    items = await list_appeals(listener.db)
    return any(i.call_id == call_id and i.answered_at == expected for i in items)
