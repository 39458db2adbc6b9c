"""What callers hear before the queue: the outage announcements a supervisor switches on.

An announcement is a sound (spoken from a text by the speech synthesiser, or a recording
someone uploaded) that the dialplan plays to every caller after the recording notice and
before `Queue()`. The dialplan reads one global variable (`OUTAGE_NOTICE` in
dialplans/extensions.conf); the AMI process keeps Asterisk's value equal to what the
register says should play: the sounds of the announcements switched on, oldest first, joined
by `&` (Playback plays them one after another).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from callcenter.core.errors import DomainError
from callcenter.outages.model.records import Outage, Place
from callcenter.outages.model.texts import headline, local

MAX_PLAYING = 3  # callers wait through every one of them before the queue
MAX_TEXT = 600  # characters of a spoken announcement (about 40 s of speech)
MAX_SECONDS = 90  # the longest sound a caller is made to hear
MAX_UPLOAD = 20_000_000  # bytes of an uploaded recording
SOUND_NAME = re.compile(r"^notice-[0-9a-f]{16}$")
OFF_BY_HAND, OFF_OUTAGE_OVER = "hand", "outage_over"


class Source(StrEnum):
    SPEECH = "speech"  # synthesised from `text`
    RECORDING = "recording"  # uploaded; `text` says what it says


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    text: str
    source: Source
    sound: str  # the sound's name (`notice-<16 hex>`), a WAV in the sounds folder
    seconds: float
    outage_id: int | None
    on_at: datetime
    on_by: str
    off_at: datetime | None = None
    off_by: str | None = None
    off_reason: str | None = None  # hand | outage_over
    calls: int = 0  # calls that came while it played
    left_before_queue: int = 0  # ... and hung up before the queue

    @property
    def playing(self) -> bool:
        return self.off_at is None


@dataclass(frozen=True, slots=True)
class Sound:
    name: str  # `notice-<16 hex>`: named after its content
    seconds: float


@dataclass(frozen=True, slots=True)
class PbxNotice:
    """What the AMI process last saw Asterisk hold, as it reported it."""

    value: str  # the global's value it set (or read back)
    applied_at: datetime | None  # when Asterisk last took a change
    checked_at: datetime | None  # when the value was last read back and matched
    error: str | None = None  # why the last attempt failed (an error id), None when fine
    detail: str = ""  # Asterisk's own words

    def matches(self, wanted: str) -> bool:
        return self.error is None and self.value == wanted and self.checked_at is not None


def notice_state(wanted: str, pbx: PbxNotice | None, now: datetime,
                 stale_seconds: float) -> str:
    """How things stand at the PBX, for the page: `playing` / `silent` (as asked, read back),
    `pending` (asked, not yet set), `stale` (no report for long: is the listener running?),
    `unknown` (never reported), or the last error's id (pbx_refused, pbx_unavailable, ...)."""
    if pbx is None:
        return "unknown"
    if pbx.error is not None:
        return pbx.error
    seen = pbx.checked_at or pbx.applied_at
    if seen is None or (now - seen).total_seconds() > stale_seconds:
        return "stale"
    if pbx.value != wanted:
        return "pending"
    return "playing" if wanted else "silent"


class AnnouncementRefused(DomainError):
    """A switch the rules do not allow (error id: too_many, too_long, empty_text, ...)."""

    def __init__(self, error_id: str, message: str) -> None:
        super().__init__(message)
        self.error_id = error_id


class AnnouncementNotFound(DomainError):
    def __init__(self, announcement_id: int) -> None:
        super().__init__(f"announcement {announcement_id} not found")
        self.error_id = "announcement_not_found"


def notice_value(sounds: list[str], folder: str) -> str:
    """The global's value for these sounds as Asterisk finds them (no extension: Playback
    picks the file), in the order given; empty plays nothing."""
    return "&".join(f"{folder.rstrip('/')}/{name}" for name in sounds)


def check_text(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise AnnouncementRefused("empty_text", "the announcement says nothing")
    if len(cleaned) > MAX_TEXT:
        raise AnnouncementRefused("too_long", f"at most {MAX_TEXT} characters")
    return cleaned


def check_sound(seconds: float) -> None:
    if seconds > MAX_SECONDS:
        raise AnnouncementRefused("too_long", f"at most {MAX_SECONDS} s of sound")
    if seconds <= 0.2:
        raise AnnouncementRefused("silent", "the sound is empty")


# -- the text for an outage, and what the synthesiser is given ---------------------------

def outage_text(outage: Outage, tz: str) -> str:
    """What callers hear about an outage, ready to be spoken: what is off, where, until
    when, and that there is no need to wait for an operator about it."""
    parts = [f"Увага! {headline(outage)}."]
    parts += [_place_text(places) for places in _by_street(outage.places)]
    if outage.expected_end is not None:
        parts.append(f"Орієнтовний час відновлення: {_spoken_when(outage.expected_end, tz)}.")
    parts.append("Аварійні служби вже працюють, повідомляти про це додатково не потрібно.")
    parts.append("Якщо ви телефонуєте з іншого питання, залишайтеся на лінії.")
    return " ".join(parts)


def _by_street(places: tuple[Place, ...]) -> list[list[Place]]:
    streets: dict[str, list[Place]] = {}
    for place in places:
        streets.setdefault(place.street, []).append(place)
    return list(streets.values())


def _place_text(places: list[Place]) -> str:
    street = places[0].street
    houses = [p.houses for p in places]
    if "" in houses:
        return f"{street}, уся вулиця."
    return f"{street}, будинки {', '.join(dict.fromkeys(houses))}."


_MONTHS = ("січня", "лютого", "березня", "квітня", "травня", "червня", "липня", "серпня",
           "вересня", "жовтня", "листопада", "грудня")


def _spoken_when(moment: datetime, tz: str) -> str:
    """`7 грудня о 18:00`: the synthesiser reads a day and a month's name, not `07.12`."""
    at = local(moment, tz)
    return f"{at.day} {_MONTHS[at.month - 1]} о {at.strftime('%H:%M')}"


_ABBREVIATIONS = {
    "вул.": "вулиця", "просп.": "проспект", "пл.": "площа", "бульв.": "бульвар",
    "пров.": "провулок", "наб.": "набережна", "буд.": "будинок", "м.": "місто",
    "р-н": "район",
}
_SIDES = {"odd": "непарні", "even": "парні"}
_RANGE = re.compile(r"(\d+[а-яієїґ]?)\s*[-–—]\s*(\d+[а-яієїґ]?)", re.IGNORECASE)
_WORD = re.compile(r"\S+")


def speakable(text: str) -> str:
    """The text as the synthesiser should read it: abbreviations written out
    (`вул.` → `вулиця`), house ranges as words (`1-15` → `з 1 по 15`); what the supervisor
    wrote is kept as written for people to read."""
    words = [_ABBREVIATIONS.get(w.lower(), _SIDES.get(w.lower(), w))
             for w in _WORD.findall(text)]
    return _RANGE.sub(r"з \1 по \2", " ".join(words))
