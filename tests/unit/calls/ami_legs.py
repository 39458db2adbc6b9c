"""Readable inline AMI traces for the call tracker's tests: a `Leg` per channel of a call, whose
methods build the frames Asterisk sends for it (header names and values as in the traces of
../shared/ami-traces/), and a tracker to feed them to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from callcenter.calls.model import ami_events as ami
from callcenter.calls.model.facts import CallFact
from callcenter.calls.model.tracker import CallTracker
from callcenter.calls.model.trunks import Trunk, TrunkDirectory

RECEIVED = datetime(2026, 11, 28, 23, 19, 40, tzinfo=UTC)
AT = datetime(2026, 11, 28, 23, 30, tzinfo=UTC)  # a resync's time
TRUNKS = (
    Trunk("landline", "landline", ("PJSIP/landline", "SIP/landline")),
    Trunk("kyivstar", "mobile", ("PJSIP/kyivstar", "SIP/kyivstar")),
    Trunk("vodafone", "mobile", ("PJSIP/vodafone", "SIP/vodafone")),
)
KYIVSTAR = "+380671234567"

Frame = dict[str, "str | list[str]"]


def new_tracker() -> CallTracker:
    return CallTracker(TrunkDirectory(TRUNKS, ["from-trunk"]), area_code="342")


def feed(tracker: CallTracker, frames: list[Frame], received_at: datetime = RECEIVED
         ) -> list[CallFact]:
    facts: list[CallFact] = []
    for headers in frames:
        event = ami.parse_event(headers, received_at)
        if event is not None:
            facts.extend(tracker.handle(event))
    return facts


def only(facts: list[CallFact], kind: type) -> list[CallFact]:
    return [f for f in facts if isinstance(f, kind)]


@dataclass(frozen=True)
class Leg:
    """One channel of a call; its methods build AMI frames as Asterisk sends them."""

    channel: str
    uniqueid: str
    linkedid: str
    context: str = "from-trunk"

    def frame(self, event: str, **more: str | list[str]) -> Frame:
        headers: Frame = {
            "Event": event, "Privilege": "call,all", "Channel": self.channel,
            "Context": self.context, "Uniqueid": self.uniqueid, "Linkedid": self.linkedid,
        }
        headers.update(more)
        return headers

    def new(self, number: str = KYIVSTAR, name: str = "") -> Frame:
        return self.frame("Newchannel", CallerIDNum=number, CallerIDName=name or number,
                          Exten="1580", ChannelState="4")

    def recording(self, path: str) -> Frame:
        return self.frame("VarSet", Variable="MIXMONITOR_FILENAME", Value=path)

    def var(self, name: str, value: str) -> Frame:
        return self.frame("VarSet", Privilege="dialplan,all", Variable=name, Value=value)

    def user_event(self, name: str, **fields: str) -> Frame:
        return self.frame("UserEvent", Privilege="user,all", UserEvent=name, **fields)

    def queued(self, position: int = 1) -> Frame:
        return self.frame("QueueCallerJoin", Queue="operators", Position=str(position))

    def agent_called(self, operator: Leg, seat: str) -> Frame:
        return self.frame("AgentCalled", Interface=seat, DestUniqueid=operator.uniqueid,
                          DestChannel=operator.channel)

    def ring_no_answer(self, operator: Leg, seat: str, ms: int = 15000) -> Frame:
        return self.frame("AgentRingNoAnswer", Interface=seat, DestUniqueid=operator.uniqueid,
                          DestChannel=operator.channel, RingTime=str(ms))

    def dial_end(self, operator: Leg, status: str) -> Frame:
        return self.frame("DialEnd", DestUniqueid=operator.uniqueid,
                          DestChannel=operator.channel, DialStatus=status)

    def agent_connect(self, operator: Leg, seat: str) -> Frame:
        return self.frame("AgentConnect", Interface=seat, DestUniqueid=operator.uniqueid,
                          HoldTime="3")

    def agent_complete(self, operator: Leg, seat: str, reason: str, talk: int) -> Frame:
        return self.frame("AgentComplete", Interface=seat, DestUniqueid=operator.uniqueid,
                          HoldTime="3", TalkTime=str(talk), Reason=reason)

    def abandon(self, hold: int = 6) -> Frame:
        return self.frame("QueueCallerAbandon", Queue="operators", HoldTime=str(hold),
                          Position="1", OriginalPosition="1")

    def left_queue(self) -> Frame:
        return self.frame("QueueCallerLeave", Queue="operators", Position="1")

    def hangup_request(self, **cause: str) -> Frame:
        return self.frame("HangupRequest", **cause)

    def soft_hangup_request(self, cause: str = "16") -> Frame:
        return self.frame("SoftHangupRequest", Cause=cause)

    def hangup(self, cause: str = "16", text: str = "Normal Clearing") -> Frame:
        return self.frame("Hangup", Cause=cause, **{"Cause-txt": text})


def caller_leg(uniqueid: str, trunk: str = "kyivstar", seq: str = "00000000") -> Leg:
    return Leg(f"PJSIP/{trunk}-{seq}", uniqueid, uniqueid)


def operator_leg(uniqueid: str, linkedid: str, seat: str = "op1001", seq: str = "00000001"
                 ) -> Leg:
    return Leg(f"PJSIP/{seat}-{seq}", uniqueid, linkedid, context="from-operator")


CALLER = caller_leg("1795908019.3")
OPERATOR = operator_leg("1795908021.4", CALLER.linkedid)


def snapshot(leg: Leg, *, seconds: int = 30, bridge: str = "",
             number: str = KYIVSTAR, name: str = "") -> ami.ChannelSnapshot:
    """One CoreShowChannel item for the leg, as `ami.parse_snapshot` builds it."""
    return ami.ChannelSnapshot(
        channel=leg.channel, uniqueid=leg.uniqueid, linkedid=leg.linkedid,
        caller_num=number, caller_name=name or number, context=leg.context, exten="1580",
        application="Queue", duration_seconds=seconds, bridge_id=bridge,
    )
