"""Plain Ukrainian texts: a post per outage, a post for the day, and the morning digest.

Addresses are grouped by street (`вул. Незалежності: 1-15 непарні, 20`), times are in the
city's zone (Kyiv time), written as people write them (`07.12 о 09:00`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from callcenter.outages.model.places import DISTRICT_WORD
from callcenter.outages.model.records import (
    FINAL,
    KIND_NAMES,
    UTILITY_NAMES,
    Kind,
    Outage,
    Place,
    Status,
)

_SIDE_WORDS = {"odd": "непарні", "even": "парні"}


def addresses(places: Iterable[Place]) -> list[str]:
    """One line per street, in the order streets first appear: `вул. Незалежності: 1-15
    непарні, 20`; a whole street as `вул. Шевченка (уся вулиця)`; a district entered whole as
    one line naming it and its streets (`мікрорайон Центр: вул. Незалежності, вул. Галицька
    (вулиці повністю)`), its streets not repeated."""
    places = tuple(places)
    in_district = {p.street for p in places if p.district and not p.houses}
    groups: dict[tuple[str, str], list[str]] = {}
    for place in places:
        if place.district and not place.houses:
            groups.setdefault(("district", place.district), []).append(place.street)
        elif place.street not in in_district:
            groups.setdefault(("street", place.street), []).append(_houses(place.houses))
    return [_district_line(name, items) if kind == "district" else _street_line(name, items)
            for (kind, name), items in groups.items()]


def _district_line(name: str, streets: list[str]) -> str:
    return f"{DISTRICT_WORD} {name}: {', '.join(dict.fromkeys(streets))} (вулиці повністю)"


def _street_line(street: str, specs: list[str]) -> str:
    if "" in specs:
        return f"{street} (уся вулиця)"
    return f"{street}: {', '.join(dict.fromkeys(specs))}"


def _houses(spec: str) -> str:
    words = spec.split()
    return " ".join(_SIDE_WORDS.get(w.lower(), w) for w in words)


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(ZoneInfo(tz))


def when_text(moment: datetime, tz: str) -> str:
    return local(moment, tz).strftime("%d.%m о %H:%M")


def period_text(outage: Outage, tz: str) -> str:
    start = f"з {when_text(outage.starts_at, tz)}"
    if outage.actual_end is not None:
        return f"{start} до {when_text(outage.actual_end, tz)}"
    if outage.expected_end is not None:
        return f"{start}, орієнтовно до {when_text(outage.expected_end, tz)}"
    return f"{start}, час відновлення уточнюється"


def headline(outage: Outage) -> str:
    return f"{KIND_NAMES[outage.kind].capitalize()} відключення {UTILITY_NAMES[outage.utility]}"


def outage_post(outage: Outage, tz: str) -> str:
    """The text for the service's social-media page about one outage."""
    mark = "⚠️ " if outage.kind == Kind.EMERGENCY else ""
    lines = [f"{mark}{headline(outage)}", period_text(outage, tz), "", "Адреси:"]
    lines += [f"• {line}" for line in addresses(outage.places)]
    if outage.status == Status.RESOLVED:
        lines += ["", "Постачання відновлено."]
    elif outage.status == Status.CANCELLED:
        lines += ["", "Відключення скасовано."]
    if outage.note.strip():
        lines += ["", outage.note.strip()]
    lines += ["", "Гаряча лінія міста: 1580"]
    return "\n".join(lines)


def of_day(outages: Iterable[Outage], day: date, tz: str) -> list[Outage]:
    """Outages that touch `day` (local midnight to midnight), not cancelled, by start."""
    zone = ZoneInfo(tz)
    start = datetime.combine(day, time(), zone)
    end = datetime.combine(day + timedelta(days=1), time(), zone)
    chosen = [o for o in outages if o.status != Status.CANCELLED and o.starts_at < end
              and _end_of(o) > start]
    return sorted(chosen, key=lambda o: (o.starts_at, o.id))


def _end_of(outage: Outage) -> datetime:
    if outage.actual_end is not None:
        return outage.actual_end
    if outage.status in FINAL:
        return outage.starts_at
    return outage.expected_end if outage.expected_end is not None else datetime.max.replace(
        tzinfo=outage.starts_at.tzinfo)


def day_post(outages: Iterable[Outage], day: date, tz: str) -> str:
    """The post for the day: every outage touching it, grouped by utility."""
    chosen = of_day(outages, day, tz)
    heading = f"Відключення {day.strftime('%d.%m.%Y')}"
    if not chosen:
        return f"{heading}\n\nЗапланованих і аварійних відключень немає.\n\nГаряча лінія: 1580"
    lines = [heading]
    for outage in chosen:
        lines += ["", f"{headline(outage)} ({period_text(outage, tz)})"]
        lines += [f"• {line}" for line in addresses(outage.places)]
    lines += ["", "Гаряча лінія міста: 1580"]
    return "\n".join(lines)


def digest_text(outages: Sequence[Outage], day: date, tz: str) -> str:
    """The 08:00 digest for the leadership: today's planned outages and the emergency ones in
    progress, with their internal notes and the calls they drew."""
    today = of_day(outages, day, tz)
    emergencies = [o for o in today if o.kind == Kind.EMERGENCY]
    planned = [o for o in today if o.kind == Kind.PLANNED]
    lines = [f"Відключення на {day.strftime('%d.%m.%Y')} (станом на ранок)", ""]
    for title, group in (("Аварійні", emergencies), ("Планові", planned)):
        lines.append(f"{title}: {len(group)}")
        for outage in group:
            lines.append(f"— №{outage.id}. {headline(outage)}, {period_text(outage, tz)}")
            lines += [f"    {line}" for line in addresses(outage.places)]
            if outage.calls:
                lines.append(f"    Дзвінків: {outage.calls}")
            if outage.internal_note.strip():
                lines.append(f"    Примітка: {outage.internal_note.strip()}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def digest_subject(day: date) -> str:
    return f"1580: відключення на {day.strftime('%d.%m.%Y')}"
