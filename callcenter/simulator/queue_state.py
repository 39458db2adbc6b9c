"""The `operators` queue as the simulator plays it: members, waiting callers, statistics."""

from __future__ import annotations

import time
from dataclasses import dataclass

from callcenter.simulator.frames import Frame, first_values, replace_values

QUEUE = "operators"
DEFAULT_MEMBERS = (("PJSIP/op1001", "Operator 1001"), ("PJSIP/op1002", "Operator 1002"))


@dataclass
class Member:
    interface: str
    name: str
    login_time: int
    status: str = "1"
    in_call: str = "0"
    paused: bool = False
    paused_reason: str = ""
    calls_taken: int = 0
    last_call: int = 0
    last_pause: int = 0


@dataclass
class Entry:
    values: dict[str, str]  # the QueueCallerJoin event's first values
    joined: float  # time.monotonic()


class QueueState:
    def __init__(self, members: tuple[tuple[str, str], ...] = DEFAULT_MEMBERS) -> None:
        now = int(time.time())
        self.members = {i.lower(): Member(i, name, now) for i, name in members}
        self.entries: dict[str, Entry] = {}
        self.holdtime = self.talktime = self.completed = self.abandoned = 0

    def apply(self, frame: Frame) -> Frame:
        """Update from one played event and return it patched to the live state
        (queue positions and counts, member pause flags and counters)."""
        values = first_values(frame)
        event = values.get("Event", "")
        if event == "QueueCallerJoin":
            self.entries[values.get("Uniqueid", "")] = Entry(values, time.monotonic())
            count = str(len(self.entries))
            return replace_values(frame, {"Position": count, "Count": count})
        if event == "QueueCallerLeave":
            position = self._position(values.get("Uniqueid", ""))
            self.entries.pop(values.get("Uniqueid", ""), None)
            return replace_values(frame, {"Position": position, "Count": str(len(self.entries))})
        if event == "QueueMemberStatus":
            return self._member_status(frame, values)
        self._statistics(event, values)
        return frame

    def _position(self, uniqueid: str) -> str:
        order = list(self.entries)
        return str(order.index(uniqueid) + 1) if uniqueid in order else "1"

    def _statistics(self, event: str, values: dict[str, str]) -> None:
        if event == "QueueCallerAbandon":
            self.abandoned += 1
        elif event == "AgentConnect":
            self.holdtime = (self.holdtime * 3 + _int(values.get("HoldTime"))) // 4
        elif event == "AgentComplete":
            self.completed += 1
            self.talktime = (self.talktime * 3 + _int(values.get("TalkTime"))) // 4
            member = self.members.get(values.get("Interface", "").lower())
            if member is not None:
                member.calls_taken += 1
                member.last_call = int(time.time())

    def _member_status(self, frame: Frame, values: dict[str, str]) -> Frame:
        interface = values.get("Interface", "")
        member = self.members.get(interface.lower())
        if member is None:
            member = Member(interface, values.get("MemberName", interface), int(time.time()))
            self.members[interface.lower()] = member
        member.status = values.get("Status", member.status)
        member.in_call = values.get("InCall", member.in_call)
        return replace_values(frame, _member_fields(member))

    def forget_calls(self) -> None:
        """No caller waits and no member is on a call any more."""
        self.entries.clear()
        for member in self.members.values():
            member.status, member.in_call = "1", "0"

    def pause(self, interface: str, paused: bool, reason: str, queue: str) -> Member | None:
        """QueuePause: None when the interface is not a member (of `queue`, if given)."""
        member = self.members.get(interface.lower())
        if member is None or (queue and queue != QUEUE):
            return None
        member.paused = paused
        member.paused_reason = reason if paused else ""
        if paused:
            member.last_pause = int(time.time())
        return member

    def status_items(self, action_id: str, queue: str, member: str) -> list[Frame]:
        """QueueParams, QueueMember and QueueEntry items of a QueueStatus response."""
        if queue and queue != QUEUE:
            return []
        members = [m for m in self.members.values() if not member or m.interface == member]
        items = [self._params()] + [_member_item(m) for m in members] + self._entry_items()
        return [_with_action_id(item, action_id) for item in items]

    def summary_items(self, action_id: str, queue: str) -> list[Frame]:
        if queue and queue != QUEUE:
            return []
        free = [m for m in self.members.values() if not m.paused and m.status == "1"]
        now = time.monotonic()
        longest = max((int(now - e.joined) for e in self.entries.values()), default=0)
        item: Frame = [
            ("Event", "QueueSummary"),
            ("Queue", QUEUE),
            ("LoggedIn", str(len(self.members))),
            ("Available", str(len(free))),
            ("Callers", str(len(self.entries))),
            ("HoldTime", str(self.holdtime)),
            ("TalkTime", str(self.talktime)),
            ("LongestHoldTime", str(longest)),
        ]
        return [_with_action_id(item, action_id)]

    def _params(self) -> Frame:
        return [
            ("Event", "QueueParams"),
            ("Queue", QUEUE),
            ("Max", "0"),
            ("Strategy", "ringall"),
            ("Calls", str(len(self.entries))),
            ("Holdtime", str(self.holdtime)),
            ("TalkTime", str(self.talktime)),
            ("Completed", str(self.completed)),
            ("Abandoned", str(self.abandoned)),
            ("ServiceLevel", "0"),
            ("ServicelevelPerf", "0.0"),
            ("ServicelevelPerf2", "0.0"),
            ("Weight", "0"),
        ]

    def _entry_items(self) -> list[Frame]:
        now = time.monotonic()
        return [_entry_item(e, n, now) for n, e in enumerate(self.entries.values(), start=1)]


