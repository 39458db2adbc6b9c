"""What the backend relies on in dialplans/ (the Asterisk configuration it ships)."""

from __future__ import annotations

from pathlib import Path

from callcenter.calls.model.tracker import QUEUE_RESULT_USER_EVENT

DIALPLANS = Path(__file__).resolve().parents[3] / "dialplans"


def section(name: str, file: str) -> list[str]:
    """The lines of one `[section]` of an Asterisk .conf file, comments and blanks dropped."""
    lines: list[str] = []
    current = ""
    for raw in (DIALPLANS / file).read_text(encoding="utf-8").splitlines():
        line = raw.split(";", 1)[0].strip()
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
        elif line and current == name:
            lines.append(line)
    return lines


def settings(name: str, file: str) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in section(name, file) if "=" in line)
    return {key.strip(): value.strip().lstrip(">").strip() for key, value in pairs}


def application(step: str) -> str:
    """`exten => 1580,1,App(...)` or `same => n(label),App(...)` -> `App(...)`."""
    rest = step.split("=>", 1)[1].strip()
    return rest.split(",", 2 if step.startswith("exten") else 1)[-1]


def test_the_queue_has_no_wrap_up_of_its_own() -> None:
    # the backend's wrap-up is the only one (issue 11, item 8)
    assert settings("operators", "queues.conf")["wrapuptime"] == "0"


def test_the_dialplan_tells_the_queue_result_before_the_call_later_notice() -> None:
    apps = [application(line) for line in section("from-trunk", "extensions.conf")
            if line.startswith(("exten => 1580,", "same =>"))]
    queue = next(i for i, app in enumerate(apps) if app.startswith("Queue("))
    event = f"UserEvent({QUEUE_RESULT_USER_EVENT},QueueStatus: ${{QUEUESTATUS}})"
    assert event in apps
    notice = next(i for i, app in enumerate(apps) if "CALL_LATER_NOTICE" in app)
    assert queue < apps.index(event) < notice


def test_the_outage_announcement_plays_after_the_recording_notice_and_before_the_queue() -> None:
    apps = [application(line) for line in section("from-trunk", "extensions.conf")
            if line.startswith(("exten => 1580,", "same =>"))]
    read = apps.index("Set(NOTICE=${GLOBAL(OUTAGE_NOTICE)})")
    play = apps.index('ExecIf($["${NOTICE}" != ""]?Playback(${NOTICE}))')
    recording = next(i for i, app in enumerate(apps) if "RECORDING_NOTICE" in app)
    queue = next(i for i, app in enumerate(apps) if app.startswith("Queue("))
    assert recording < read < play < queue
    assert "OUTAGE_NOTICE" not in settings("globals", "extensions.conf")  # set over AMI only


def test_the_ami_user_may_set_a_global_but_holds_no_system_or_command_class() -> None:
    write = {c.strip() for c in settings("callcenter", "manager.conf")["write"].split(",")}
    assert "call" in write  # Setvar of the announcement's global (manager.c: EVENT_FLAG_CALL)
    assert not write & {"system", "command", "config", "all"}
