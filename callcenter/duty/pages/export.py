"""A period of the duty journal as a document: PDF (weasyprint, from an HTML template in
Ukrainian; DejaVu for the Cyrillic) and XLSX (openpyxl, one sheet per part)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from callcenter.core.web.pages import environment
from callcenter.duty.model import KIND_NAMES, RESULT_NAMES
from callcenter.duty.service import Period

STAMP = "%d.%m.%Y %H:%M"
STYLE = Path(__file__).parents[2] / "static" / "duty" / "export.css"


def local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime(STAMP) if moment else ""


def rows_of(period: Period, zone: ZoneInfo) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Each part of the period as (headers, rows), in Ukrainian: what both formats show."""
    return {
        "Журнал": (["№", "Час", "Вид запису", "Зміст", "Записав", "Виправляє запис №"],
                   [[str(e.id), local(e.at, zone), KIND_NAMES[e.kind], e.text, e.author,
                     str(e.corrects_id or "")] for e in period.entries]),
        "Перевірки": (["Час", "Перевірка", "Результат", "Зауваження", "Перевірив"],
                      [[local(c.at, zone),
                        f"{c.slot} {c.day.strftime('%d.%m.%Y')}" if c.day and c.slot
                        else "поза графіком",
                        RESULT_NAMES[c.result], c.remarks, c.checked_by]
                       for c in period.checks]),
        "Пропущені перевірки": (["Перевірка", "Тривогу піднято"],
                                [[f"{a.slot} {a.day.strftime('%d.%m.%Y')}",
                                  local(a.raised_at, zone)] for a in period.alarms]),
        "Передача зміни": (["Передав", "Час", "Підсумок зміни", "Прийняв", "Час прийняття"],
                           [[h.handed_by, local(h.handed_at, zone), h.summary,
                             h.accepted_by or "не прийнято", local(h.accepted_at, zone)]
                            for h in period.handovers]),
    }


def pdf(period: Period, zone: ZoneInfo) -> bytes:
    from weasyprint import CSS, HTML  # heavy: loaded when a PDF is asked for

    html = environment("uk").get_template("duty/export.html").render(
        since=local(period.since, zone), until=local(period.until, zone),
        parts=rows_of(period, zone))
    document: bytes = HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(STYLE))])
    return document


def xlsx(period: Period, zone: ZoneInfo) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, (headers, rows) in rows_of(period, zone).items():
        sheet = book.create_sheet(title)
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        for column, width in zip("ABCDEF", (18, 18, 24, 60, 24, 18), strict=False):
            sheet.column_dimensions[column].width = width
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
