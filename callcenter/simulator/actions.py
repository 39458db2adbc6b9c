"""Answers to AMI actions, framed like Asterisk 20's (see the traces' responses)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from callcenter.simulator.demo import write_recording
from callcenter.simulator.frames import Frame, frame_bytes, header
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
    if channel is not None:
        value = channel.variables.get(variable.lstrip("_"), "")
    else:
        value = pbx.globals.get(_global_name(variable), "")
    frame: Frame = [("Response", "Success")]
    if action_id:
        frame.append(("ActionID", action_id))
    client.send(frame_bytes([*frame, ("Variable", variable), ("Value", value)]))
    return True


def _setvar(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    """As action_setvar: class `call` only; no Channel sets a global (the announcement the
    dialplan plays, trace pjsip-announcement-actions), `Message: Variable Set`."""
    action_id, variable = headers.get("actionid", ""), headers.get("variable", "")
    name = headers.get("channel", "")
    if "call" not in pbx.write_classes:
        client.send(response("Error", action_id, "Permission denied"))
    elif not variable:
        client.send(response("Error", action_id, "No variable specified"))
    elif name and pbx.live.named(name) is None:
        client.send(response("Error", action_id, "No such channel"))
    else:
        channel = pbx.live.named(name) if name else None
        if channel is not None:
            channel.variables[variable.lstrip("_")] = headers.get("value", "")
        else:
            pbx.globals[_global_name(variable)] = headers.get("value", "")
        pbx.setvars += 1
        client.send(response("Success", action_id, "Variable Set"))
    return True


def _global_name(variable: str) -> str:
    """`GLOBAL(X)` and `X` name one global (a name without a channel is a global)."""
    inner = variable.strip()
    if inner.upper().startswith("GLOBAL(") and inner.endswith(")"):
        inner = inner[7:-1]
    return inner


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
    "setvar": _setvar,
    "coreshowchannels": _core_show_channels,
    "queuestatus": _queue_status,
    "queuesummary": _queue_summary,
    "queuepause": _queue_pause,
}


# -- Originate (a call-back: the operator's phone first, then the resident) -------------------
# As in the trace pjsip-callback-originate: `Originate successfully queued` at once; the
# operator leg (Context from-operator) rings and answers; the dialplan starts MixMonitor and
# dials the landline; OriginateResponse (class call, with the ActionID) comes after the
# operator answered and before the landline leg exists; that leg's Linkedid is the operator
# leg's Uniqueid. A phone that does not answer gives OriginateResponse `Failure`, Reason 3
# after the Originate's Timeout (ms, Asterisk's default 30000).

CALL = "call,all"
HOTLINE_NAME, HOTLINE_NUMBER = "Гаряча лінія 1580", "1580"
MONITOR = "/var/spool/asterisk/monitor"
DIAL_CAUSES = {"ANSWER": ("16", "Normal Clearing"), "NOANSWER": ("19", "No user responding"),
               "BUSY": ("17", "User busy")}


def _originate(pbx: SimulatedPbx, client: Client, headers: Headers) -> bool:
    action_id = headers.get("actionid", "")
    if "originate" not in pbx.write_classes and "system" not in pbx.write_classes:
        client.send(response("Error", action_id, "Permission denied"))
        return True
    seat, exten = headers.get("channel", ""), headers.get("exten", "")
    if not seat or "/" not in seat:
        client.send(response("Error", action_id, "Channel not specified"))
        return True
    client.send(response("Success", action_id, "Originate successfully queued"))
    ids = pbx.player.ids
    leg = _Leg(f"{seat}-{ids.channel_suffix()}", ids.uniqueid(), "", "from-operator")
    leg.linkedid = leg.uniqueid
    timeout = float(headers.get("timeout") or 30000) / 1000
    if seat in pbx.seats_away:
        steps = _seat_away(leg, headers, action_id, timeout)
    else:
        steps = _seat_answers(pbx, leg, headers, action_id, exten)
    if pbx.originate_silent:
        steps = [([f for f in frames if header(f, "Event") != "OriginateResponse"], pause)
                 for frames, pause in steps]
    pbx.player.start_steps(leg.uniqueid, steps)
    return True


class _Leg:
    def __init__(self, channel: str, uniqueid: str, linkedid: str, context: str) -> None:
        self.channel, self.uniqueid, self.linkedid, self.context = (channel, uniqueid,
                                                                    linkedid, context)
        self.state, self.number, self.name, self.exten = "0", "<unknown>", "<unknown>", "s"

    def block(self, prefix: str = "") -> Frame:
        desc = {"0": "Down", "5": "Ringing", "6": "Up"}[self.state]
        return [(prefix + k, v) for k, v in (
            ("Channel", self.channel), ("ChannelState", self.state),
            ("ChannelStateDesc", desc), ("CallerIDNum", self.number),
            ("CallerIDName", self.name), ("ConnectedLineNum", "<unknown>"),
            ("ConnectedLineName", "<unknown>"), ("Language", "en"), ("AccountCode", ""),
            ("Context", self.context), ("Exten", self.exten), ("Priority", "1"),
            ("Uniqueid", self.uniqueid), ("Linkedid", self.linkedid))]

    def event(self, name: str, *extra: tuple[str, str], privilege: str = CALL) -> Frame:
        return [("Event", name), ("Privilege", privilege), *self.block(), *extra]


def _originate_response(action_id: str, headers: Headers, ok: bool, reason: str,
                        channel: str, uniqueid: str) -> Frame:
    frame: Frame = [("Event", "OriginateResponse"), ("Privilege", CALL)]
    if action_id:
        frame.append(("ActionID", action_id))
    return [*frame, ("Response", "Success" if ok else "Failure"), ("Channel", channel),
            ("Context", headers.get("context", "")), ("Exten", headers.get("exten", "")),
            ("Reason", reason), ("Uniqueid", uniqueid),
            ("CallerIDNum", HOTLINE_NUMBER), ("CallerIDName", HOTLINE_NAME)]


def _dial(caller: _Leg | None, dest: _Leg, event: str, *extra: tuple[str, str]) -> Frame:
    frame: Frame = [("Event", event), ("Privilege", CALL)]
    if caller is not None:
        frame += caller.block()
    return [*frame, *dest.block("Dest"), *extra]


def _hangup(leg: _Leg, cause: tuple[str, str]) -> Frame:
    return leg.event("Hangup", ("Cause", cause[0]), ("Cause-txt", cause[1]))


def _seat_rings(leg: _Leg, seat: str) -> list[Frame]:
    leg.number, leg.name = seat.rsplit("/op", 1)[-1], f"Operator {seat.rsplit('/op', 1)[-1]}"
    created = leg.event("Newchannel")
    leg.number, leg.name = HOTLINE_NUMBER, HOTLINE_NAME
    dial_string = seat.split("/", 1)[-1]
    begin = _dial(None, leg, "DialBegin", ("DialString", dial_string))
    leg.state = "5"
    return [created, leg.event("NewCallerid", ("CID-CallingPres", "0 (Presentation Allowed, "
                                               "Not Screened)")),
            begin, _dial(None, leg, "DialState", ("DialStatus", "RINGING"))]


def _seat_away(leg: _Leg, headers: Headers, action_id: str, timeout: float
               ) -> list[tuple[list[Frame], float]]:
    ringing = _seat_rings(leg, headers.get("channel", ""))
    ended = [_dial(None, leg, "DialEnd", ("DialStatus", "NOANSWER")),
             _hangup(leg, DIAL_CAUSES["NOANSWER"]),
             _originate_response(action_id, headers, False, "3", headers.get("channel", ""),
                                 "<null>")]
    return [(ringing, timeout), (ended, 0.0)]


def _seat_answers(pbx: SimulatedPbx, leg: _Leg, headers: Headers, action_id: str,
                  exten: str) -> list[tuple[list[Frame], float]]:
    ringing = _seat_rings(leg, headers.get("channel", ""))
    leg.state, leg.exten = "6", exten
    recording = f"{MONITOR}/{leg.uniqueid}.wav"
    answered = [leg.event("Newstate"), _dial(None, leg, "DialEnd", ("DialStatus", "ANSWER")),
                leg.event("Newexten", ("Extension", exten), ("Application", "MixMonitor"),
                          ("AppData", recording), privilege="dialplan,all"),
                leg.event("VarSet", ("Variable", "MIXMONITOR_FILENAME"), ("Value", recording),
                          privilege="dialplan,all"),
                leg.event("MixMonitorStart"),
                _originate_response(action_id, headers, True, "4", leg.channel, leg.uniqueid)]
    ids = pbx.player.ids
    out = _Leg(f"PJSIP/landline-{ids.channel_suffix()}", ids.uniqueid(), leg.linkedid,
               "from-trunk")
    dialling = [out.event("Newchannel"),
                _dial(leg, out, "DialBegin", ("DialString", f"{exten}@landline"))]
    out.state, out.number, out.name = "5", exten, HOTLINE_NAME
    dialling.append(_dial(leg, out, "DialState", ("DialStatus", "RINGING")))
    ring, talk = pbx.callback_seconds
    if pbx.callback_spool is not None:
        write_recording(pbx.callback_spool / f"{leg.uniqueid}.wav", ring + talk + 0.5)
    return [(ringing, 0.05), (answered, 0.0), (dialling, ring),
            *_resident(leg, out, pbx.callees.get(exten, "answer"), talk)]


def _resident(leg: _Leg, out: _Leg, behaviour: str, talk: float
              ) -> list[tuple[list[Frame], float]]:
    if behaviour != "answer":
        status = "BUSY" if behaviour == "busy" else "NOANSWER"
        return [([_dial(leg, out, "DialEnd", ("DialStatus", status)),
                  _hangup(out, DIAL_CAUSES[status]),
                  _hangup(leg, DIAL_CAUSES["ANSWER"])], 0.0)]
    out.state = "6"
    bridge = [("BridgeUniqueid", f"cb-{leg.uniqueid}"), ("BridgeType", "basic")]
    up = [out.event("Newstate"), _dial(leg, out, "DialEnd", ("DialStatus", "ANSWER")),
          [("Event", "BridgeCreate"), ("Privilege", CALL), *bridge],
          leg.event("BridgeEnter", *bridge), out.event("BridgeEnter", *bridge)]
    down = [out.event("HangupRequest", ("Cause", "16")), leg.event("BridgeLeave", *bridge),
            out.event("BridgeLeave", *bridge),
            [("Event", "BridgeDestroy"), ("Privilege", CALL), *bridge],
            _hangup(out, DIAL_CAUSES["ANSWER"]), _hangup(leg, DIAL_CAUSES["ANSWER"])]
    return [(up, talk), (down, 0.0)]


HANDLERS["originate"] = _originate
