"""The AMI link against the simulator over real TCP: every measured panoramisk defect."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from structlog.testing import capture_logs

from callcenter.calls.model.ami_events import is_wanted
from callcenter.core.ami.link import AmiActionTimeout, AmiAuthError, AmiLink, LinkSettings
from callcenter.core.ami.protocol import Headers
from callcenter.simulator import SimulatedPbx


def settings(pbx: SimulatedPbx, secret: str = "callcenter") -> LinkSettings:
    return LinkSettings("127.0.0.1", pbx.port, "callcenter", secret, connect_timeout=2.0,
                        action_timeout=0.5, ping_interval=0.3, ping_timeout=0.3,
                        reconnect_min=0.05, reconnect_max=0.2)


async def no_resync(_link: AmiLink) -> None:
    return None


@pytest.fixture
async def pbx() -> AsyncIterator[SimulatedPbx]:
    async with SimulatedPbx() as simulated:
        yield simulated


@contextlib.asynccontextmanager
async def running(link: AmiLink) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(link.run())
    try:
        yield task
    finally:
        await link.close()
        await asyncio.wait_for(task, 5)


async def test_wrong_password_is_a_loud_final_error(pbx: SimulatedPbx) -> None:
    link = AmiLink(settings(pbx, secret="wrong"), on_frame=lambda h: None, on_login=no_resync,
                   wanted=is_wanted)
    with pytest.raises(AmiAuthError, match="refused AMI login for user 'callcenter'"):
        await asyncio.wait_for(link.run(), 5)


async def test_unreachable_asterisk_is_retried_until_closed(eventually: object) -> None:
    dead = LinkSettings("127.0.0.1", 9, "callcenter", "x", connect_timeout=0.2,
                        reconnect_min=0.01, reconnect_max=0.05)
    link = AmiLink(dead, on_frame=lambda h: None, on_login=no_resync, wanted=is_wanted)
    async with running(link):
        await eventually(lambda: link.reconnects >= 3)  # type: ignore[operator]
    assert not link.logged_in


async def test_close_stops_reconnecting_at_once(pbx: SimulatedPbx, eventually: object) -> None:
    link = AmiLink(settings(pbx), on_frame=lambda h: None, on_login=no_resync,
                   wanted=is_wanted)
    task = asyncio.create_task(link.run())
    await eventually(lambda: link.logged_in)  # type: ignore[operator]
    await pbx.stop()
    await eventually(lambda: link.reconnects >= 1)  # type: ignore[operator]
    await link.close()
    await asyncio.wait_for(task, 1.0)
    assert task.done()


async def test_actions_time_out_instead_of_hanging(pbx: SimulatedPbx,
                                                   eventually: object) -> None:
    link = AmiLink(settings(pbx), on_frame=lambda h: None, on_login=no_resync,
                   wanted=is_wanted)
    async with running(link):
        await eventually(lambda: link.logged_in)  # type: ignore[operator]
        pbx.silent = True
        with pytest.raises(AmiActionTimeout):
            await link.action({"Action": "QueueStatus"}, timeout=0.2)


async def test_a_failing_handler_does_not_kill_the_connection(pbx: SimulatedPbx,
                                                              eventually: object) -> None:
    seen: list[str] = []

    def handler(headers: Headers) -> None:
        name = str(headers.get("Event"))
        seen.append(name)
        if name == "Newchannel":
            raise RuntimeError("a bug in a handler")

    link = AmiLink(settings(pbx), on_frame=handler, on_login=no_resync, wanted=is_wanted)
    async with running(link):
        await eventually(lambda: link.logged_in)  # type: ignore[operator]
        await pbx.play("pjsip-landline-answered", ring_seconds=0.01, talk_seconds=0.01)
        await eventually(lambda: "Hangup" in seen)  # type: ignore[operator]
    assert seen.count("Newchannel") == 3
    assert link.reconnects == 0


async def test_noise_is_filtered_before_parsing(pbx: SimulatedPbx, eventually: object) -> None:
    seen: list[Headers] = []
    link = AmiLink(settings(pbx), on_frame=seen.append, on_login=no_resync, wanted=is_wanted)
    async with running(link):
        await eventually(lambda: link.logged_in)  # type: ignore[operator]
        await pbx.play("pjsip-landline-answered", ring_seconds=0.01, talk_seconds=0.01)
        await eventually(lambda: sum(h.get("Event") == "Hangup" for h in seen) == 3)  # type: ignore[operator]
    names = {str(h.get("Event")) for h in seen}
    assert "Newexten" not in names and "RTCPSent" not in names
    varsets = [h.get("Variable") for h in seen if h.get("Event") == "VarSet"]
    assert varsets == ["MIXMONITOR_FILENAME"]


def link_events(logs: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(e["log_level"], e["event"]) for e in logs
            if e["event"] in ("ami_link_lost", "ami_link_closed")]


async def test_closing_the_link_ourselves_is_no_warning(pbx: SimulatedPbx,
                                                       eventually: object) -> None:
    link = AmiLink(settings(pbx), on_frame=lambda h: None, on_login=no_resync,
                   wanted=is_wanted)
    with capture_logs() as logs:
        async with running(link):
            await eventually(lambda: link.logged_in)  # type: ignore[operator]
    assert link_events(logs) == [("info", "ami_link_closed")]


async def test_a_cancelled_link_closes_without_a_warning(pbx: SimulatedPbx,
                                                        eventually: object) -> None:
    """What SIGTERM does: the task group cancels the link's task."""
    link = AmiLink(settings(pbx), on_frame=lambda h: None, on_login=no_resync,
                   wanted=is_wanted)
    with capture_logs() as logs:
        task = asyncio.create_task(link.run())
        await eventually(lambda: link.logged_in)  # type: ignore[operator]
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await asyncio.sleep(0)  # the transport reports the closed connection
    assert link_events(logs) == [("info", "ami_link_closed")]


async def test_asterisk_going_away_is_a_warning(pbx: SimulatedPbx, eventually: object) -> None:
    link = AmiLink(settings(pbx), on_frame=lambda h: None, on_login=no_resync,
                   wanted=is_wanted)
    with capture_logs() as logs:
        async with running(link):
            await eventually(lambda: link.logged_in)  # type: ignore[operator]
            await pbx.stop()
            await eventually(lambda: link_events(logs))  # type: ignore[operator]
    assert link_events(logs)[0][0] == "warning"
    assert link_events(logs)[0][1] == "ami_link_lost"
