"""The call-backs [from-operator] places for the worklist are recorded before the resident is
dialled, in the monitor spool under the operator leg's Uniqueid (the call-back's id)."""

from __future__ import annotations

from pathlib import Path

DIALPLANS = Path(__file__).resolve().parents[3] / "dialplans"


def from_operator_steps() -> dict[str, list[str]]:
    """Pattern -> its applications, in order."""
    steps: dict[str, list[str]] = {}
    current, pattern = "", ""
    for raw in (DIALPLANS / "extensions.conf").read_text(encoding="utf-8").splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif current == "from-operator" and line.startswith("exten =>"):
            pattern, app = line.split("=>", 1)[1].strip().split(",", 2)[0::2]
            steps[pattern] = [app]
        elif current == "from-operator" and line.startswith("same =>"):
            steps[pattern].append(line.split("=>", 1)[1].strip().split(",", 1)[1])
    return steps


def test_call_backs_start_mixmonitor_before_dial() -> None:
    steps = from_operator_steps()
    for pattern in ("_0XXXXXXXXX", "_+380XXXXXXXXX"):
        apps = steps[pattern]
        monitor = apps.index("MixMonitor(${RECDIR}/${UNIQUEID}.wav)")
        dial = next(i for i, app in enumerate(apps) if app.startswith("Dial("))
        assert monitor < dial, pattern
