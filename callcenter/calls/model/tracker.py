"""The call tracker: a pure interpretation of AMI events, grouped by Linkedid.

Feed it typed events (`handle`) and CoreShowChannels snapshots after a (re)connect (`resync`);
it returns the facts it concluded. It keeps state only for calls in progress.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from callcenter.calls.model import ami_events as ami
from callcenter.calls.model.facts import (
    CallAnswered,
    CallEnded,
    CallEntered,
    CallFact,
    CallOutcome,
    CallQueued,
    CallRang,
    CallRingEnded,
    CallRingTimedOut,
    LinkResynced,
    RecordingAnnounced,
    RingResult,
)
from callcenter.calls.model.trunks import TrunkDirectory, channel_stem
from callcenter.core import phones

RECORDING_USER_EVENT = "AppealCall"
# Sent by dialplans/extensions.conf when Queue() returns without an answer (class `user`, so it
# comes even to an AMI user without the `dialplan` class that carries VarSet QUEUESTATUS).
QUEUE_RESULT_USER_EVENT = "AppealQueueResult"


@dataclass(slots=True)
class _Call:
    call_id: str
    trunk_uniqueid: str
    trunk_channel: str
    answered: bool = False
    answering: bool = False  # an operator leg answered its dial; the AgentConnect follows
    unanswered: CallOutcome | None = None  # how the wait ended, if it ended unanswered
    recording: str = ""
    rings: dict[str, str] = field(default_factory=dict)  # open rings: operator leg -> seat
    rings_ended: set[str] = field(default_factory=set)  # operator legs whose ring ended


def caller_name_of(raw_name: str, raw_number: str) -> str | None:
    """The display name, None when absent, withheld or just the number again."""
    name = raw_name.strip()
    if phones.is_withheld(name) or name == raw_number.strip():
        return None
    return name


def outcome_of(call: _Call) -> CallOutcome:
    """Answered if an operator answered, whatever came after (a transfer, either side hanging
    up); else what ended the wait; else `failed` (the dialplan hung up on the caller)."""
    if call.answered:
        return "answered"
    return call.unanswered or "failed"


def _decide(call: _Call, outcome: CallOutcome) -> None:
    """The first sign of how an unanswered wait ended wins: a caller who hangs up after the
    queue gave up (during the "call later" notice) did not abandon, and a queue that reports
    the caller's hang-up (QueueCallerAbandon) after it does not make it a failure."""
    if not call.answered and call.unanswered is None:
        call.unanswered = outcome


def _cancelled(call: _Call) -> RingResult:
    """Why app_queue cancelled a seat's ring (DialEnd CANCEL)."""
    if call.answered or call.answering:
        return "taken"
    if call.unanswered == "abandoned":
        return "caller_gone"
    return "no_answer"


