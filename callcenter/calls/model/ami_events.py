"""Typed AMI events: the few Asterisk events the call tracker consumes.

`parse_event()` turns one AMI frame's headers into a frozen dataclass, or None for an event we
do not consume. Headers may repeat (Asterisk's `ChanVariable:`), so values may be lists; only
the first value of a header we read is used. Unknown headers are ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

Headers = Mapping[str, "str | list[str]"]

# VarSet is the noisiest event class; only these variables matter to us.
RECORDING_VARIABLE = "MIXMONITOR_FILENAME"  # MixMonitor sets it on the channel it records
# Queue() sets it on the caller's channel when it returns to the dialplan without an answer
# (TIMEOUT, JOINEMPTY, LEAVEEMPTY, FULL...: app_queue.c set_queue_result()).
QUEUE_STATUS_VARIABLE = "QUEUESTATUS"
WANTED_VARIABLES = frozenset({RECORDING_VARIABLE, QUEUE_STATUS_VARIABLE})


@dataclass(frozen=True, slots=True)
class ChannelEvent:
    """Fields every channel event carries."""

    at: datetime
    channel: str
    uniqueid: str
    linkedid: str


@dataclass(frozen=True, slots=True)
class ChannelCreated(ChannelEvent):
    caller_num: str
    caller_name: str
    context: str
    exten: str


@dataclass(frozen=True, slots=True)
class VariableSet(ChannelEvent):
    variable: str
    value: str


@dataclass(frozen=True, slots=True)
class UserEventRaised(ChannelEvent):
    name: str
    fields: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class CallerJoinedQueue(ChannelEvent):
    queue: str
    position: int


@dataclass(frozen=True, slots=True)
class CallerAbandonedQueue(ChannelEvent):
    queue: str
    hold_seconds: int


@dataclass(frozen=True, slots=True)
class AgentCalled(ChannelEvent):
    seat: str
    dest_uniqueid: str


@dataclass(frozen=True, slots=True)
class AgentRingNoAnswer(ChannelEvent):
    seat: str
    dest_uniqueid: str


@dataclass(frozen=True, slots=True)
class DialEnded(ChannelEvent):
    """`DialEnd` of one operator leg the caller's channel dialled (app_queue rings a seat)."""

    dest_uniqueid: str
    status: str  # DialStatus: ANSWER, NOANSWER, CANCEL, BUSY, CHANUNAVAIL...


@dataclass(frozen=True, slots=True)
class AgentConnected(ChannelEvent):
    seat: str
    dest_uniqueid: str
    hold_seconds: int


@dataclass(frozen=True, slots=True)
class AgentCompleted(ChannelEvent):
    seat: str
    reason: str
    talk_seconds: int


@dataclass(frozen=True, slots=True)
class HangupRequested(ChannelEvent):
    pass


@dataclass(frozen=True, slots=True)
class ChannelHungUp(ChannelEvent):
    cause: int | None
    cause_text: str


@dataclass(frozen=True, slots=True)
class ChannelSnapshot:
    """One `CoreShowChannel` item of a CoreShowChannels response."""

    channel: str
    uniqueid: str
    linkedid: str
    caller_num: str
    caller_name: str
    context: str
    exten: str
    application: str
    duration_seconds: int
    bridge_id: str


AmiEvent = (
    ChannelCreated
    | VariableSet
    | UserEventRaised
    | CallerJoinedQueue
    | CallerAbandonedQueue
    | AgentCalled
    | AgentRingNoAnswer
    | DialEnded
    | AgentConnected
    | AgentCompleted
    | HangupRequested
    | ChannelHungUp
)


def header(headers: Headers, key: str) -> str:
    """The first value of a header, '' when absent (keys are case-sensitive as Asterisk sends)."""
    value = headers.get(key, "")
    if isinstance(value, list):
        return value[0] if value else ""
    return value


def _int(headers: Headers, key: str) -> int:
    try:
        return int(header(headers, key))
    except ValueError:
        return 0


def _cause(headers: Headers) -> int | None:
    raw = header(headers, "Cause")
    return int(raw) if raw.isdigit() else None


def event_time(headers: Headers, received_at: datetime) -> datetime:
    """`Timestamp:` (epoch seconds, timestampevents=yes) when present, else the time of receipt."""
    raw = header(headers, "Timestamp")
    try:
        return datetime.fromtimestamp(float(raw), tz=UTC) if raw else received_at
    except (ValueError, OverflowError, OSError):
        return received_at


def _base(headers: Headers, at: datetime) -> tuple[datetime, str, str, str]:
    return (
        at,
        header(headers, "Channel"),
        header(headers, "Uniqueid"),
        header(headers, "Linkedid"),
    )


def _channel_created(h: Headers, at: datetime) -> AmiEvent:
    return ChannelCreated(
        *_base(h, at),
        caller_num=header(h, "CallerIDNum"),
        caller_name=header(h, "CallerIDName"),
        context=header(h, "Context"),
        exten=header(h, "Exten"),
    )


def _variable_set(h: Headers, at: datetime) -> AmiEvent:
    return VariableSet(
        *_base(h, at),
        variable=header(h, "Variable"),
        value=header(h, "Value"),
    )


_USER_EVENT_SKIP = frozenset({"Event", "Privilege", "Timestamp", "UserEvent", "Channel"})


