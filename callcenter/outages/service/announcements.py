"""What callers hear: the supervisors' switch (web) and the announcer (the AMI process).

The web side only writes the register: an announcement switched on or off. The process that
holds the AMI link reads what should play every couple of seconds and keeps the dialplan's
global equal to it (`Setvar`, then `Getvar` to read it back), again after every reconnect,
after a `Reload` event and every `notice_check_seconds` (a `dialplan reload` with
`clearglobalvars` empties globals and says nothing). What it finds goes back to the register
for the supervisors' page: playing since, or why not.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

import structlog

from callcenter.core.errors import StoreUnavailable
from callcenter.outages.model.announcements import (
    MAX_PLAYING,
    OFF_BY_HAND,
    Announcement,
    AnnouncementNotFound,
    AnnouncementRefused,
    PbxNotice,
    Sound,
    Source,
    check_sound,
    check_text,
    notice_state,
    notice_value,
    outage_text,
)
from callcenter.outages.model.records import Outage

log = structlog.get_logger("callcenter.outages")


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class NewAnnouncement:
    text: str
    source: Source
    sound: Sound
    outage_id: int | None
    actor: str


class AnnouncementStore(Protocol):
    async def switch_on(self, new: NewAnnouncement, at: datetime,
                        most: int) -> int | None: ...
    async def switch_off(self, announcement_id: int, at: datetime, actor: str,
                         reason: str) -> bool: ...
    async def announcements(self, *, playing: bool, limit: int = 20) -> list[Announcement]: ...
    async def outage(self, outage_id: int) -> Outage | None: ...
    async def open_outages(self) -> list[Outage]: ...
    async def notice(self, pbx: str) -> PbxNotice | None: ...


class SoundMaking(Protocol):
    async def speak(self, text: str) -> Sound: ...
    async def convert(self, data: bytes) -> Sound: ...
    def path(self, name: str) -> Path | None: ...


@dataclass(frozen=True, slots=True)
class AnnouncementsView:
    playing: list[Announcement]
    recent: list[Announcement]
    wanted: str  # the global's value the register asks for
    pbx: PbxNotice | None  # what the AMI process last reported

    @property
    def confirmed(self) -> bool:
        return self.pbx is not None and self.pbx.matches(self.wanted)


class Announcements:
    """The supervisors' use cases."""

    def __init__(self, store: AnnouncementStore, sounds: SoundMaking, *, pbx: str,
                 folder: str, timezone: str, check_seconds: float = 30.0,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.sounds = sounds
        self.pbx = pbx
        self.folder = folder
        self.timezone = timezone
        self.check_seconds = check_seconds
        self.clock = clock

    def state_of(self, view: AnnouncementsView) -> str:
        """model.announcements.notice_state; a report older than three checks is stale."""
        return notice_state(view.wanted, view.pbx, self.clock(), 3 * self.check_seconds + 10)

    def sound_path(self, name: str) -> Path | None:
        return self.sounds.path(name)

    async def outages_to_announce(self) -> list[Outage]:
        """Outages now or planned, to take an announcement's text from."""
        return await self.store.open_outages()

    async def view(self, recent: int = 20) -> AnnouncementsView:
        playing = await self.store.announcements(playing=True)
        over = await self.store.announcements(playing=False, limit=recent) if recent else []
        return AnnouncementsView(
            playing, over,
            notice_value([a.sound for a in playing], self.folder),
            await self.store.notice(self.pbx))

    async def text_for(self, outage_id: int) -> str:
        outage = await self.store.outage(outage_id)
        if outage is None:
            return ""
        return outage_text(outage, self.timezone)

    async def preview(self, text: str) -> Sound:
        """The sound a text makes, made and kept, switched on for nobody."""
        return await self.sounds.speak(check_text(text))

    async def speak(self, text: str, outage_id: int | None, actor: str) -> int:
        text = check_text(text)
        return await self._switch_on(text, Source.SPEECH, await self.sounds.speak(text),
                                     outage_id, actor)

    async def play_recording(self, data: bytes, text: str, outage_id: int | None,
                             actor: str) -> int:
        """An uploaded recording; `text` says what it says (for the page and the history)."""
        text = check_text(text)
        return await self._switch_on(text, Source.RECORDING, await self.sounds.convert(data),
                                     outage_id, actor)

    async def switch_off(self, announcement_id: int, actor: str) -> None:
        if not await self.store.switch_off(announcement_id, self.clock(), actor, OFF_BY_HAND):
            raise AnnouncementNotFound(announcement_id)
        log.info("announcement_off", announcement=announcement_id, actor=actor)

    async def _switch_on(self, text: str, source: Source, sound: Sound, outage_id: int | None,
                         actor: str) -> int:
        check_sound(sound.seconds)
        if outage_id is not None and await self.store.outage(outage_id) is None:
            outage_id = None
        new = NewAnnouncement(text, source, sound, outage_id, actor)
        found = await self.store.switch_on(new, self.clock(), MAX_PLAYING)
        if found is None:
            raise AnnouncementRefused("too_many", f"at most {MAX_PLAYING} at a time")
        log.info("announcement_on", announcement=found, actor=actor, sound=sound.name,
                 seconds=round(sound.seconds, 1), outage=outage_id)
        return found


# -- the AMI process -------------------------------------------------------------------------

class NoticeFailed(Exception):
    """Asterisk did not take or give the value: `error_id` (pbx_refused, pbx_unavailable,
    pbx_timeout) and Asterisk's own words."""

    def __init__(self, error_id: str, detail: str = "") -> None:
        super().__init__(f"{error_id}: {detail}")
        self.error_id = error_id
        self.detail = detail


class NoticeSwitch(Protocol):
    async def set(self, value: str) -> None: ...
    async def get(self) -> str: ...


class AnnouncerStore(Protocol):
    async def wanted_sounds(self) -> list[str]: ...
    async def save_notice(self, pbx: str, notice: PbxNotice) -> None: ...


class Announcer:
    def __init__(self, store: AnnouncerStore, switch: NoticeSwitch, *, pbx: str, folder: str,
                 interval: float = 2.0, check_seconds: float = 30.0,
                 clock: Callable[[], datetime] = utc_now) -> None:
        self.store = store
        self.switch = switch
        self.pbx = pbx
        self.folder = folder
        self._interval = interval
        self._check = check_seconds
        self._clock = clock
        self._held: str | None = None  # what Asterisk holds as far as we know; None: unknown
        self._notice = PbxNotice("", None, None)
        self._failed: tuple[str, datetime] | None = None  # what failed to play, and when
        self.sets = 0  # Setvar actions that Asterisk took

    def reloaded(self) -> None:
        """Asterisk reloaded a module (`Event: Reload`): the globals may be empty now."""
        self._held, self._failed = None, None

    def link_up(self) -> None:
        """After every login: Asterisk may have restarted, and a restart empties globals."""
        self._held, self._failed = None, None

    async def run(self) -> None:
        while True:
            await self.tick()
            await asyncio.sleep(self._interval)

    async def tick(self) -> None:
        try:
            wanted = notice_value(await self.store.wanted_sounds(), self.folder)
        except StoreUnavailable as exc:
            log.warning("announcements_unreadable", error=str(exc))
            return
        now = self._clock()
        if not self._due(wanted, now):
            return
        await self._save(await self._bring(wanted, now))

    def _due(self, wanted: str, now: datetime) -> bool:
        """A change to bring, or a read-back due; after a failure, the next try waits a
        check interval unless what should play changes (or the link comes back)."""
        if self._failed is not None and self._failed[0] == wanted:
            return (now - self._failed[1]).total_seconds() >= self._check
        checked = self._notice.checked_at
        return wanted != self._held or checked is None \
            or (now - checked).total_seconds() >= self._check

    async def _bring(self, wanted: str, now: datetime) -> PbxNotice:
        try:
            held = await self.switch.get()
            applied = self._notice.applied_at
            if held != wanted:
                if self._held == wanted:
                    log.warning("notice_lost", held=held, wanted=wanted)
                await self.switch.set(wanted)
                self.sets += 1
                applied = now
                log.info("notice_set", value=wanted)
        except NoticeFailed as exc:
            self._held, self._failed = None, (wanted, now)
            if exc.error_id != self._notice.error:  # once per kind of failure, not per try
                log.warning("notice_failed", error=exc.error_id, detail=exc.detail)
            return replace(self._notice, error=exc.error_id, detail=exc.detail)
        self._held, self._failed = wanted, None
        return PbxNotice(wanted, applied, now)

    async def _save(self, notice: PbxNotice) -> None:
        self._notice = notice
        try:
            await self.store.save_notice(self.pbx, notice)
        except StoreUnavailable as exc:
            log.warning("notice_unsaved", error=str(exc))
