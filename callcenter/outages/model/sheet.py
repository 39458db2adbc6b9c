"""The sheet utilities upload: CSV or XLSX in the template we publish, one outage a row.

Columns (the header row names them, in English or Ukrainian, in any order): utility, kind,
street, houses, start, expected end, note. Times are the city's local time (`2026-12-07 09:00`
or `07.12.2026 09:00`, or an XLSX date cell). Every row is checked; every problem is reported
with its row number (as the spreadsheet shows it) and its column; a sheet with any problem
imports nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook, load_workbook

from callcenter.outages.model.places import street_place
from callcenter.outages.model.records import (
    InvalidOutage,
    Kind,
    OutageDraft,
    Utility,
    check_draft,
)
from callcenter.reference.model.street_search import StreetIndex

COLUMNS = ("utility", "kind", "street", "houses", "start", "expected_end", "note")
HEADERS_UK = ("Послуга", "Вид", "Вулиця", "Будинки", "Початок", "Орієнтовне завершення",
              "Примітка")
_ALIASES = {**{c: c for c in COLUMNS}, "expected end": "expected_end", "end": "expected_end",
            **{h.lower(): c for h, c in zip(HEADERS_UK, COLUMNS, strict=True)},
            "завершення": "expected_end", "кінець": "expected_end"}
_UTILITIES = {**{u.value: u for u in Utility}, "вода": Utility.WATER,
              "водопостачання": Utility.WATER, "гаряча вода": Utility.HOT_WATER,
              "опалення": Utility.HEATING, "теплопостачання": Utility.HEATING,
              "електроенергія": Utility.POWER, "світло": Utility.POWER,
              "електропостачання": Utility.POWER, "electricity": Utility.POWER,
              "газ": Utility.GAS, "газопостачання": Utility.GAS,
              "каналізація": Utility.SEWERAGE, "водовідведення": Utility.SEWERAGE}
_KINDS = {"planned": Kind.PLANNED, "планове": Kind.PLANNED, "emergency": Kind.EMERGENCY,
          "аварійне": Kind.EMERGENCY}
_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M:%S")
MAX_ROWS = 2000
EXAMPLE = ("water", "planned", "вул. Незалежності", "1-15 непарні, 20", "2026-12-07 09:00",
           "2026-12-07 17:00", "Ремонт водогону")


class SheetError(InvalidOutage):
    """The sheet as a whole cannot be read (not CSV or XLSX, no header)."""

    error_id = "invalid_sheet"

    def __init__(self, reason: str) -> None:
        super().__init__({"file": reason})


@dataclass(frozen=True, slots=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class SheetResult:
    drafts: tuple[OutageDraft, ...]
    problems: tuple[Problem, ...]


def read_rows(name: str, content: bytes) -> list[list[Any]]:
    """The cells of a CSV (UTF-8, comma or semicolon) or an XLSX sheet's first sheet."""
    if name.lower().endswith(".xlsx") or content[:2] == b"PK":
        try:
            book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a bad file
            raise SheetError(f"not an XLSX workbook ({type(exc).__name__})") from None
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetError("a CSV file must be UTF-8") from None
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") \
        else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def parse_sheet(rows: Sequence[Sequence[Any]], streets: StreetIndex, *, tz: str,
                contractor: str | None = None) -> SheetResult:
    if not rows:
        raise SheetError("the sheet is empty")
    columns = _header(rows[0])
    drafts: list[OutageDraft] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {c: _text(row[i]) if i < len(row) else "" for c, i in columns.items()}
        raw = {c: row[i] if i < len(row) else None for c, i in columns.items()}
        if not any(cells.values()):
            continue
        draft, found = _row(number, cells, raw, streets, tz, contractor)
        problems += found
        if draft is not None:
            drafts.append(draft)
    if len(drafts) + len(problems) > MAX_ROWS:
        raise SheetError(f"at most {MAX_ROWS} rows")
    return SheetResult(tuple(drafts), tuple(problems))


def _header(row: Sequence[Any]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _ALIASES.get(" ".join(_text(cell).lower().replace("_", " ").split()))
        name = name or _ALIASES.get(_text(cell).lower())
        if name is not None:
            columns.setdefault(name, index)
    missing = [c for c in COLUMNS if c not in columns and c != "note"]
    if missing:
        raise SheetError(f"the first row must name the columns; missing: {', '.join(missing)}")
    return columns


def _row(number: int, cells: dict[str, str], raw: dict[str, Any], streets: StreetIndex,
         tz: str, contractor: str | None) -> tuple[OutageDraft | None, list[Problem]]:
    problems: list[Problem] = []

    def check(column: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except InvalidOutage as exc:
            problems.append(Problem(number, column, "; ".join(exc.problems.values())))
            return None

    utility = check("utility", lambda: _choice(cells["utility"], _UTILITIES, "utility"))
    kind = check("kind", lambda: _choice(cells["kind"], _KINDS, "kind"))
    place = check("street", lambda: street_place(cells["street"], "", streets))
    if place is not None:
        place = check("houses", lambda: street_place(cells["street"], cells["houses"], streets))
    start = check("start", lambda: parse_local(raw["start"], tz, required=True))
    end = check("expected_end", lambda: parse_local(raw["expected_end"], tz, required=False))
    if problems:
        return None, problems
    draft = OutageDraft(utility, kind, (place,), start, end, cells.get("note", ""),
                        contractor=contractor)
    check("expected_end", lambda: check_draft(draft))
    return (None if problems else draft), problems


def _choice(text: str, choices: dict[str, Any], what: str) -> Any:
    found = choices.get(text.strip().lower())
    if found is None:
        raise InvalidOutage({what: f"{text!r}: expected one of "
                                   f"{', '.join(k for k in choices if k.isascii())}"})
    return found


def parse_local(value: Any, tz: str, *, required: bool) -> datetime | None:
    """A local time in the city's zone; a time the clock skips (the spring DST change) or
    repeats (the autumn one) is refused rather than guessed."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidOutage({"time": "required"})
        return None
    moment = value if isinstance(value, datetime) else _parsed(str(value).strip())
    if moment.tzinfo is not None:
        return moment
    zone = ZoneInfo(tz)
    first, second = moment.replace(tzinfo=zone, fold=0), moment.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        raise InvalidOutage({"time": f"{moment:%Y-%m-%d %H:%M} is ambiguous or does not exist "
                                     "on the day the clocks change"})
    return first


def _parsed(text: str) -> datetime:
    for pattern in _FORMATS:
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    raise InvalidOutage({"time": f"{text!r}: expected 2026-12-07 09:00 or 07.12.2026 09:00"})


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%Y-%m-%d %H:%M")
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def template_csv() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(EXAMPLE)
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "outages"
    sheet.append(list(HEADERS_UK))
    sheet.append(list(EXAMPLE))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