class CallTracker:
    def __init__(self, trunks: TrunkDirectory, *, area_code: str) -> None:
        self._trunks = trunks
        self._area_code = area_code
        self._calls: dict[str, _Call] = {}
        self._handlers: dict[type, Callable[[_Call, Any], list[CallFact]]] = {
            ami.VariableSet: self._on_variable,
            ami.UserEventRaised: self._on_user_event,
            ami.CallerJoinedQueue: self._on_queue_join,
            ami.CallerAbandonedQueue: self._on_abandon,
            ami.AgentCalled: self._on_agent_called,
            ami.AgentRingNoAnswer: self._on_ring_no_answer,
            ami.DialEnded: self._on_dial_end,
            ami.AgentConnected: self._on_agent_connect,
            ami.AgentCompleted: self._on_agent_complete,
            ami.HangupRequested: self._on_hangup_request,
            ami.ChannelHungUp: self._on_hangup,
        }

    @property
    def calls_in_progress(self) -> int:
        return len(self._calls)

    @property
    def live_call_ids(self) -> frozenset[str]:
        return frozenset(self._calls)

    def handle(self, event: ami.AmiEvent) -> list[CallFact]:
        if isinstance(event, ami.ChannelCreated):
            return self._on_new_channel(event)
        call = self._calls.get(event.linkedid)
        handler = self._handlers.get(type(event))
        if call is None or handler is None:
            return []
        return handler(call, event)

    # -- entering -----------------------------------------------------------------------

    def _on_new_channel(self, event: ami.ChannelCreated) -> list[CallFact]:
        if event.uniqueid != event.linkedid or event.linkedid in self._calls:
            return []
        trunk = self._trunks.inbound_trunk(event.channel, event.context)
        if trunk is None:
            return []
        self._calls[event.linkedid] = _Call(event.linkedid, event.uniqueid, event.channel)
        return [self._entered(event.linkedid, event.at, event.channel, event.caller_num,
                              event.caller_name, resynced=False)]

    def unknown_trunk(self, event: ami.ChannelCreated) -> bool:
        """A call's first channel entering an inbound context on a channel no configured trunk
        names: a trunk Asterisk has and the configuration lacks. Its calls open nothing."""
        return (event.uniqueid == event.linkedid
                and self._trunks.is_inbound_context(event.context)
                and self._trunks.trunk_of(event.channel) is None)

    def _entered(self, call_id: str, at: datetime, channel: str, number: str, name: str,
                 *, resynced: bool) -> CallEntered:
        trunk = self._trunks.trunk_of(channel)
        caller = phones.normalize(number, area_code=self._area_code)
        return CallEntered(
            call_id=call_id,
            at=at,
            trunk=trunk.name if trunk else channel_stem(channel),
            line=trunk.kind if trunk else "",
            channel=channel,
            caller=caller,
            caller_raw=number,
            caller_name=caller_name_of(name, number),
            carrier=phones.carrier_of(caller),
            resynced=resynced,
        )

    # -- during the call ----------------------------------------------------------------

    def _announce(self, call: _Call, at: datetime, path: str) -> list[CallFact]:
        if not path or path == call.recording:
            return []
        call.recording = path
        return [RecordingAnnounced(call.call_id, at, path)]

    def _on_variable(self, call: _Call, event: ami.VariableSet) -> list[CallFact]:
        if event.variable == ami.QUEUE_STATUS_VARIABLE:
            return self._queue_returned(call)
        if event.variable != ami.RECORDING_VARIABLE or event.uniqueid != call.trunk_uniqueid:
            return []
        return self._announce(call, event.at, event.value)

    def _on_user_event(self, call: _Call, event: ami.UserEventRaised) -> list[CallFact]:
        if event.name == QUEUE_RESULT_USER_EVENT:
            return self._queue_returned(call)
        if event.name != RECORDING_USER_EVENT:
            return []
        return self._announce(call, event.at, event.fields.get("Recording", ""))

    def _on_queue_join(self, call: _Call, event: ami.CallerJoinedQueue) -> list[CallFact]:
        if event.uniqueid != call.trunk_uniqueid:
            return []
        return [CallQueued(call.call_id, event.at, event.queue, event.position)]

    # -- how an unanswered wait ends (see DESIGN-NOTES, "Call outcomes") --------------------

    def _queue_returned(self, call: _Call) -> list[CallFact]:
        """Queue() gave the caller back to the dialplan unanswered (QUEUESTATUS set): the
        hotline failed to answer (timeout, join-empty, leave-when-empty, full...)."""
        _decide(call, "failed")
        return []

    def _on_abandon(self, call: _Call, event: ami.CallerAbandonedQueue) -> list[CallFact]:
        """app_queue's record_abandoned(): after the caller's own HangupRequest when they gave
        up (that decided already), else the queue gave up on them (timeout, leave-when-empty)."""
        _decide(call, "failed")
        return []

    def _on_hangup_request(self, call: _Call, event: ami.HangupRequested) -> list[CallFact]:
        """The caller's side asked to hang up (the driver's ast_queue_hangup(); the dialplan's
        own Hangup() is a SoftHangupRequest, which we do not read)."""
        if event.uniqueid == call.trunk_uniqueid:
            _decide(call, "abandoned")
        return []

    # -- rings and the answer -----------------------------------------------------------

    def _on_agent_called(self, call: _Call, event: ami.AgentCalled) -> list[CallFact]:
        call.rings[event.dest_uniqueid] = event.seat
        return [CallRang(call.call_id, event.at, event.seat)]

    def _ring_ended(self, call: _Call, leg: str) -> None:
        call.rings.pop(leg, None)
        call.rings_ended.add(leg)

    def _on_ring_no_answer(self, call: _Call, event: ami.AgentRingNoAnswer) -> list[CallFact]:
        if event.dest_uniqueid in call.rings_ended:
            return []  # its DialEnd (BUSY, say) came first
        self._ring_ended(call, event.dest_uniqueid)
        return [CallRingTimedOut(call.call_id, event.at, event.seat)]

    def _on_dial_end(self, call: _Call, event: ami.DialEnded) -> list[CallFact]:
        if event.status == "ANSWER":
            call.answering = True
            return []
        seat = call.rings.get(event.dest_uniqueid)
        if seat is None:
            return []  # ended already (AgentRingNoAnswer, the second DialEnd), or not ours
        self._ring_ended(call, event.dest_uniqueid)
        if event.status != "CANCEL":  # NOANSWER, BUSY, CONGESTION, CHANUNAVAIL...
            return [CallRingTimedOut(call.call_id, event.at, seat)]
        return [CallRingEnded(call.call_id, event.at, seat, _cancelled(call))]

    def _answer(self, call: _Call, at: datetime, seat: str) -> list[CallFact]:
        if call.answered:
            return []
        call.answered = True
        return [CallAnswered(call.call_id, at, seat)]

    def _on_agent_connect(self, call: _Call, event: ami.AgentConnected) -> list[CallFact]:
        self._ring_ended(call, event.dest_uniqueid)
        return self._answer(call, event.at, event.seat)

    def _on_agent_complete(self, call: _Call, event: ami.AgentCompleted) -> list[CallFact]:
        """Proof of an answer we did not see: a call adopted by a resync after its operator
        left the bridge, or an AgentConnect that went by while the link was down."""
        return self._answer(call, event.at - timedelta(seconds=max(event.talk_seconds, 0)),
                            event.seat)

    def _on_hangup(self, call: _Call, event: ami.ChannelHungUp) -> list[CallFact]:
        if event.uniqueid != call.trunk_uniqueid:
            return []
        del self._calls[call.call_id]
        return [CallEnded(call.call_id, event.at, outcome_of(call), event.cause,
                          event.cause_text)]

    def without_recording(self) -> list[tuple[str, str]]:
        """(call id, trunk channel) of the live calls whose recording path is not known: a
        call adopted by a resync, or one whose announcement was lost with the link."""
        return [(c.call_id, c.trunk_channel) for c in self._calls.values() if not c.recording]

    def recording_found(self, call_id: str, at: datetime, path: str) -> list[CallFact]:
        """The recording path asked of Asterisk (Getvar) for a call; it may have ended since."""
        call = self._calls.get(call_id)
        if call is None:
            return [RecordingAnnounced(call_id, at, path)] if path else []
        return self._announce(call, at, path)

    # -- after a (re)connect ------------------------------------------------------------

    def resync(self, snapshots: Iterable[ami.ChannelSnapshot], at: datetime) -> list[CallFact]:
        """Adopt calls Asterisk still has; close the ones that ended while we were away."""
        items = list(snapshots)
        trunk_legs = {s.linkedid: s for s in items if self._is_inbound_leg(s)}
        facts: list[CallFact] = []
        for call_id in sorted(set(self._calls) - set(trunk_legs)):
            del self._calls[call_id]
            facts.append(CallEnded(call_id, at, "unknown", None, "", link_down=True))
        for call_id, leg in trunk_legs.items():
            call = self._calls.get(call_id)
            if call is None:
                facts.extend(self._adopt(leg, items, at))
            else:  # answered while the link was down?
                facts.extend(self._answer_if_bridged(call, leg, items, at))
        facts.append(LinkResynced(at, frozenset(trunk_legs)))
        return facts

    def _is_inbound_leg(self, snap: ami.ChannelSnapshot) -> bool:
        return (snap.uniqueid == snap.linkedid
                and self._trunks.inbound_trunk(snap.channel, snap.context) is not None)

    def _adopt(self, leg: ami.ChannelSnapshot, items: list[ami.ChannelSnapshot],
               at: datetime) -> list[CallFact]:
        call = _Call(leg.linkedid, leg.uniqueid, leg.channel)
        self._calls[leg.linkedid] = call
        entered_at = at - timedelta(seconds=leg.duration_seconds)
        entered = self._entered(leg.linkedid, entered_at, leg.channel, leg.caller_num,
                                leg.caller_name, resynced=True)
        return [entered, *self._answer_if_bridged(call, leg, items, at)]

    def _answer_if_bridged(self, call: _Call, leg: ami.ChannelSnapshot,
                           items: list[ami.ChannelSnapshot], at: datetime) -> list[CallFact]:
        operator = _bridged_operator(leg, items)
        if operator is None:
            return []
        return self._answer(call, at, channel_stem(operator.channel))


def _bridged_operator(leg: ami.ChannelSnapshot,
                      items: list[ami.ChannelSnapshot]) -> ami.ChannelSnapshot | None:
    """The other channel in the trunk leg's bridge, if the caller is talking to someone."""
    if not leg.bridge_id:
        return None
    return next((s for s in items if s.linkedid == leg.linkedid and s.uniqueid != leg.uniqueid
                 and s.bridge_id == leg.bridge_id), None)
