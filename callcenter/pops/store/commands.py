"""Pause / resume asked in a web-only process, carried out by the process holding the AMI link.

A web-only process writes a `pop_commands` row and waits (polling the row) for its outcome;
the link process drains pending rows every `interval` seconds, claims each with a conditional
UPDATE (so exactly one process carries it out), and writes back the result. A command nobody
took within `wait` seconds expires (the web answers 503 `pbx_unavailable`) and is never
carried out later.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, insert, select, update

from callcenter.core.database import Database
from callcenter.core.errors import DomainError, StoreUnavailable
from callcenter.core.pacing import DatabaseOutage
from callcenter.pops.model.board import parse_time
from callcenter.pops.model.pausing import PauseState, PbxUnavailable, SeatNotInQueue
from callcenter.pops.service.pausing import PauseControl
from callcenter.pops.tables import PopCommand

ERRORS: dict[str, type[DomainError]] = {"seat_not_in_queue": SeatNotInQueue}
KEEP = timedelta(hours=1)


def utc_now() -> datetime:
    return datetime.now(UTC)


def state_of(result: str) -> PauseState:
    message = json.loads(result)
    paused = bool(message.get("paused"))
    until = message.get("until")
    return PauseState(paused, message.get("reason") if paused else None,
                      parse_time(until, utc_now()) if until else None)


class ForwardedPauses:
    """The `PauseControl` of a web-only process."""

    def __init__(self, db: Database, *, wait: float = 5.0, interval: float = 0.05) -> None:
        self._db = db
        self._wait = wait
        self._interval = interval

    async def pause(self, seat: str) -> PauseState:
        return await self._ask(seat, "pause")

    async def resume(self, seat: str) -> PauseState:
        return await self._ask(seat, "resume")

    async def _ask(self, seat: str, action: str) -> PauseState:
        now = utc_now()
        async with self._db.transaction() as session:
            command_id = await session.scalar(insert(PopCommand).values(
                seat=seat, action=action, state="pending", created_at=now, updated_at=now)
                .returning(PopCommand.id))
        assert command_id is not None
        return await self._outcome(int(command_id))

    async def _outcome(self, command_id: int) -> PauseState:
        deadline = asyncio.get_running_loop().time() + self._wait
        while True:
            state, error_id, result = await self._read(command_id)
            if state == "done" and result:
                return state_of(result)
            if state == "failed":
                raise ERRORS.get(error_id or "", PbxUnavailable)(f"the PBX refused: {error_id}")
            if asyncio.get_running_loop().time() > deadline and await self._expire(command_id):
                raise PbxUnavailable("no process holding the AMI link took the command")
            await asyncio.sleep(self._interval)

    async def _read(self, command_id: int) -> tuple[str, str | None, str | None]:
        query = select(PopCommand.state, PopCommand.error_id, PopCommand.result).where(
            PopCommand.id == command_id)
        async with self._db.reading() as session:
            row = (await session.execute(query)).one()
        return row[0], row[1], row[2]

    async def _expire(self, command_id: int) -> bool:
        """Expire it unless the link process took it already (then keep waiting)."""
        async with self._db.transaction() as session:
            result = await session.execute(update(PopCommand).where(
                PopCommand.id == command_id, PopCommand.state == "pending")
                .values(state="expired", updated_at=utc_now()))
        return bool(result.rowcount)  # type: ignore[attr-defined]


class CommandDrain:
    """Runs in the process holding the AMI link: carries out forwarded commands."""

    def __init__(self, db: Database, pausing: PauseControl, *, interval: float = 0.25) -> None:
        self._db = db
        self._pausing = pausing
        self._interval = interval
        self.carried_out = 0

    async def run(self) -> None:
        rounds = 0
        outage = DatabaseOutage("pause_commands_unreadable", first=1.0)
        while True:
            try:
                await self.drain()
                outage.over()
                rounds += 1
                if rounds % 3000 == 0:
                    await self._prune()
            except StoreUnavailable as exc:  # said once per outage, tried less often
                await outage.wait(exc)
            await asyncio.sleep(self._interval)

    async def drain(self) -> None:
        query = (select(PopCommand.id, PopCommand.seat, PopCommand.action)
                 .where(PopCommand.state == "pending").order_by(PopCommand.id).limit(50))
        async with self._db.reading() as session:
            pending = (await session.execute(query)).all()
        for command_id, seat, action in pending:
            if await self._claim(command_id):
                await self._carry_out(command_id, seat, action)

    async def _claim(self, command_id: int) -> bool:
        async with self._db.transaction() as session:
            result = await session.execute(update(PopCommand).where(
                PopCommand.id == command_id, PopCommand.state == "pending")
                .values(state="taken", updated_at=utc_now()))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def _carry_out(self, command_id: int, seat: str, action: str) -> None:
        values: dict[str, object]
        try:
            state = await (self._pausing.pause(seat) if action == "pause"
                           else self._pausing.resume(seat))
        except DomainError as exc:
            values = {"state": "failed", "error_id": exc.error_id}
        else:
            values = {"state": "done", "result": json.dumps(_result(state))}
            self.carried_out += 1
        async with self._db.transaction() as session:
            await session.execute(update(PopCommand).where(PopCommand.id == command_id)
                                  .values(updated_at=utc_now(), **values))

    async def _prune(self) -> None:
        async with self._db.transaction() as session:
            await session.execute(delete(PopCommand).where(
                PopCommand.created_at < utc_now() - KEEP))


def _result(state: PauseState) -> dict[str, object]:
    until = state.until.isoformat() if state.until else None
    return {"paused": state.paused, "reason": state.reason, "until": until}
