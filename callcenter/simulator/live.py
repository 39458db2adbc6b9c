"""Live channels, kept from the events the simulator has played (for CoreShowChannels)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from callcenter.simulator.frames import Frame, first_values

CHANNEL_FIELDS = (
    "Channel",
    "ChannelState",
    "ChannelStateDesc",
    "CallerIDNum",
    "CallerIDName",
    "ConnectedLineNum",
    "ConnectedLineName",
    "Language",
    "AccountCode",
    "Context",
    "Exten",
    "Priority",
    "Uniqueid",
    "Linkedid",
)


@dataclass
class LiveChannel:
    fields: dict[str, str]
    created: float  # time.monotonic()
    application: str = ""
    application_data: str = ""
    bridge_id: str = ""
    variables: dict[str, str] = field(default_factory=dict)  # without `__` prefixes

    @property
    def uniqueid(self) -> str:
        return self.fields["Uniqueid"]


def channel_block(values: dict[str, str], prefix: str = "") -> dict[str, str]:
    """The channel snapshot fields of an event (`Dest...` ones with prefix "Dest")."""
    return {name: values[prefix + name] for name in CHANNEL_FIELDS if prefix + name in values}


class LiveChannels:
    def __init__(self) -> None:
        self.channels: dict[str, LiveChannel] = {}

    def __len__(self) -> int:
        return len(self.channels)

    def apply(self, frame: Frame) -> None:
        """Update from one played event: Newchannel adds, Hangup removes, others refresh."""
        values = first_values(frame)
        event = values.get("Event", "")
        uniqueid = values.get("Uniqueid", "")
        if event == "Newchannel" and "Channel" in values:
            self.channels[uniqueid] = LiveChannel(channel_block(values), time.monotonic())
            return
        if event == "Hangup":
            self.channels.pop(uniqueid, None)
            return
        self._refresh(values, "")
        self._refresh(values, "Dest")
        channel = self.channels.get(uniqueid)
        if channel is not None:
            _apply_event(channel, event, values)

    def _refresh(self, values: dict[str, str], prefix: str) -> None:
        channel = self.channels.get(values.get(prefix + "Uniqueid", ""))
        if channel is not None:
            channel.fields.update(channel_block(values, prefix))

    def named(self, name: str) -> LiveChannel | None:
        return next((c for c in self.channels.values() if c.fields.get("Channel") == name),
                    None)

    def linkedids(self) -> set[str]:
        return {channel.fields.get("Linkedid", "") for channel in self.channels.values()}

    def show_items(self, action_id: str) -> list[Frame]:
        """`Event: CoreShowChannel` items, framed as Asterisk 20 sends them."""
        now = time.monotonic()
        return [_show_item(channel, action_id, now) for channel in self.channels.values()]

    def teardown(self) -> list[Frame]:
        """What a clean `core restart now` sends for every live channel: all the
        SoftHangupRequests (Cause 4), then all the Hangups (16, Normal Clearing).
        Forgets the channels."""
        channels = list(self.channels.values())
        self.channels.clear()
        soft = [_channel_event("SoftHangupRequest", c, [("Cause", "4")]) for c in channels]
        cause = [("Cause", "16"), ("Cause-txt", "Normal Clearing")]
        return soft + [_channel_event("Hangup", c, cause) for c in channels]


def _apply_event(channel: LiveChannel, event: str, values: dict[str, str]) -> None:
    if event == "Newexten":
        channel.application = values.get("Application", "")
        channel.application_data = values.get("AppData", "")
    elif event == "VarSet":
        channel.variables[values.get("Variable", "").lstrip("_")] = values.get("Value", "")
    elif event == "BridgeEnter":
        channel.bridge_id = values.get("BridgeUniqueid", "")
    elif event == "BridgeLeave":
        channel.bridge_id = ""


def _channel_event(event: str, channel: LiveChannel, extra: list[tuple[str, str]]) -> Frame:
    head = [("Event", event), ("Privilege", "call,all")]
    return head + list(channel.fields.items()) + extra


def _show_item(channel: LiveChannel, action_id: str, now: float) -> Frame:
    item: Frame = [("Event", "CoreShowChannel")]
    if action_id:
        item.append(("ActionID", action_id))
    item += [(name, channel.fields.get(name, "")) for name in CHANNEL_FIELDS]
    item += [
        ("Application", channel.application),
        ("ApplicationData", channel.application_data),
        ("Duration", _duration(now - channel.created)),
        ("BridgeId", channel.bridge_id),
    ]
    return item


def _duration(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 3600:02d}:{whole % 3600 // 60:02d}:{whole % 60:02d}"
