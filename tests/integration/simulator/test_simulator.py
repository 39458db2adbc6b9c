"""The simulated PBX over real TCP, spoken to with plain asyncio streams."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter
from collections.abc import AsyncIterator, Callable

import pytest

from callcenter.simulator import SimulatedPbx, build_stream, parse_stream
from callcenter.simulator.frames import Frame, header

TIMEOUT = 5.0
BANNER = b"Asterisk Call Manager/9.0.0\r\n"
TRUNKS = {"landline", "kyivstar", "vodafone"}


class AmiClient:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def send(self, **headers: str) -> None:
        text = "".join(f"{key}: {value}\r\n" for key, value in headers.items()) + "\r\n"
        self.writer.write(text.encode())
        await self.writer.drain()

    async def read_frame(self, timeout: float = TIMEOUT) -> Frame:
        data = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), timeout)
        frames = parse_stream(data.decode("utf-8"))
        assert len(frames) == 1, data
        return frames[0]

    async def read_until(self, done: Callable[[Frame], bool]) -> list[Frame]:
        frames = [await self.read_frame()]
        while not done(frames[-1]):
            frames.append(await self.read_frame())
        return frames

    async def read_call(self) -> list[Frame]:
        """Events until every channel opened since the first Newchannel has hung up."""
        frames: list[Frame] = []
        live: set[str] = set()
        while not frames or live:
            frame = await self.read_frame()
            event = header(frame, "Event")
            if event == "Newchannel":
                live.add(header(frame, "Uniqueid"))
            elif event == "Hangup":
                live.discard(header(frame, "Uniqueid"))
            if live or frames or event == "Newchannel":
                frames.append(frame)
        return frames

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(ConnectionError):
            await self.writer.wait_closed()


async def connect(pbx: SimulatedPbx) -> AmiClient:
    reader, writer = await asyncio.open_connection("127.0.0.1", pbx.port)
    assert await asyncio.wait_for(reader.readuntil(b"\r\n"), TIMEOUT) == BANNER
    return AmiClient(reader, writer)


async def login(pbx: SimulatedPbx, events: str = "on") -> AmiClient:
    client = await connect(pbx)
    await client.send(
        Action="Login", ActionID="login", Username="callcenter", Secret="callcenter", Events=events
    )
    assert header(await client.read_frame(), "Message") == "Authentication accepted"
    if events == "on":
        assert header(await client.read_frame(), "Event") == "FullyBooted"
        assert header(await client.read_frame(), "Event") == "SuccessfulAuth"
    return client


def is_event(name: str) -> Callable[[Frame], bool]:
    return lambda frame: header(frame, "Event") == name


@pytest.fixture
async def pbx() -> AsyncIterator[SimulatedPbx]:
    async with SimulatedPbx() as simulator:
        yield simulator


async def test_login_accepted_echoes_action_id(pbx: SimulatedPbx) -> None:
    client = await connect(pbx)
    await client.send(Action="Login", ActionID="a-1", Username="callcenter", Secret="callcenter")
    reply = await client.read_frame()
    assert reply == [
        ("Response", "Success"),
        ("ActionID", "a-1"),
        ("Message", "Authentication accepted"),
    ]
    booted = await client.read_frame()
    assert header(booted, "Event") == "FullyBooted"
    assert header(booted, "Privilege") == "system,all"
    assert header(booted, "Status") == "Fully Booted"
    await client.close()


async def test_wrong_secret_is_refused_and_closed(pbx: SimulatedPbx) -> None:
    client = await connect(pbx)
    await client.send(action="login", actionid="x", username="callcenter", secret="nope")
    reply = await client.read_frame()
    assert reply == [("Response", "Error"), ("ActionID", "x"), ("Message", "Authentication failed")]
    assert await asyncio.wait_for(client.reader.read(), TIMEOUT) == b""
    await client.close()


async def test_banner_has_no_blank_line(pbx: SimulatedPbx) -> None:
    client = await connect(pbx)
    await client.send(Action="Login", Username="callcenter", Secret="callcenter", Events="off")
    line = await asyncio.wait_for(client.reader.readuntil(b"\r\n"), TIMEOUT)
    assert line == b"Response: Success\r\n"
    await client.close()


async def test_actions_before_login_and_unknown_actions(pbx: SimulatedPbx) -> None:
    client = await connect(pbx)
    await client.send(Action="Ping", ActionID="early")
    assert header(await client.read_frame(), "Message") == "Permission denied"
    await client.close()
    client = await login(pbx, events="off")
    await client.send(Action="NoSuchThing", ActionID="u")
    reply = await client.read_frame()
    assert header(reply, "Response") == "Error"
    assert header(reply, "ActionID") == "u"
    assert header(reply, "Message").startswith("Invalid/unknown command")
    await client.send(Action="Logoff", ActionID="bye")
    assert await client.read_frame() == [
        ("Response", "Goodbye"),
        ("ActionID", "bye"),
        ("Message", "Thanks for all the fish."),
    ]
    assert await asyncio.wait_for(client.reader.read(), TIMEOUT) == b""
    await client.close()


async def test_ping_pong(pbx: SimulatedPbx) -> None:
    client = await login(pbx, events="off")
    await client.send(Action="PING", ActionID="p-7")
    reply = await client.read_frame()
    assert reply[:3] == [("Response", "Success"), ("ActionID", "p-7"), ("Ping", "Pong")]
    assert re.fullmatch(r"\d+\.\d{6}", header(reply, "Timestamp"))
    await client.close()


async def test_played_calls_have_fresh_consistent_ids(pbx: SimulatedPbx) -> None:
    client = await login(pbx)
    first_id = await pbx.play("pjsip-landline-answered", ring_seconds=0, talk_seconds=0)
    first = await client.read_call()
    second_id = await pbx.play("pjsip-landline-answered", ring_seconds=0, talk_seconds=0)
    second = await client.read_call()
    for linkedid, frames in ((first_id, first), (second_id, second)):
        trunk_leg = frames[0]
        assert header(trunk_leg, "Event") == "Newchannel"
        assert header(trunk_leg, "Channel").startswith("PJSIP/landline-")
        assert header(trunk_leg, "Uniqueid") == header(trunk_leg, "Linkedid") == linkedid
        with_ids = [f for f in frames if header(f, "Linkedid")]
        assert {header(f, "Linkedid") for f in with_ids} == {linkedid}
        recording = f"/var/spool/asterisk/monitor/{linkedid}.wav"
        assert ("Recording", recording) in next(f for f in frames if is_event("UserEvent")(f))
    assert not _ids(first) & _ids(second)
    assert not _channels(first) & _channels(second)
    await client.close()


def _ids(frames: list[Frame]) -> set[str]:
    keys = ("Uniqueid", "Linkedid", "DestUniqueid", "DestLinkedid")
    return {value for frame in frames for key, value in frame if key in keys}


def _channels(frames: list[Frame]) -> set[str]:
    return {header(f, "Channel") for f in frames if header(f, "Event") == "Newchannel"}


async def test_cyrillic_name_survives_one_byte_writes(pbx: SimulatedPbx) -> None:
    client = await login(pbx, events="call")
    pbx.split_writes = 1
    linkedid = await pbx.play("pjsip-cyrillic-name", ring_seconds=0, talk_seconds=0)
    frames = await client.read_call()
    trunk_leg = frames[0]
    assert header(trunk_leg, "Linkedid") == linkedid
    assert header(trunk_leg, "CallerIDName") == "Іван Петренко"
    connected = {
        header(f, "ConnectedLineName") for f in frames if header(f, "Uniqueid") != linkedid
    }
    assert "Іван Петренко" in connected
    await client.close()


async def test_overrides_replace_caller_name_and_trunk(pbx: SimulatedPbx) -> None:
    client = await login(pbx)
    pbx.split_at_utf8 = True
    await pbx.play(
        "landline-answered",
        caller="+380671112233",
        caller_name="Олена Коваль",
        trunk="kyivstar",
        ring_seconds=0,
        talk_seconds=0,
        timestamps=True,
        chanvars={"TRUNK": None},
    )
    frames = await client.read_call()
    text = "".join(f"{key}: {value}\n" for frame in frames for key, value in frame)
    assert "+380342123456" not in text and "landline" not in text
    assert header(frames[0], "Channel").startswith("SIP/kyivstar-")
    assert header(frames[0], "CallerIDName") == "Олена Коваль"
    assert frames[0][2][0] == "Timestamp"
    assert ("ChanVariable", "TRUNK=kyivstar") in frames[-1]
    await client.close()


async def test_core_show_channels_lists_live_channels(pbx: SimulatedPbx) -> None:
    client = await login(pbx)
    linkedid = pbx.start_call("pjsip-landline-answered", ring_seconds=0, talk_seconds=60)
    bridged = await client.read_until(is_event("BridgeEnter"))
    bridged += await client.read_until(is_event("BridgeEnter"))
    await client.send(Action="CoreShowChannels", ActionID="csc")
    reply = await client.read_until(is_event("CoreShowChannelsComplete"))
    start = next(f for f in reply if header(f, "Response"))
    assert start == [
        ("Response", "Success"),
        ("ActionID", "csc"),
        ("EventList", "start"),
        ("Message", "Channels will follow"),
    ]
    items = [f for f in reply if is_event("CoreShowChannel")(f)]
    assert len(items) == 2
    assert {header(f, "Linkedid") for f in items} == {linkedid}
    assert all(header(f, "ActionID") == "csc" and not header(f, "Privilege") for f in items)
    assert len({header(f, "BridgeId") for f in items}) == 1 and header(items[0], "BridgeId")
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d", header(f, "Duration")) for f in items)
    assert header(reply[-1], "ListItems") == "2"
    await pbx.finish_call(linkedid)
    await client.send(Action="CoreShowChannels", ActionID="after")
    reply = await client.read_until(is_event("CoreShowChannelsComplete"))
    assert header(reply[-1], "ListItems") == "0"
    await client.close()


async def test_getvar_reads_a_live_channel_s_variable(pbx: SimulatedPbx) -> None:
    client = await login(pbx, events="off")
    linkedid = pbx.start_call("pjsip-landline-answered", ring_seconds=0, talk_seconds=60)
    await client.send(Action="CoreShowChannels", ActionID="csc")
    reply = await client.read_until(is_event("CoreShowChannelsComplete"))
    [trunk] = [header(f, "Channel") for f in reply if header(f, "Uniqueid") == linkedid]

    answers = []
    for channel, variable in [(trunk, "MIXMONITOR_FILENAME"), (trunk, "APPEAL_REC"),
                              (trunk, "NOT_SET"), ("PJSIP/gone-00000099", "TRUNK")]:
        await client.send(Action="Getvar", ActionID="gv", Channel=channel, Variable=variable)
        answers.append(await client.read_frame())
    await pbx.finish_call(linkedid)
    await client.close()

    path = f"/var/spool/asterisk/monitor/{linkedid}.wav"
    assert answers[0] == [("Response", "Success"), ("ActionID", "gv"),
                          ("Variable", "MIXMONITOR_FILENAME"), ("Value", path)]
    assert ("Value", path) in answers[1]  # set as __APPEAL_REC, read without the prefix
    assert ("Value", "") in answers[2]
    assert answers[3] == [("Response", "Error"), ("ActionID", "gv"),
                          ("Message", "No such channel")]


async def test_queue_status_and_pause(pbx: SimulatedPbx) -> None:
    client = await login(pbx, events="agent")
    linkedid = pbx.start_call("pjsip-vodafone-abandoned", ring_seconds=60)
    await client.read_until(is_event("AgentCalled"))
    await client.send(Action="QueueStatus", ActionID="qs")
    reply = await client.read_until(is_event("QueueStatusComplete"))
    events = Counter(header(f, "Event") for f in reply if header(f, "ActionID") == "qs")
    assert events == Counter(
        {"QueueParams": 1, "QueueMember": 2, "QueueEntry": 1, "QueueStatusComplete": 1, "": 1}
    )
    entry = next(f for f in reply if is_event("QueueEntry")(f))
    assert header(entry, "Uniqueid") == linkedid
    assert header(entry, "ConnectedLineNum") == "unknown"
    await client.send(Action="QueuePause", ActionID="p", Interface="PJSIP/op1001", Paused="true")
    pause = await client.read_until(is_event("QueueMemberPause"))
    assert ("Message", "Interface paused successfully") in pause[-2]
    assert header(pause[-1], "Paused") == "1"
    await client.send(Action="QueuePause", ActionID="q", Interface="PJSIP/op9", Paused="false")
    reply = await client.read_until(lambda f: header(f, "ActionID") == "q")
    assert header(reply[-1], "Message") == "Interface not found"
    await client.close()


async def test_restart_sends_hangups_and_shutdown_then_closes(pbx: SimulatedPbx) -> None:
    client = await login(pbx)
    linkedid = pbx.start_call("pjsip-kyivstar-operator-hangup", ring_seconds=0, talk_seconds=60)
    await client.read_until(is_event("BridgeEnter"))
    await client.read_until(is_event("BridgeEnter"))
    await pbx.restart()
    frames = await client.read_until(is_event("Shutdown"))
    soft = [f for f in frames if is_event("SoftHangupRequest")(f)]
    hangups = [f for f in frames if is_event("Hangup")(f)]
    assert [header(f, "Cause") for f in soft] == ["4", "4"]
    assert [header(f, "Cause-txt") for f in hangups] == ["Normal Clearing"] * 2
    assert {header(f, "Linkedid") for f in hangups} == {linkedid}
    assert frames[-1] == [
        ("Event", "Shutdown"),
        ("Privilege", "system,all"),
        ("Shutdown", "Cleanly"),
        ("Restart", "True"),
    ]
    assert await asyncio.wait_for(client.reader.read(), TIMEOUT) == b""
    await client.close()
    again = await connect(pbx)
    await again.send(Action="Login", Username="callcenter", Secret="callcenter")
    await again.read_frame()
    assert header(await again.read_frame(), "Uptime") == "0"
    await again.send(Action="CoreShowChannels")
    reply = await again.read_until(is_event("CoreShowChannelsComplete"))
    assert header(reply[-1], "ListItems") == "0"
    await again.close()


async def test_silent_pbx_never_answers(pbx: SimulatedPbx) -> None:
    client = await login(pbx, events="off")
    pbx.silent = True
    await client.send(Action="Ping", ActionID="lost")
    with pytest.raises(TimeoutError):
        await client.read_frame(timeout=0.3)
    assert pbx.actions[-1] == {"Action": "Ping", "ActionID": "lost"}
    pbx.silent = False
    await client.send(Action="Ping", ActionID="heard")
    assert header(await client.read_frame(), "ActionID") == "heard"
    await client.close()


async def test_drop_clients_closes_without_goodbye(pbx: SimulatedPbx) -> None:
    client = await login(pbx, events="off")
    await pbx.drop_clients()
    with contextlib.suppress(ConnectionError):
        assert await asyncio.wait_for(client.reader.read(), TIMEOUT) == b""
    await client.close()


def test_build_stream_has_distinct_calls_each_entering_once() -> None:
    frames = parse_stream(build_stream(100, concurrent=7).decode("utf-8"))
    linkedids = {header(f, "Linkedid") for f in frames if header(f, "Linkedid")}
    assert len(linkedids) == 100
    entries: Counter[str] = Counter()
    for frame in frames:
        channel = header(frame, "Channel")
        endpoint = channel.partition("/")[2].rpartition("-")[0]
        if header(frame, "Event") == "Newchannel" and endpoint in TRUNKS:
            assert header(frame, "Uniqueid") == header(frame, "Linkedid")
            entries[header(frame, "Linkedid")] += 1
    assert set(entries) == linkedids
    assert set(entries.values()) == {1}
