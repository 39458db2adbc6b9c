"""Answers to AMI actions, framed like Asterisk 20's (see the traces' responses)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from callcenter.simulator.frames import Frame, frame_bytes
from callcenter.simulator.queue_state import pause_event
from callcenter.simulator.session import TRUE_WORDS, Client, parse_event_mask

if TYPE_CHECKING:
    from callcenter.simulator.pbx import SimulatedPbx

Headers = dict[str, str]  # action headers with lower-case keys
Handler = Callable[["SimulatedPbx", Client, Headers], bool]
BEFORE_LOGIN = frozenset({"login", "logoff", "challenge"})


def handle_action(pbx: SimulatedPbx, client: Client, action: dict[str, str]) -> bool:
    """Answer one action. False when the connection is to be closed after the answer."""
    headers = {key.lower(): value for key, value in action.items()}
    name = headers.get("action", "").lower()
    action_id = headers.get("actionid", "")
    if not name:
        client.send(response("Error", action_id, "Missing action in request"))
    elif not client.logged_in and name not in BEFORE_LOGIN:
        client.send(response("Error", action_id, "Permission denied"))
    elif name in HANDLERS:
        return HANDLERS[name](pbx, client, headers)
    else:
        message = (
            f"Invalid/unknown command: {headers['action']}. "
            "Use Action: ListCommands to show available commands."
        )
        client.send(response("Error", action_id, message))
    return True


def response(kind: str, action_id: str, message: str, *extra: tuple[str, str]) -> bytes:
    frame: Frame = [("Response", kind)]
    if action_id:
        frame.append(("ActionID", action_id))
    frame.extend(extra)
    frame.append(("Message", message))
    return frame_bytes(frame)


def fully_booted(uptime: int) -> bytes:
    return frame_bytes(
        [
            ("Event", "FullyBooted"),
            ("Privilege", "system,all"),
            ("Uptime", str(uptime)),
            ("LastReload", str(uptime)),
            ("Status", "Fully Booted"),
        ]
    )


def _login(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    action_id = headers.get("actionid", "")
    if client.logged_in:
        client.send(response("Success", action_id, "Already authenticated"))
        return True
    user, secret = headers.get("username", ""), headers.get("secret", "")
    if user.lower() != pbx.username.lower() or secret != pbx.secret:
        # Asterisk's action_login returns -1 here, which ends the session: it closes.
        client.send(response("Error", action_id, "Authentication failed"))
        client.close_soon()
        return False
    client.logged_in, client.username = True, user
    client.events = parse_event_mask(headers.get("events"))
    client.send(response("Success", action_id, "Authentication accepted"))
    if client.wants("system,all"):
        client.send(fully_booted(pbx.uptime()))
    pbx.broadcast([successful_auth(pbx, client)])
    if pbx.after_login and client.events != frozenset():
        client.send(pbx.after_login)
    return True


def successful_auth(pbx: SimulatedPbx, client: Client) -> Frame:
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"
    return [
        ("Event", "SuccessfulAuth"),
        ("Privilege", "security,all"),
        ("EventTV", now),
        ("Severity", "Informational"),
        ("Service", "AMI"),
        ("EventVersion", "1"),
        ("AccountID", client.username),
        ("SessionID", f"0x{id(client):x}"),
        ("LocalAddress", f"IPV4/TCP/{pbx.host}/{pbx.port}"),
        ("RemoteAddress", f"IPV4/TCP/{client.peer}"),
        ("UsingPassword", "0"),
        ("SessionTV", now),
    ]


def _logoff(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    client.send(response("Goodbye", headers.get("actionid", ""), "Thanks for all the fish."))
    client.close_soon()
    return False


def _ping(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    frame: Frame = [("Response", "Success")]
    if headers.get("actionid"):
        frame.append(("ActionID", headers["actionid"]))
    frame += [("Ping", "Pong"), ("Timestamp", f"{time.time():.6f}")]
    client.send(frame_bytes(frame))
    return True


def _getvar(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    """A channel variable, as action_getvar answers (no Channel: a global, none here)."""
    action_id, variable = headers.get("actionid", ""), headers.get("variable", "")
    name = headers.get("channel", "")
    channel = pbx.live.named(name) if name else None
    if not variable:
        client.send(response("Error", action_id, "No variable specified"))
        return True
    if name and channel is None:
        client.send(response("Error", action_id, "No such channel"))
        return True
    value = channel.variables.get(variable.lstrip("_"), "") if channel else ""
    frame: Frame = [("Response", "Success")]
    if action_id:
        frame.append(("ActionID", action_id))
    client.send(frame_bytes([*frame, ("Variable", variable), ("Value", value)]))
    return True


def _list(client: Client, action_id: str, message: str, items: list[Frame], event: str) -> None:
    """An EventList answer: the start response, the items, then `<event>` Complete."""
    start = response("Success", action_id, message, ("EventList", "start"))
    complete: Frame = [("Event", event)]
    if action_id:
        complete.append(("ActionID", action_id))
    complete += [("EventList", "Complete"), ("ListItems", str(len(items)))]
    client.send(start + b"".join(frame_bytes(item) for item in items) + frame_bytes(complete))


def _core_show_channels(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    action_id = headers.get("actionid", "")
    items = pbx.live.show_items(action_id)
    _list(client, action_id, "Channels will follow", items, "CoreShowChannelsComplete")
    return True


def _queue_status(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    action_id = headers.get("actionid", "")
    queue, member = headers.get("queue", ""), headers.get("member", "")
    items = pbx.queue.status_items(action_id, queue, member)
    _list(client, action_id, "Queue status will follow", items, "QueueStatusComplete")
    return True


def _queue_summary(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    action_id = headers.get("actionid", "")
    items = pbx.queue.summary_items(action_id, headers.get("queue", ""))
    _list(client, action_id, "Queue summary will follow", items, "QueueSummaryComplete")
    return True


def _queue_pause(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    action_id = headers.get("actionid", "")
    interface, paused_text = headers.get("interface", ""), headers.get("paused", "")
    if not interface or not paused_text:
        client.send(response("Error", action_id, "Need 'Interface' and 'Paused' parameters."))
        return True
    paused, reason = paused_text.lower() in TRUE_WORDS, headers.get("reason", "")
    member = pbx.queue.pause(interface, paused, reason, headers.get("queue", ""))
    if member is None:
        client.send(response("Error", action_id, "Interface not found"))
        return True
    state = "paused" if paused else "unpaused"
    client.send(response("Success", action_id, f"Interface {state} successfully"))
    pbx.broadcast([pause_event(member, reason)])
    return True


HANDLERS: dict[str, Handler] = {
    "login": _login,
    "logoff": _logoff,
    "ping": _ping,
    "getvar": _getvar,
    "coreshowchannels": _core_show_channels,
    "queuestatus": _queue_status,
    "queuesummary": _queue_summary,
    "queuepause": _queue_pause,
}
