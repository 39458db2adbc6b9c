"""The simulator answers Originate as Asterisk 20 did in the lab trace
pjsip-callback-originate (../shared/ami-traces/README.md, "Call-back by Originate")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from callcenter.simulator import SimulatedPbx
from callcenter.simulator.frames import Frame, header
from tests.integration.simulator.test_simulator import AmiClient, is_event, login

# The header names of the trace's OriginateResponse, in order.
RESPONSE_KEYS = ["Event", "Privilege", "ActionID", "Response", "Channel", "Context", "Exten",
                 "Reason", "Uniqueid", "CallerIDNum", "CallerIDName"]


@pytest.fixture
async def pbx() -> AsyncIterator[SimulatedPbx]:
    async with SimulatedPbx() as simulator:
        simulator.callback_seconds = (0.05, 0.05)
        yield simulator


async def originate(client: AmiClient, seat: str = "PJSIP/op1001") -> Frame:
    await client.send(Action="Originate", ActionID="lab-1-Originate", Channel=seat,
                      Context="from-operator", Exten="0342509999", Priority="1",
                      CallerID='"Гаряча лінія 1580" <1580>', Timeout="300", Async="true")
    return await client.read_frame()


def seen(frames: list[Frame]) -> list[tuple[str, str]]:
    wanted = {"Newchannel", "DialBegin", "DialEnd", "OriginateResponse", "BridgeEnter",
              "Hangup"}
    return [(header(f, "Event"), (header(f, "Channel") or header(f, "DestChannel"))
             .rsplit("-", 1)[0]) for f in frames if header(f, "Event") in wanted]


async def test_an_originate_is_queued_then_the_operator_then_the_resident(
        pbx: SimulatedPbx) -> None:
    client = await login(pbx)
    queued = await originate(client)
    assert (header(queued, "Response"), header(queued, "Message")) == (
        "Success", "Originate successfully queued")
    frames = await client.read_call()
    assert seen(frames) == [
        ("Newchannel", "PJSIP/op1001"), ("DialBegin", "PJSIP/op1001"),
        ("DialEnd", "PJSIP/op1001"), ("OriginateResponse", "PJSIP/op1001"),
        ("Newchannel", "PJSIP/landline"), ("DialBegin", "PJSIP/op1001"),
        ("DialEnd", "PJSIP/op1001"), ("BridgeEnter", "PJSIP/op1001"),
        ("BridgeEnter", "PJSIP/landline"), ("Hangup", "PJSIP/landline"),
        ("Hangup", "PJSIP/op1001")]
    operator, landline = [f for f in frames if is_event("Newchannel")(f)]
    first_dial = next(f for f in frames if is_event("DialBegin")(f))
    response = next(f for f in frames if is_event("OriginateResponse")(f))
    assert header(operator, "Context") == "from-operator"
    assert header(first_dial, "Channel") == "" and header(first_dial, "DestChannel")
    assert [key for key, _ in response] == RESPONSE_KEYS
    assert (header(response, "Response"), header(response, "Reason")) == ("Success", "4")
    assert header(response, "Uniqueid") == header(operator, "Uniqueid") == \
        header(operator, "Linkedid")
    assert header(landline, "Context") == "from-trunk"
    assert header(landline, "Linkedid") == header(operator, "Uniqueid") != \
        header(landline, "Uniqueid")
    await client.close()


async def test_an_originate_without_the_originate_class_is_refused(pbx: SimulatedPbx) -> None:
    pbx.write_classes = frozenset({"reporting", "agent"})
    client = await login(pbx)
    refused = await originate(client)
    assert (header(refused, "Response"), header(refused, "ActionID"),
            header(refused, "Message")) == ("Error", "lab-1-Originate", "Permission denied")
    await client.close()


async def test_a_phone_that_does_not_answer_gives_a_failed_originate_response(
        pbx: SimulatedPbx) -> None:
    pbx.seats_away.add("PJSIP/op1001")
    client = await login(pbx)
    await originate(client)
    frames = await client.read_until(is_event("OriginateResponse"))
    response = frames[-1]
    assert (header(response, "Response"), header(response, "Reason"),
            header(response, "ActionID")) == ("Failure", "3", "lab-1-Originate")
    await client.close()


async def test_a_spool_gets_the_call_backs_recording(pbx: SimulatedPbx, tmp_path: Path) -> None:
    pbx.callback_spool = tmp_path
    client = await login(pbx)
    await originate(client)
    frames = await client.read_call()
    operator = next(f for f in frames if is_event("Newchannel")(f))
    assert (tmp_path / f"{header(operator, 'Uniqueid')}.wav").stat().st_size > 8000
    await client.close()