def _user_event(h: Headers, at: datetime) -> AmiEvent:
    # Asterisk repeats CallerIDNum: the channel's header comes first, the user field after it.
    fields = {k: (v[-1] if isinstance(v, list) else v) for k, v in h.items() if v}
    return UserEventRaised(
        *_base(h, at),
        name=header(h, "UserEvent"),
        fields={k: v for k, v in fields.items() if k not in _USER_EVENT_SKIP and v},
    )


def _queue_join(h: Headers, at: datetime) -> AmiEvent:
    return CallerJoinedQueue(
        *_base(h, at),
        queue=header(h, "Queue"),
        position=_int(h, "Position"),
    )


def _queue_abandon(h: Headers, at: datetime) -> AmiEvent:
    return CallerAbandonedQueue(
        *_base(h, at),
        queue=header(h, "Queue"),
        hold_seconds=_int(h, "HoldTime"),
    )


def _agent_called(h: Headers, at: datetime) -> AmiEvent:
    return AgentCalled(*_base(h, at), seat=header(h, "Interface"),
                       dest_uniqueid=header(h, "DestUniqueid"))


def _agent_ring_no_answer(h: Headers, at: datetime) -> AmiEvent:
    return AgentRingNoAnswer(*_base(h, at), seat=header(h, "Interface"),
                             dest_uniqueid=header(h, "DestUniqueid"))


def _dial_end(h: Headers, at: datetime) -> AmiEvent:
    return DialEnded(*_base(h, at), dest_uniqueid=header(h, "DestUniqueid"),
                     status=header(h, "DialStatus").strip().upper())


def _agent_connect(h: Headers, at: datetime) -> AmiEvent:
    return AgentConnected(
        *_base(h, at),
        seat=header(h, "Interface"),
        dest_uniqueid=header(h, "DestUniqueid"),
        hold_seconds=_int(h, "HoldTime"),
    )


def _agent_complete(h: Headers, at: datetime) -> AmiEvent:
    return AgentCompleted(
        *_base(h, at),
        seat=header(h, "Interface"),
        reason=header(h, "Reason"),
        talk_seconds=_int(h, "TalkTime"),
    )


def _hangup_request(h: Headers, at: datetime) -> AmiEvent:
    return HangupRequested(*_base(h, at))


def _hangup(h: Headers, at: datetime) -> AmiEvent:
    return ChannelHungUp(
        *_base(h, at),
        cause=_cause(h),
        cause_text=header(h, "Cause-txt"),
    )


_PARSERS: dict[str, Callable[[Headers, datetime], AmiEvent]] = {
    "Newchannel": _channel_created,
    "VarSet": _variable_set,
    "UserEvent": _user_event,
    "QueueCallerJoin": _queue_join,
    "QueueCallerAbandon": _queue_abandon,
    "AgentCalled": _agent_called,
    "AgentRingNoAnswer": _agent_ring_no_answer,
    "DialEnd": _dial_end,
    "AgentConnect": _agent_connect,
    "AgentComplete": _agent_complete,
    "HangupRequest": _hangup_request,
    "Hangup": _hangup,
}

# The one table of AMI events the call intake subscribes to.
WANTED_EVENTS = frozenset(_PARSERS)


def is_wanted(event_name: str, variable: str = "") -> bool:
    """Cheap pre-filter the listener applies before building any object."""
    if event_name == "VarSet":
        return variable in WANTED_VARIABLES
    return event_name in _PARSERS


REQUIRED = ("Linkedid", "Uniqueid", "Channel")  # without them an event cannot be placed


def parse_event(headers: Headers, received_at: datetime) -> AmiEvent | None:
    """A typed event, or None for events we do not consume or frames missing a required
    header (`missing_headers` names them, for the log)."""
    parser = _PARSERS.get(header(headers, "Event"))
    if parser is None or _originated_dial(headers) or missing_headers(headers):
        return None
    return parser(headers, event_time(headers, received_at))


def missing_headers(headers: Headers) -> tuple[str, ...]:
    """The required headers a consumed event lacks; () for events we do not consume, and for
    a dial with no calling channel (the first leg of an `Originate`, a call-back: only `Dest*`
    headers, trace pjsip-callback-originate), which concerns no inbound call."""
    if header(headers, "Event") not in _PARSERS or _originated_dial(headers):
        return ()
    return tuple(name for name in REQUIRED if not header(headers, name))


def _originated_dial(headers: Headers) -> bool:
    return (header(headers, "Event").startswith("Dial") and not header(headers, "Channel")
            and bool(header(headers, "DestChannel")))


def _duration(raw: str) -> int:
    parts = raw.split(":")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return 0
    hours, minutes, seconds = (int(p) for p in parts)
    return hours * 3600 + minutes * 60 + seconds


def parse_snapshot(headers: Headers) -> ChannelSnapshot | None:
    """A `CoreShowChannel` item, or None for the list's other messages."""
    if header(headers, "Event") != "CoreShowChannel" or not header(headers, "Linkedid"):
        return None
    return ChannelSnapshot(
        channel=header(headers, "Channel"),
        uniqueid=header(headers, "Uniqueid"),
        linkedid=header(headers, "Linkedid"),
        caller_num=header(headers, "CallerIDNum"),
        caller_name=header(headers, "CallerIDName"),
        context=header(headers, "Context"),
        exten=header(headers, "Exten"),
        application=header(headers, "Application"),
        duration_seconds=_duration(header(headers, "Duration")),
        bridge_id=header(headers, "BridgeId"),
    )
