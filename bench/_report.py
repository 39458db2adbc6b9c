"""The table printed at the end of a run."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

MIN_RATIO = 0.5  # listener on SQLite vs bare panoramisk
MAX_MB = 100.0  # listener with 1,000 calls live at once
ROW = "{:<40} {:>10} {:>7} {:>9}   {}"


@dataclass(frozen=True)
class Row:
    label: str
    figures: dict[str, Any]
    check: str  # "ratio", "memory" or "" (report only)


def header(calls: int, events: int, concurrent: int) -> str:
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    return (f"intake benchmark, {when}, {os.cpu_count()} CPUs: {calls:,} calls = {events:,} "
            f"AMI events, {concurrent} live at once\n"
            + ROW.format("", "events/s", "ratio", "peak MB", "target"))


def line(row: Row, baseline: float) -> str:
    rate = float(row.figures["events_per_s"])
    ratio = rate / baseline if baseline else 0.0
    verdict = _verdict(row, ratio)
    return ROW.format(row.label, f"{rate:,.0f}", f"{ratio:.2f}",
                      f"{row.figures['peak_rss_mb']:.1f}", verdict)


def _verdict(row: Row, ratio: float) -> str:
    if not row.figures["complete"]:
        return "FAIL: not finished within the timeout"
    if row.check == "ratio":
        return f"{_pass(ratio >= MIN_RATIO)} (ratio >= {MIN_RATIO})"
    if row.check == "memory":
        return f"{_pass(row.figures['peak_rss_mb'] < MAX_MB)} (peak < {MAX_MB:.0f} MB)"
    return ""


def _pass(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def sanity(row: Row) -> str | None:
    """What the database holds after a listener run (None for panoramisk)."""
    f = row.figures
    if "calls" not in f:
        return None
    return (f"    {row.label}: {f['seconds']:.1f} s, {f['calls']:,} calls, "
            f"{f['appeals']:,} appeals, {f['unknown_outcome']} ended by resync, "
            f"peak {f['peak_live_calls']:,} calls live, {f['reconnects']} reconnects")
