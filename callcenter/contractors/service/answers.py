"""What a contractor does with its appeals: take into work, plan, done, not ours, ask.

Each answer is scoped to the contractor the appeal is assigned to, moves the state machine
(domain.appeals) and lands in the history; the first answer of any kind acknowledges the
assignment (the escalation sweep stops). The answer for the resident (`mark_done`) is kept on
the appeal, apart from internal notes, which go to the history only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime

import structlog

from callcenter.appeals.model.statuses import Status
from callcenter.routing.model.records import (
    WITH_CONTRACTOR,
    AppealCard,
    AppealNotFound,
    NotWithContractor,
    NotYourAppeal,
    TextRequired,
)
from callcenter.routing.service.ports import RoutingStore, RoutingTx

log = structlog.get_logger("callcenter.answers")


def utc_now() -> datetime:
    return datetime.now(UTC)


# Told the id of each appeal the contractor reported done, once it is committed (the
# composition root gives the residents' SMS here).
OnDone = Callable[[int], Awaitable[object]]


class ContractorAnswers:
    def __init__(self, *, store: RoutingStore,
                 clock: Callable[[], datetime] = utc_now,
                 on_done: OnDone | None = None) -> None:
        self.store = store
        self.clock = clock
        self.on_done = on_done

    async def take_into_work(self, appeal_id: int, *, contractor_id: int, actor: str,
                             comment: str = "") -> None:
        await self._answer(appeal_id, contractor_id, actor, Status.IN_WORK, "in_work",
                           comment)

    async def set_planned_date(self, appeal_id: int, *, contractor_id: int, actor: str,
                               day: date, comment: str = "") -> None:
        """A plan means work: an assigned (or returned) appeal moves to in_work too."""
        text = f"планова дата {day.isoformat()}" + (f": {comment}" if comment else "")
        async with self.store.transaction() as tx:
            appeal = await self._own(tx, appeal_id, contractor_id)
            now = self.clock()
            await tx.acknowledge(appeal_id, now)
            await tx.set_planned_date(appeal_id, day)
            if appeal.status == Status.IN_WORK:
                await tx.note(appeal_id, at=now, actor=actor, action="planned", comment=text)
            else:
                await tx.move(appeal_id, Status.IN_WORK, at=now, actor=actor,
                              action="planned", comment=text)

    async def mark_done(self, appeal_id: int, *, contractor_id: int, actor: str, answer: str,
                        photos: Sequence[str] = (), note: str = "") -> None:
        """`answer` is for the resident; `note` is internal; photos are stored file refs."""
        if not answer.strip():
            raise TextRequired("an answer for the resident")
        async with self.store.transaction() as tx:
            await self._own(tx, appeal_id, contractor_id)
            now = self.clock()
            await tx.acknowledge(appeal_id, now)
            await tx.move(appeal_id, Status.DONE, at=now, actor=actor, action="done",
                          comment=note)
            await tx.set_answer(appeal_id, answer.strip())
            if photos:
                await tx.attach(appeal_id, photos, at=now, actor=actor)
        if self.on_done is not None:
            try:  # the answer is stored; what follows must not undo it
                await self.on_done(appeal_id)
            except Exception:
                log.exception("after_done_failed", appeal_id=appeal_id)

    async def not_ours(self, appeal_id: int, *, contractor_id: int, actor: str,
                       comment: str) -> None:
        """Back to the coordinator, who reassigns it."""
        if not comment.strip():
            raise TextRequired("why the appeal is not yours")
        await self._answer(appeal_id, contractor_id, actor, Status.REDIRECTED, "not_ours",
                           comment)

    async def ask_clarification(self, appeal_id: int, *, contractor_id: int, actor: str,
                                question: str) -> None:
        """Back to the hotline, which asks the resident."""
        if not question.strip():
            raise TextRequired("a question")
        await self._answer(appeal_id, contractor_id, actor, Status.CLARIFICATION,
                           "clarification", question)

    async def _answer(self, appeal_id: int, contractor_id: int, actor: str, target: Status,
                      action: str, comment: str) -> None:
        async with self.store.transaction() as tx:
            appeal = await self._own(tx, appeal_id, contractor_id)
            now = self.clock()
            await tx.acknowledge(appeal_id, now)
            await tx.move(appeal_id, target, at=now, actor=actor, action=action,
                          comment=comment.strip())
        log.info("contractor_answered", number=appeal.number, action=action)

    async def _own(self, tx: RoutingTx, appeal_id: int, contractor_id: int) -> AppealCard:
        appeal = await tx.appeal(appeal_id)
        if appeal is None:
            raise AppealNotFound(appeal_id)
        if appeal.contractor_id != contractor_id:
            raise NotYourAppeal(appeal.number)
        if appeal.status not in WITH_CONTRACTOR:
            raise NotWithContractor(appeal.number, appeal.status)
        return appeal
