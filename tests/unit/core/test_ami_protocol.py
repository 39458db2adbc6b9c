"""Pure functions of the AMI wire (callcenter.core.ami.protocol)."""

from __future__ import annotations

import pytest
from structlog.testing import capture_logs

from callcenter.core.ami.protocol import (
    MAX_PENDING_CHARS,
    AmiConnection,
    Headers,
    frame_event,
    parse_frame,
)

CRLF = "\r\n"


def frame(*lines: str) -> str:
    return CRLF.join(lines)


def test_parse_frame_reads_headers() -> None:
    headers = parse_frame(frame("Event: Hangup", "Uniqueid: 1795907974.0", "Cause: 16"))
    assert headers == {"Event": "Hangup", "Uniqueid": "1795907974.0", "Cause": "16"}


def test_parse_frame_turns_repeated_keys_into_a_list() -> None:
    headers = parse_frame(frame(
        "Event: Newchannel",
        "ChanVariable: TRUNK=landline",
        "ChanVariable: APPEAL_REC=/x.wav",
        "ChanVariable: THIRD=3",
    ))
    assert headers["ChanVariable"] == ["TRUNK=landline", "APPEAL_REC=/x.wav", "THIRD=3"]


def test_parse_frame_keeps_empty_values_and_colons_inside_values() -> None:
    headers = parse_frame(frame("Event: VarSet", "AccountCode: ", "Value: sip:+380@127.0.0.1:5071"))
    assert headers["AccountCode"] == ""
    assert headers["Value"] == "sip:+380@127.0.0.1:5071"


@pytest.mark.parametrize("junk", ["no separator here", "", ": value without key", "bad key:value"])
def test_parse_frame_skips_junk_lines(junk: str) -> None:
    headers = parse_frame(frame("Event: Hangup", junk, "Cause: 16"))
    assert headers == {"Event": "Hangup", "Cause": "16"}


def test_parse_frame_keeps_cyrillic() -> None:
    headers = parse_frame(frame("Event: Newchannel", "CallerIDName: Іван Петренко"))
    assert headers["CallerIDName"] == "Іван Петренко"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (frame("Event: VarSet", "Channel: SIP/landline-00000000",
               "Variable: MIXMONITOR_FILENAME", "Value: /x.wav"),
         ("VarSet", "MIXMONITOR_FILENAME")),
        (frame("Event: VarSet", "Channel: SIP/landline-00000000", "Variable: RTPAUDIOQOS"),
         ("VarSet", "RTPAUDIOQOS")),
        (frame("Event: VarSet", "Channel: SIP/landline-00000000"), ("VarSet", "")),
        (frame("Event: Newchannel", "Channel: SIP/landline-00000000"), ("Newchannel", "")),
        ("Event: Hangup", ("Hangup", "")),
        (frame("Response: Success", "ActionID: x", "Message: ok"), ("", "")),
        (frame("Response: Goodbye"), ("", "")),
    ],
)
def test_frame_event(raw: str, expected: tuple[str, str]) -> None:
    assert frame_event(raw) == expected


class Recorder:
    """What the connection hands on (the link's side of it)."""

    def __init__(self) -> None:
        self.frames: list[Headers] = []
        self.lost: list[str] = []

    def frame_received(self, headers: Headers) -> None:
        self.frames.append(headers)

    def link_lost(self, reason: str) -> None:
        self.lost.append(reason)


def test_names_survive_byte_by_byte_in_utf_8_and_in_windows_1251() -> None:
    link = Recorder()
    connection = AmiConnection(link, wanted=lambda name, variable: True)
    utf8 = frame("Event: Newchannel", "Privilege: call,all", "CallerIDName: Іван Петренко",
                 "", "")
    cp1251 = frame("Event: Newchannel", "Privilege: call,all", "CallerIDName: Їжак Євгенія",
                   "", "")
    stream = (b"Asterisk Call Manager/9.0.0\r\n" + utf8.encode() + cp1251.encode("cp1251")
              + utf8.encode())

    for i in range(len(stream)):
        connection.data_received(stream[i:i + 1])

    assert [f["CallerIDName"] for f in link.frames] == [
        "Іван Петренко", "Їжак Євгенія", "Іван Петренко"]
    assert connection.version == "9.0.0"


def oversized(tail: str) -> bytes:
    """A frame past the cap whose tail looks like an event of its own."""
    padding = "X-Junk: " + "x" * (MAX_PENDING_CHARS + 10)
    return frame("Event: Newchannel", padding, tail, "", "").encode()


@pytest.mark.parametrize("piece", [1 << 20, 65536, 4099])
def test_an_oversized_frame_is_skipped_to_its_end_not_cut(piece: int) -> None:
    link = Recorder()
    connection = AmiConnection(link, wanted=lambda name, variable: True)
    good = frame("Event: Hangup", "Uniqueid: 1.1", "", "").encode()
    stream = (b"Asterisk Call Manager/9.0.0\r\n" + good + oversized("Event: Hangup")
              + good)
    with capture_logs() as logs:
        for start in range(0, len(stream), piece):
            connection.data_received(stream[start:start + piece])
    assert [f["Event"] for f in link.frames] == ["Hangup", "Hangup"]  # never its tail
    assert [entry["event"] for entry in logs] == ["ami_frame_too_long"]
    assert logs[0]["chars"] > MAX_PENDING_CHARS and connection.frames_dropped == 1


def test_a_malformed_frame_is_logged_with_control_characters_escaped() -> None:
    connection = AmiConnection(Recorder(), wanted=lambda name, variable: True)
    hostile = "\x1b]0;pwned\x07\x1b[2J Привіт \x00"
    with capture_logs() as logs:
        connection.data_received(b"Asterisk Call Manager/9.0.0\r\n"
                                 + f"{hostile}\r\n\r\n".encode())
    [entry] = logs
    assert entry["event"] == "ami_frame_malformed"
    assert entry["frame"] == "\\x1b]0;pwned\\x07\\x1b[2J Привіт \\x00"
    assert all(c.isprintable() for c in entry["frame"])
