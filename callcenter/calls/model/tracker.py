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
    CallRingTimedOut,
    LinkResynced,
    RecordingAnnounced,
)
from callcenter.calls.model.trunks import TrunkDirectory, channel_stem
from callcenter.core import phones

RECORDING_USER_EVENT = "AppealCall"


@dataclass(slots=True)
class _Call:
    call_id: str
    trunk_uniqueid: str
    trunk_channel: str
    answered: bool = False
    abandoned: bool = False
    caller_hung_up: bool = False
    recording: str = ""
    rings: dict[str, str] = field(default_factory=dict)  # operator leg uniqueid -> seat


def caller_name_of(raw_name: str, raw_number: str) -> str | None:
    """The display name, None when absent, withheld or just the number again."""
    name = raw_name.strip()
    if phones.is_withheld(name) or name == raw_number.strip():
        return None
    return name


def outcome_of(call: _Call) -> CallOutcome:
    if call.answered:
        return "answered"
    if call.abandoned or call.caller_hung_up:
        return "abandoned"
    return "failed"


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
            ami.AgentConnected: self._on_agent_connect,
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
        if event.variable != ami.RECORDING_VARIABLE or event.uniqueid != call.trunk_uniqueid:
            return []
        return self._announce(call, event.at, event.value)

    def _on_user_event(self, call: _Call, event: ami.UserEventRaised) -> list[CallFact]:
        if event.name != RECORDING_USER_EVENT:
            return []
        return self._announce(call, event.at, event.fields.get("Recording", ""))

    def _on_queue_join(self, call: _Call, event: ami.CallerJoinedQueue) -> list[CallFact]:
        if event.uniqueid != call.trunk_uniqueid:
            return []
        return [CallQueued(call.call_id, event.at, event.queue, event.position)]

    def _on_abandon(self, call: _Call, event: ami.CallerAbandonedQueue) -> list[CallFact]:
        call.abandoned = True
        return []

    def _on_agent_called(self, call: _Call, event: ami.AgentCalled) -> list[CallFact]:
        call.rings[event.dest_uniqueid] = event.seat
        return [CallRang(call.call_id, event.at, event.seat)]

    def _on_ring_no_answer(self, call: _Call, event: ami.AgentRingNoAnswer) -> list[CallFact]:
        call.rings.pop(event.dest_uniqueid, None)
        return [CallRingTimedOut(call.call_id, event.at, event.seat)]

    def _on_agent_connect(self, call: _Call, event: ami.AgentConnected) -> list[CallFact]:
        if call.answered:
            return []
        call.answered = True
        return [CallAnswered(call.call_id, event.at, event.seat)]

    def _on_hangup_request(self, call: _Call, event: ami.HangupRequested) -> list[CallFact]:
        if event.uniqueid == call.trunk_uniqueid and not call.answered:
            call.caller_hung_up = True
        return []

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
            if call_id not in self._calls:
                facts.extend(self._adopt(leg, items, at))
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
        facts: list[CallFact] = [self._entered(leg.linkedid, entered_at, leg.channel,
                                               leg.caller_num, leg.caller_name, resynced=True)]
        operator = _bridged_operator(leg, items)
        if operator is not None:
            call.answered = True
            facts.append(CallAnswered(call.call_id, at, channel_stem(operator.channel)))
        return facts


def _bridged_operator(leg: ami.ChannelSnapshot,
                      items: list[ami.ChannelSnapshot]) -> ami.ChannelSnapshot | None:
    """The other channel in the trunk leg's bridge, if the caller is talking to someone."""
    if not leg.bridge_id:
        return None
    return next((s for s in items if s.linkedid == leg.linkedid and s.uniqueid != leg.uniqueid
                 and s.bridge_id == leg.bridge_id), None)
