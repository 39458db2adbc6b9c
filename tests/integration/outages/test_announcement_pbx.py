"""What callers hear, end to end over real TCP: a supervisor switches an announcement on in the
web app (espeak-ng and ffmpeg make the sound), the process holding the AMI link sets the
dialplan's global with Setvar, reads it back, sets it again after an Asterisk restart, a
silent `dialplan reload` and a Reload event, reports a refusal for privilege, and empties it
when the announcement goes off or its outage is resolved. Calls that hang up during it count
as answered by it."""

from __future__ import annotations

import asyncio
import contextlib
import html
import wave
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from callcenter.core.config import OutagesConfig
from callcenter.main import Listener, build_listener, build_web
from callcenter.simulator import SimulatedPbx
from tests.integration.pop_stack import stack_config
from tests.sounds import require_tool
from tests.web_rig import WebRig

ASTERISK_DIR = "/var/lib/asterisk/sounds/custom/1580"
TEXT = "Увага! Аварійне відключення води: вул. Незалежності, будинки 1-15. Бригади працюють."


@dataclass
class Rig:
    pbx: SimulatedPbx
    listener: Listener
    web: WebRig
    supervisor: httpx.AsyncClient
    sounds: Path

    @property
    def notice(self) -> str:
        return self.pbx.globals.get("OUTAGE_NOTICE", "")

    async def page(self) -> str:
        response = await self.supervisor.get("/outages/announcement")
        assert response.status_code == 200, response.text[-1000:]
        return response.text

    async def switch_on(self, **form: Any) -> httpx.Response:
        return await self.supervisor.post("/outages/announcement",
                                          data={"text": TEXT, **form})


@contextlib.asynccontextmanager
async def rig(database_url: str, tmp_path: Path, eventually: Any) -> AsyncIterator[Rig]:
    require_tool("espeak-ng")
    require_tool("ffmpeg")
    async with SimulatedPbx() as pbx:
        sounds = tmp_path / "sounds"
        config = stack_config(database_url, pbx, tmp_path).replace(outages=OutagesConfig(
            sounds_dir=str(sounds), asterisk_sounds_dir=ASTERISK_DIR,
            notice_check_seconds=1.0))
        listener = build_listener(config)
        assert listener.announcer is not None
        listener.announcer._interval = 0.1  # the test's patience, not the rules
        app = build_web(config, listener.db, listener=listener)
        web = WebRig(app=app, db=listener.db, auth=app.state.auth, config=config)
        task = asyncio.create_task(listener.run())
        try:
            await eventually(lambda: listener.link.logged_in)
            token = await web.token("iryna", "supervisor")
            async with web.client(token) as supervisor:
                yield Rig(pbx, listener, web, supervisor, sounds)
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await listener.db.close()


