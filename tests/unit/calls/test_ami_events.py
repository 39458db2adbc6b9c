"""Typed AMI events (callcenter.calls.model.ami_events)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from callcenter.calls.model import ami_events as ami

RECEIVED = datetime(2026, 11, 28, 23, 19, 40, tzinfo=UTC)
CALLER = "1795907974.0"
OPERATOR = "1795907976.2"


Frame = dict[str, "str | list[str]"]


def channel(event: str, *, uniqueid: str = CALLER, linkedid: str = CALLER,
            chan: str = "SIP/landline-00000000", **more: str | list[str]) -> Frame:
    headers: Frame = {
        "Event": event, "Privilege": "call,all", "Channel": chan,
        "Uniqueid": uniqueid, "Linkedid": linkedid,
    }
    headers.update(more)
    return headers


BASE = {"at": RECEIVED, "channel": "SIP/landline-00000000", "uniqueid": CALLER, "linkedid": CALLER}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (channel("Newchannel", CallerIDNum="+380342123456", CallerIDName="Іван",
                 Context="from-trunk", Exten="1580"),
         ami.ChannelCreated(**BASE, caller_num="+380342123456", caller_name="Іван",
                            context="from-trunk", exten="1580")),
        (channel("VarSet", Variable="MIXMONITOR_FILENAME", Value="/x.wav"),
         ami.VariableSet(**BASE, variable="MIXMONITOR_FILENAME", value="/x.wav")),
        (channel("UserEvent", UserEvent="AppealCall", Trunk="landline", Recording="/x.wav"),
         ami.UserEventRaised(**BASE, name="AppealCall",
                             fields={"Uniqueid": CALLER,
                                     "Linkedid": CALLER, "Trunk": "landline",
                                     "Recording": "/x.wav"})),
        (channel("QueueCallerJoin", Queue="operators", Position="2", Count="2"),
         ami.CallerJoinedQueue(**BASE, queue="operators", position=2)),
        (channel("QueueCallerAbandon", Queue="operators", HoldTime="6"),
         ami.CallerAbandonedQueue(**BASE, queue="operators", hold_seconds=6)),
        (channel("AgentCalled", Interface="PJSIP/op1001", DestUniqueid=OPERATOR),
         ami.AgentCalled(**BASE, seat="PJSIP/op1001", dest_uniqueid=OPERATOR)),
        (channel("AgentRingNoAnswer", Interface="SIP/op1002", DestUniqueid=OPERATOR),
         ami.AgentRingNoAnswer(**BASE, seat="SIP/op1002", dest_uniqueid=OPERATOR)),
        (channel("DialEnd", DestUniqueid=OPERATOR, DialStatus="CANCEL"),
         ami.DialEnded(**BASE, dest_uniqueid=OPERATOR, status="CANCEL")),
        (channel("DialEnd", DestUniqueid=OPERATOR, DialStatus=" noanswer"),
         ami.DialEnded(**BASE, dest_uniqueid=OPERATOR, status="NOANSWER")),
        (channel("AgentConnect", Interface="PJSIP/op1001", DestUniqueid=OPERATOR, HoldTime="3"),
         ami.AgentConnected(**BASE, seat="PJSIP/op1001", dest_uniqueid=OPERATOR,
                            hold_seconds=3)),
        (channel("AgentComplete", Interface="PJSIP/op1001", Reason="caller", TalkTime="12"),
         ami.AgentCompleted(**BASE, seat="PJSIP/op1001", reason="caller", talk_seconds=12)),
        (channel("HangupRequest"), ami.HangupRequested(**BASE)),
        (channel("Hangup", Cause="16", **{"Cause-txt": "Normal Clearing"}),
         ami.ChannelHungUp(**BASE, cause=16, cause_text="Normal Clearing")),
        (channel("Hangup"), ami.ChannelHungUp(**BASE, cause=None, cause_text="")),
    ],
    ids=lambda v: type(v).__name__ if not isinstance(v, dict) else v["Event"],
)
def test_parse_event_types(headers: ami.Headers, expected: ami.AmiEvent) -> None:
    assert ami.parse_event(headers, RECEIVED) == expected


def test_bad_numbers_become_zero() -> None:
    event = ami.parse_event(channel("QueueCallerJoin", Queue="operators", Position="x"), RECEIVED)
    assert isinstance(event, ami.CallerJoinedQueue)
    assert event.position == 0


@pytest.mark.parametrize(
    "headers",
    [
        channel("Newexten"),
        channel("DialBegin"),
        channel("SoftHangupRequest"),
        {"Response": "Success", "ActionID": "x"},
        {"Event": "Newchannel", "Channel": "SIP/landline-00000000", "Uniqueid": CALLER},
        channel("Hangup", linkedid=""),
        channel("Newchannel", uniqueid=""),
    ],
    ids=["Newexten", "DialBegin", "SoftHangupRequest", "response", "no-linkedid",
         "empty-linkedid", "no-uniqueid"],
)
def test_parse_event_ignores_unknown_events_and_frames_without_ids(headers: ami.Headers) -> None:
    assert ami.parse_event(headers, RECEIVED) is None


def test_timestamp_header_becomes_the_event_time_in_utc() -> None:
    event = ami.parse_event(channel("HangupRequest", Timestamp="1795907974.438000"), RECEIVED)
    assert event is not None
    assert event.at == datetime(2026, 11, 28, 23, 19, 34, 438000, tzinfo=UTC)
    assert event.at.utcoffset() is not None


@pytest.mark.parametrize("stamp", ["", "not-a-number", "1e400"])
def test_unusable_timestamp_falls_back_to_time_of_receipt(stamp: str) -> None:
    event = ami.parse_event(channel("HangupRequest", Timestamp=stamp), RECEIVED)
    assert event is not None
    assert event.at == RECEIVED


def test_repeated_headers_as_lists_do_not_break_parsing() -> None:
    headers = channel(
        "Newchannel",
        CallerIDNum="+380342123456", CallerIDName="+380342123456",
        Context="from-trunk", Exten="1580", Timestamp="1795907974.438000",
        ChanVariable=["TRUNK=landline", "APPEAL_REC=/x.wav"],
    )
    event = ami.parse_event(headers, RECEIVED)
    assert isinstance(event, ami.ChannelCreated)
    assert (event.channel, event.caller_num, event.context) == (
        "SIP/landline-00000000", "+380342123456", "from-trunk")


def test_a_repeated_header_we_read_uses_its_first_value() -> None:
    event = ami.parse_event(channel("AgentCalled", Interface=["PJSIP/op1001", "SIP/op1001"],
                                    DestUniqueid=OPERATOR), RECEIVED)
    assert isinstance(event, ami.AgentCalled)
    assert event.seat == "PJSIP/op1001"


def test_user_event_takes_the_user_field_of_a_repeated_header() -> None:
    # Asterisk repeats CallerIDNum in a UserEvent: the channel's first, the user field after it.
    event = ami.parse_event(channel("UserEvent", UserEvent="AppealCall",
                                    CallerIDNum=["+380342123456", "123456"],
                                    Recording="/x.wav"), RECEIVED)
    assert isinstance(event, ami.UserEventRaised)
    assert event.fields["CallerIDNum"] == "123456"
    assert event.fields["Recording"] == "/x.wav"
    assert "Event" not in event.fields and "UserEvent" not in event.fields


@pytest.mark.parametrize(
    ("name", "variable", "wanted"),
    [
        ("VarSet", "MIXMONITOR_FILENAME", True),
        ("VarSet", "QUEUESTATUS", True),
        ("VarSet", "ABANDONED", False),
        ("DialEnd", "", True),
        ("VarSet", "RTPAUDIOQOS", False),
        ("VarSet", "", False),
        ("Newexten", "", False),
        ("Newchannel", "", True),
        ("Hangup", "", True),
        ("AgentCalled", "", True),
        ("QueueCallerAbandon", "", True),
        ("DialBegin", "", False),
    ],
)
def test_is_wanted(name: str, variable: str, wanted: bool) -> None:
    assert ami.is_wanted(name, variable) is wanted


def core_show_channel(**more: str) -> Frame:
    headers: Frame = {
        "Event": "CoreShowChannel", "ActionID": "callcenter-resync-1",
        "Channel": "PJSIP/kyivstar-00000000", "Uniqueid": CALLER, "Linkedid": CALLER,
        "CallerIDNum": "+380671234567", "CallerIDName": "Іван Петренко",
        "Context": "from-trunk", "Exten": "1580", "Application": "Queue",
        "Duration": "00:01:05", "BridgeId": "b09fe81e",
    }
    headers.update(more)
    return headers


def test_parse_snapshot() -> None:
    assert ami.parse_snapshot(core_show_channel()) == ami.ChannelSnapshot(
        channel="PJSIP/kyivstar-00000000", uniqueid=CALLER, linkedid=CALLER,
        caller_num="+380671234567", caller_name="Іван Петренко", context="from-trunk",
        exten="1580", application="Queue", duration_seconds=65, bridge_id="b09fe81e",
    )


@pytest.mark.parametrize(
    ("duration", "seconds"),
    [("00:00:00", 0), ("00:00:30", 30), ("00:01:05", 65), ("02:00:01", 7201), ("bad", 0),
     ("", 0), ("01:05", 0)],
)
def test_snapshot_duration(duration: str, seconds: int) -> None:
    snapshot = ami.parse_snapshot(core_show_channel(Duration=duration))
    assert snapshot is not None
    assert snapshot.duration_seconds == seconds


@pytest.mark.parametrize(
    "headers",
    [
        {"Event": "CoreShowChannelsComplete", "ActionID": "callcenter-resync-1",
         "ListItems": "2"},
        {"Response": "Success", "ActionID": "callcenter-resync-1", "EventList": "start"},
        core_show_channel(Linkedid=""),
    ],
    ids=["complete", "response", "no-linkedid"],
)
def test_parse_snapshot_ignores_other_list_messages(headers: ami.Headers) -> None:
    assert ami.parse_snapshot(headers) is None
