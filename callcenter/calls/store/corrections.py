"""What Asterisk's own record of a call (`CallReconciled`, from its queue_log) corrects in the
call's row as a batch finds it. Pure; used by `changes.CallChanges`.

- **An end we did not see** (`unknown`, `link_down`: closed by a resync) takes the record's
  end time and outcome; `link_down` stays (it did end while the link was down). An end we
  saw is never overruled.
- **An answer** the row lacks is taken with its seat, and so is one the record proves earlier
  than the row's (a call adopted by a resync gets the resync's time): queue_log counts whole
  seconds, so only an answer at least a second earlier than ours is a correction.
- The same for the queue time.
- **An outcome never contradicts the row's own facts**: an ended call with an answer is
  `answered`. A call found answered after all (`answered_late`) gets its automatic appeal
  back from `missed` (the store does that), as if we had seen the answer.

Applying the same record twice changes nothing the second time.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from callcenter.appeals.model import statuses as appeals
from callcenter.calls.model.facts import CallReconciled

if TYPE_CHECKING:
    from callcenter.calls.store.changes import CallChanges, CallRow

RESOLUTION = timedelta(seconds=1)  # queue_log times are whole seconds
UNANSWERED = frozenset({"abandoned", "failed"})


def apply_record(changes: CallChanges, fact: CallReconciled) -> None:
    row = changes.row
    answered_before = row.answered_at is not None
    _queued(row, fact)
    _answered(row, fact)
    _ended(row, fact)
    answered = row.answered_at is not None
    if answered and row.ended_at is not None and row.outcome in UNANSWERED:
        row.outcome = "answered"
    if answered and not answered_before:
        changes.answered_late = fact
    if changes.ended is not None:  # ended in this very batch: its appeal follows the record
        changes.target = appeals.status_after_call(changes.ended.outcome, answered=answered)


def _queued(row: CallRow, fact: CallReconciled) -> None:
    if fact.queued_at is None:
        return
    if row.queued_at is not None and row.queued_at < fact.queued_at + RESOLUTION:
        return
    row.queued_at = fact.queued_at


def _answered(row: CallRow, fact: CallReconciled) -> None:
    if fact.answered_at is None:
        return
    if row.answered_at is not None and row.answered_at < fact.answered_at + RESOLUTION:
        return
    row.answered_at = fact.answered_at
    row.operator = fact.seat or row.operator


def _ended(row: CallRow, fact: CallReconciled) -> None:
    if row.ended_at is None or row.outcome != "unknown" or not row.link_down:
        return  # still going, or an end we saw ourselves
    if fact.outcome is not None:
        row.outcome = fact.outcome
    if fact.ended_at is not None:
        row.ended_at = fact.ended_at
