"""The supervisor keeps loops going: an unknown error is logged once with its traceback, a
lost database once as a warning, and the loop runs again; a fatal error still ends it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from structlog.testing import capture_logs

from callcenter.core import migrate
from callcenter.core.errors import StoreUnavailable
from callcenter.core.pacing import DatabaseOutage, Supervisor
from callcenter.delivery.model.outbox import DeliveryResult, OutboxMessage
from callcenter.delivery.service.worker import OutboxWorker, WorkerSettings
from tests.unit.delivery.test_outbox_worker import FakeStore, ScriptedTransport, message

LOST = StoreUnavailable("database unavailable: CannotConnectNowError 57P03: shutting down")


def quick(clock: Callable[[], float] | None = None) -> Supervisor:
    return Supervisor(first=0.001, longest=0.004, **({"clock": clock} if clock else {}))


def failing_then_done(*errors: BaseException) -> tuple[Callable[[], Any], list[int]]:
    """A loop that raises each of `errors` in turn, then returns; and how often it ran."""
    runs = [0]

    async def run() -> None:
        runs[0] += 1
        if runs[0] <= len(errors):
            raise errors[runs[0] - 1]

    return run, runs


def bug() -> ValueError:
    return ValueError("a bug in the loop")


async def test_an_unknown_error_is_logged_once_with_its_traceback_and_the_loop_goes_on(
        ) -> None:
    supervisor = quick()
    run, runs = failing_then_done(*[bug() for _ in range(5)])
    with capture_logs() as logs:
        await supervisor.keep("outbox", run)
    assert runs == [6] and supervisor.failures["outbox"] == 5
    [failed] = [e for e in logs if e["event"] == "loop_failed"]
    assert failed["log_level"] == "error" and failed["loop"] == "outbox"
    assert failed["error"] == "ValueError: a bug in the loop"
    assert isinstance(failed["exc_info"], ValueError)  # rendered as a traceback
    assert supervisor.failing() == {"outbox": "ValueError: a bug in the loop"}


async def test_a_different_failure_is_logged_too() -> None:
    run, _ = failing_then_done(bug(), KeyError("seat"), bug())
    with capture_logs() as logs:
        await quick().keep("wrap-up", run)
    assert [e["error"] for e in logs if e["event"] == "loop_failed"] == [
        "ValueError: a bug in the loop", "KeyError: 'seat'"]


async def test_a_lost_database_is_one_warning_and_not_a_failing_loop() -> None:
    supervisor = quick()
    group = ExceptionGroup("task group", [LOST, LOST])
    run, runs = failing_then_done(LOST, group, LOST)
    with capture_logs() as logs:
        await supervisor.keep("pause-commands", run)
    assert runs == [4]
    assert [(e["event"], e["log_level"]) for e in logs] == [
        ("loop_waiting_for_database", "warning")]
    assert logs[0]["error"] == str(LOST)
    assert supervisor.failing() == {}  # the database check says so, not the loops'


async def test_failures_are_forgotten_once_the_loop_ran_well_and_after_a_while() -> None:
    now = [0.0]
    supervisor = quick(lambda: now[0])
    calls = [0]

    async def run() -> None:
        calls[0] += 1
        now[0] += 100.0 if calls[0] == 2 else 0.0  # the second run lasts long, then fails
        if calls[0] <= 2:
            raise bug()

    with capture_logs() as logs:
        await supervisor.keep("routing-sweep", run)
    assert len([e for e in logs if e["event"] == "loop_failed"]) == 2  # said again
    now[0] += 61.0
    assert supervisor.failing() == {}


async def test_fatal_errors_end_the_loop() -> None:
    class Refused(Exception):
        pass

    run, runs = failing_then_done(Refused())
    with pytest.raises(Refused):
        await quick().keep("ami-link", run, fatal=(Refused,))
    assert runs == [1]


async def test_cancelling_stops_a_loop_waiting_to_run_again() -> None:
    supervisor = Supervisor(first=60.0)
    run, _ = failing_then_done(*[bug() for _ in range(3)])
    task = asyncio.create_task(supervisor.keep("intake-write", run))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


class BrokenStore(FakeStore):
    """The outbox store of a worker: first a bug, then the database away, then fine."""

    def __init__(self, pending: list[OutboxMessage]) -> None:
        super().__init__(pending)
        self.faults: list[Exception] = [RuntimeError("claim failed"), LOST, LOST]

    async def claim(self, *, worker: str, now: Any, limit: int) -> list[OutboxMessage]:
        if self.faults:
            raise self.faults.pop(0)
        return await super().claim(worker=worker, now=now, limit=limit)


async def test_a_real_loop_survives_a_bug_and_a_database_outage(eventually: Any) -> None:
    store = BrokenStore([message(1)])
    worker = OutboxWorker(store=store, transport=ScriptedTransport(DeliveryResult(ok=True)),
                          name="w1", settings=WorkerSettings(poll_interval=0.001))
    stop = asyncio.Event()
    with capture_logs() as logs:
        task = asyncio.create_task(quick().keep("w1", lambda: worker.run(stop)))
        await eventually(lambda: worker.sent == 1)
        stop.set()
        await task
    assert [e["event"] for e in logs if e["log_level"] != "info"] == [
        "loop_failed", "outbox_database_unavailable"]


async def test_an_outage_is_said_once_and_its_end_once() -> None:
    outage = DatabaseOutage("intake_waiting_for_database", back="intake_database_back",
                            first=0.001, longest=0.002)
    with capture_logs() as logs:
        for _ in range(3):
            await outage.wait(LOST, waiting=7)
        outage.over()
        outage.over()
    assert [(e["event"], e.get("waiting")) for e in logs] == [
        ("intake_waiting_for_database", 7), ("intake_database_back", None)]
    assert outage.delay == 0.001 and not outage.away


async def test_start_up_waits_for_the_database_and_fails_on_anything_else() -> None:
    run, runs = failing_then_done(ConnectionRefusedError(111, "Connect call failed"), LOST)
    with capture_logs() as logs:
        await migrate.when_database_answers(run, step="migrations")
    assert runs == [3]
    assert [(e["event"], e["step"]) for e in logs] == [
        ("waiting_for_database", "migrations"), ("database_answers", "migrations")]
    assert logs[0]["error"] == \
        "database unavailable: ConnectionRefusedError: [Errno 111] Connect call failed"
    broken, _ = failing_then_done(ValueError("a bad migration"))
    with pytest.raises(ValueError):
        await migrate.when_database_answers(broken, step="migrations")
