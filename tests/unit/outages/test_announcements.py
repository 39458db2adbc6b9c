"""The announcement's rules (model) and the announcer's decisions, with a PBX double that holds
one global as Asterisk does (the real one over TCP: tests/integration/outages/)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.outages.model.announcements import (
    AnnouncementRefused,
    PbxNotice,
    check_sound,
    check_text,
    notice_state,
    notice_value,
    outage_text,
    speakable,
)
from callcenter.outages.model.records import Kind, Outage, Place, Status, Utility
from callcenter.outages.service.announcements import Announcer, NoticeFailed

T0 = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
FOLDER = "/var/lib/asterisk/sounds/custom/1580"


class Pbx:
    def __init__(self) -> None:
        self.value = ""
        self.refuse: str | None = None
        self.sets = 0
        self.gets = 0

    async def set(self, value: str) -> None:
        if self.refuse:
            raise NoticeFailed(self.refuse, "Permission denied")
        self.value, self.sets = value, self.sets + 1

    async def get(self) -> str:
        self.gets += 1
        return self.value


class Register:
    def __init__(self) -> None:
        self.sounds: list[str] = []
        self.saved: list[PbxNotice] = []

    async def wanted_sounds(self) -> list[str]:
        return list(self.sounds)

    async def save_notice(self, pbx: str, notice: PbxNotice) -> None:
        self.saved.append(notice)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def announcer() -> tuple[Announcer, Pbx, Register, Clock]:
    pbx, register, clock = Pbx(), Register(), Clock()
    return (Announcer(register, pbx, pbx="main", folder=FOLDER, check_seconds=30, clock=clock),
            pbx, register, clock)


async def test_it_sets_what_the_register_says_and_then_only_reads_back_now_and_then() -> None:
    a, pbx, register, clock = announcer()
    register.sounds = ["notice-00000000000000aa", "notice-00000000000000bb"]
    await a.tick()
    await a.tick()  # nothing changed, no check due: Asterisk is not asked again
    clock.now += timedelta(seconds=31)
    await a.tick()
    assert pbx.value == f"{FOLDER}/notice-00000000000000aa&{FOLDER}/notice-00000000000000bb"
    assert (pbx.sets, pbx.gets) == (1, 2)
    assert register.saved[-1].matches(pbx.value) and register.saved[-1].applied_at == T0


async def test_a_reload_or_a_new_login_brings_a_lost_value_back_at_once() -> None:
    a, pbx, register, _ = announcer()
    register.sounds = ["notice-00000000000000aa"]
    await a.tick()
    pbx.value = ""  # `module reload`: clearglobalvars emptied it
    await a.tick()
    lost = pbx.value
    a.reloaded()
    await a.tick()
    pbx.value = ""  # a restart
    a.link_up()
    await a.tick()
    assert lost == "" and pbx.value.endswith("notice-00000000000000aa") and pbx.sets == 3


async def test_a_refusal_is_reported_once_and_tried_again_after_a_check_interval() -> None:
    a, pbx, register, clock = announcer()
    pbx.refuse = "pbx_refused"
    register.sounds = ["notice-00000000000000aa"]
    for _ in range(5):
        await a.tick()
    tries = pbx.gets
    pbx.refuse = None
    clock.now += timedelta(seconds=31)
    await a.tick()
    assert tries == 1 and register.saved[0].error == "pbx_refused"
    assert register.saved[-1].error is None and pbx.value.endswith("aa")


async def test_switching_off_empties_the_global() -> None:
    a, pbx, register, _ = announcer()
    register.sounds = ["notice-00000000000000aa"]
    await a.tick()
    register.sounds = []
    await a.tick()
    assert pbx.value == "" and pbx.sets == 2


@pytest.mark.parametrize(("pbx", "wanted", "age", "state"), [
    (None, "x", 0, "unknown"),
    (PbxNotice("x", T0, T0), "x", 5, "playing"),
    (PbxNotice("", T0, T0), "", 5, "silent"),
    (PbxNotice("", T0, T0), "x", 5, "pending"),
    (PbxNotice("x", T0, T0), "x", 500, "stale"),
    (PbxNotice("", T0, T0, "pbx_refused", "Permission denied"), "x", 5, "pbx_refused"),
])
def test_the_state_shown_to_supervisors(pbx: PbxNotice | None, wanted: str, age: int,
                                        state: str) -> None:
    assert notice_state(wanted, pbx, T0 + timedelta(seconds=age), 100) == state


def test_texts_are_checked_and_sounds_limited() -> None:
    assert check_text("  Увага!\n  Вода  ") == "Увага! Вода"
    with pytest.raises(AnnouncementRefused):
        check_text(" \n ")
    with pytest.raises(AnnouncementRefused):
        check_text("а" * 601)
    with pytest.raises(AnnouncementRefused):
        check_sound(91)
    check_sound(60)
    assert notice_value([], FOLDER) == ""


def test_the_synthesiser_reads_words_not_abbreviations() -> None:
    spoken = speakable("вул. Незалежності, будинки 1-15 непарні, 20а–24; просп. Шевченка")
    assert spoken == ("вулиця Незалежності, будинки з 1 по 15 непарні, з 20а по 24; "
                      "проспект Шевченка")


def test_an_outage_becomes_what_callers_hear() -> None:
    outage = Outage(7, Utility.WATER, Kind.EMERGENCY, Status.ACTIVE,
                    (Place("незалежності", "вул. Незалежності", "1-15 непарні"),
                     Place("незалежності", "вул. Незалежності", "20"),
                     Place("шевченка", "вул. Шевченка")),
                    T0, T0 + timedelta(hours=8), None, "", "", "vodokanal", T0, T0)
    text = outage_text(outage, "Europe/Kyiv")
    assert text.startswith("Увага! Аварійне відключення водопостачання.")
    assert "вул. Незалежності, будинки 1-15 непарні, 20." in text
    assert "вул. Шевченка, уся вулиця." in text
    assert "Орієнтовний час відновлення: 7 грудня о 20:00." in text  # Kyiv is UTC+2
    assert text.endswith("залишайтеся на лінії.")
