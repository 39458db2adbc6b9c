"""`callcenter duty export` writes the journal of the days asked as PDF or XLSX; `duty weekly`
prints the assignments for the weekly note."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from callcenter.core.database import Database
from callcenter.duty.service import DutyDesk, DutySettings
from callcenter.duty.store import SqlDutyStore
from tests.integration.duty_rig import OLENA

ROOT = Path(__file__).resolve().parents[3]


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLCENTER_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "callcenter", "duty", *args], env=env,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


async def test_export_and_weekly(database_url: str, tmp_path: Path) -> None:
    db = Database(database_url)
    try:
        desk = DutyDesk(SqlDutyStore(db), DutySettings())
        await desk.write(OLENA, "reported", "Доповіли начальнику управління з питань НС")
        today = desk.today()
        await desk.add_assignment(OLENA, "Перевірити роботу сирен у Пасічній",
                                  today - timedelta(days=9), "Олена Коваль",
                                  today - timedelta(days=2))
    finally:
        await db.close()
    day = today.isoformat()
    pdf, xlsx = tmp_path / "j.pdf", tmp_path / "j.xlsx"
    for out in (pdf, xlsx):
        done = cli(database_url, "export", "--since", day, "--until", day, "-o", str(out))
        assert done.returncode == 0, done.stderr
    text = " ".join(PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text().split())
    assert "Доповіли начальнику управління" in text
    assert "Доповідь" in load_workbook(xlsx)["Журнал"]["C2"].value
    weekly = cli(database_url, "weekly")
    assert weekly.returncode == 0 and "Прострочені: 1" in weekly.stdout
    assert "Перевірити роботу сирен у Пасічній" in weekly.stdout