def pause_event(member: Member, reason: str) -> Frame:
    """`Event: QueueMemberPause` as app_queue sends it after QueuePause."""
    event: Frame = [("Event", "QueueMemberPause"), ("Privilege", "agent,all")]
    event += [("Queue", QUEUE), ("MemberName", member.name), ("Interface", member.interface)]
    event += [("StateInterface", member.interface), ("Membership", "static"), ("Penalty", "0")]
    event += [*_member_fields(member).items(), ("Ringinuse", "0"), ("Wrapuptime", "0")]
    if reason:
        event.append(("Reason", reason))
    return event


def _member_fields(member: Member) -> dict[str, str]:
    return {
        "CallsTaken": str(member.calls_taken),
        "LastCall": str(member.last_call),
        "LastPause": str(member.last_pause),
        "LoginTime": str(member.login_time),
        "InCall": member.in_call,
        "Status": member.status,
        "Paused": "1" if member.paused else "0",
        "PausedReason": member.paused_reason,
    }


def _member_item(member: Member) -> Frame:
    item: Frame = [("Event", "QueueMember"), ("Queue", QUEUE), ("Name", member.name)]
    item += [("Location", member.interface), ("StateInterface", member.interface)]
    item += [("Membership", "static"), ("Penalty", "0")]
    return [*item, *_member_fields(member).items(), ("Wrapuptime", "0")]


def _entry_item(entry: Entry, position: int, now: float) -> Frame:
    values = entry.values
    return [
        ("Event", "QueueEntry"),
        ("Queue", QUEUE),
        ("Position", str(position)),
        ("Channel", values.get("Channel", "")),
        ("Uniqueid", values.get("Uniqueid", "")),
        ("CallerIDNum", _unknown(values.get("CallerIDNum", ""))),
        ("CallerIDName", _unknown(values.get("CallerIDName", ""))),
        ("ConnectedLineNum", _unknown(values.get("ConnectedLineNum", ""))),
        ("ConnectedLineName", _unknown(values.get("ConnectedLineName", ""))),
        ("Wait", str(int(now - entry.joined))),
        ("Priority", "0"),
    ]


def _unknown(value: str) -> str:
    """QueueEntry writes a missing id as `unknown`, without the angle brackets."""
    return "unknown" if value in ("", "<unknown>") else value


def _with_action_id(item: Frame, action_id: str) -> Frame:
    return [*item, ("ActionID", action_id)] if action_id else item


def _int(value: str | None) -> int:
    try:
        return int(value or "0")
    except ValueError:
        return 0