async def test_switched_on_set_over_ami_restored_after_restart_and_reload_then_off(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        made = await r.switch_on()
        assert made.status_code == 303, made.text[-1500:]
        sound = await eventually(lambda: r.notice)
        on_page = await r.page()
        # Asterisk restarts: its globals are gone; the announcer sets it again after login
        await r.pbx.restart()
        await eventually(lambda: r.notice == sound, timeout=15)
        # `dialplan reload` with clearglobalvars says nothing: found on the next read-back
        r.pbx.dialplan_reload()
        await eventually(lambda: r.notice == sound, timeout=5)
        # `module reload pbx_config.so` sends Event: Reload: set again at once
        r.pbx.dialplan_reload(event=True)
        await eventually(lambda: r.notice == sound, timeout=5)
        announcement = r.listener.announcer
        assert announcement is not None and announcement.sets >= 4
        off = await r.supervisor.post("/outages/announcement/1/off")
        await eventually(lambda: r.notice == "" and "OUTAGE_NOTICE" in r.pbx.globals)
        off_page = await r.page()
    name = sound.rsplit("/", 1)[1]
    assert sound == f"{ASTERISK_DIR}/{name}" and name.startswith("notice-")
    with wave.open(str(r.sounds / f"{name}.wav"), "rb") as wav:  # as Asterisk plays it
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert 3 < wav.getnframes() / 8000 < 30
    assert "Кожен, хто дзвонить, чує це перед чергою" in on_page or "АТС ще не" in on_page
    assert TEXT in on_page and f"/outages/announcement/sounds/{name}.wav" in on_page
    assert off.status_code == 303
    assert "Зараз перед чергою нічого не звучить" in off_page and TEXT[:40] in off_page


async def test_a_refusal_for_privilege_is_shown_and_nothing_else_breaks(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        r.pbx.write_classes = frozenset({"reporting", "agent", "originate"})  # no `call`
        made = await r.switch_on()
        page = await eventually(lambda: _refused(r))
        await r.pbx.play("pjsip-landline-answered", caller="0342501234", talk_seconds=0.1)
        r.pbx.write_classes = frozenset({"reporting", "agent", "originate", "call"})
        await eventually(lambda: r.notice)  # tried again until the PBX allows it
        linked = r.listener.link.logged_in
    assert made.status_code == 303 and linked
    assert "АТС не дозволяє вмикати оголошення" in page and "Permission denied" in page


async def _refused(r: Rig) -> str:
    page = await r.page()
    return page if "АТС не дозволяє" in page else ""


async def test_an_outage_resolved_silences_its_announcement_and_callers_told_are_counted(
        database_url: str, tmp_path: Path, eventually: Any) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        made = await r.supervisor.post("/outages", data={
            "utility": "water", "kind": "emergency", "places": "вул. Незалежності",
            "start": "2026-01-05T09:00", "contractor": "vodokanal"})
        outage = made.headers["location"]
        outage_id = int(outage.rsplit("/", 1)[1])
        prefilled = await r.supervisor.get(f"/outages/announcement?outage={outage_id}")
        text = _textarea(prefilled.text)
        on = await r.switch_on(text=text, outage_id=str(outage_id))
        await eventually(lambda: r.notice)
        # callers while it plays: one hangs up during it, one waits and is answered
        await r.pbx.play("pjsip-caller-hangs-up-during-notice", caller="+380501234599")
        await r.pbx.play("pjsip-landline-answered", caller="0342501234", talk_seconds=0.1)
        counted = await eventually(lambda: _counted(r))
        resolved = await r.supervisor.post(outage + "/status", data={"status": "resolved"})
        await eventually(lambda: r.notice == "" and "OUTAGE_NOTICE" in r.pbx.globals)
        after = await r.page()
    assert "вулиця Незалежності" in text or "вул. Незалежності" in text
    assert "Аварійне відключення водопостачання" in text
    assert on.status_code == 303 and resolved.status_code == 303
    assert "Дзвінків відтоді: 2, з них поклали слухавку ще до черги: 1" in counted
    assert "вимкнулося, коли відключення завершилося" in after


async def _counted(r: Rig) -> str:
    page = await r.page()
    return page if "Дзвінків відтоді: 2," in page else ""


def _textarea(page: str) -> str:
    start = page.index('<textarea name="text"')
    body = page[page.index(">", start) + 1:page.index("</textarea>", start)]
    return html.unescape(body)


@pytest.mark.parametrize("problem", ["empty", "long", "corrupt"])
async def test_bad_input_is_refused_in_words_and_nothing_plays(
        database_url: str, tmp_path: Path, eventually: Any, problem: str) -> None:
    async with rig(database_url, tmp_path, eventually) as r:
        if problem == "empty":
            answer = await r.supervisor.post("/outages/announcement", data={"text": "   "})
        elif problem == "long":
            answer = await r.switch_on(text="Увага! " * 200)
        else:
            answer = await r.supervisor.post(
                "/outages/announcement", data={"text": TEXT, "source": "recording"},
                files={"recording": ("notice.mp3", b"ID3\x04not really an mp3" * 50,
                                     "audio/mpeg")})
        await asyncio.sleep(0.5)
        page = await r.page()
    assert answer.status_code == 422
    words = {"empty": "Напишіть, що мають почути абоненти",
             "long": "Задовго",
             "corrupt": "Цей файл не вдається відтворити як звук"}[problem]
    assert words in answer.text
    assert r.notice == "" and "Зараз перед чергою нічого не звучить" in page
