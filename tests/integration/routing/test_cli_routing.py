"""The routing and delivery commands as an admin runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import update

from callcenter.delivery.tables import OutboxMessageRow

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / "config" / "routing.toml"
CONTRACTORS = ROOT / "config" / "contractors.toml"


def callcenter(*args: str, url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CALLCENTER_DATABASE_URL": url,
           "CALLCENTER_ROUTING__RULES": str(RULES),
           "CALLCENTER_ROUTING__CONTRACTORS": str(CONTRACTORS)}
    return subprocess.run([sys.executable, "-m", "callcenter", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def test_contractors_import_is_idempotent_and_never_deletes(database_url: str,
                                                            tmp_path: Path) -> None:
    first = callcenter("contractors", "import", url=database_url, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "20 added, 0 updated, 0 unchanged" in first.stdout
    again = callcenter("contractors", "import", url=database_url, cwd=tmp_path)
    assert "0 added, 0 updated, 20 unchanged" in again.stdout
    smaller = tmp_path / "few.toml"
    smaller.write_text('[[contractors]]\ncode = "vodokanal"\nname = "Водоканал (нова назва)"\n'
                       'kind = "utility"\nemail = "new@vodokanal.example.org"\n'
                       'channels = ["email"]\n', encoding="utf-8")
    changed = callcenter("contractors", "import", str(smaller), url=database_url, cwd=tmp_path)
    assert "0 added, 1 updated, 0 unchanged (nothing deleted)" in changed.stdout
    listing = callcenter("contractors", "list", url=database_url, cwd=tmp_path)
    assert len(listing.stdout.splitlines()) == 20
    assert "Водоканал (нова назва)" in listing.stdout


def test_a_bad_contractors_file_imports_nothing(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[contractors]]\ncode = "ok"\nname = "Ok"\nkind = "utility"\n'
                   'email = "ok@x.example.org"\nchannels = ["email"]\n'
                   '[[contractors]]\ncode = "BAD CODE"\nname = ""\nkind = "shop"\n'
                   'channels = ["fax"]\n', encoding="utf-8")
    result = callcenter("contractors", "import", str(bad), url=database_url, cwd=tmp_path)
    assert result.returncode == 2
    assert "contractors[1] 'BAD CODE': code: expected" in result.stderr
    listing = callcenter("contractors", "list", url=database_url, cwd=tmp_path)
    assert listing.stdout == ""


def test_routing_check(database_url: str, tmp_path: Path) -> None:
    empty = callcenter("routing", "check", url=database_url, cwd=tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert "valid" in empty.stdout and "none in the database yet" in empty.stdout
    callcenter("contractors", "import", url=database_url, cwd=tmp_path)
    full = callcenter("routing", "check", url=database_url, cwd=tmp_path)
    assert full.returncode == 0 and "contractors not checked" not in full.stdout
    unknown = tmp_path / "unknown.toml"
    unknown.write_text(RULES.read_text(encoding="utf-8").replace(
        'contractor = "lift"', 'contractor = "lift-co"'), encoding="utf-8")
    result = callcenter("routing", "check", str(unknown), url=database_url, cwd=tmp_path)
    assert result.returncode == 1
    assert "unknown contractor 'lift-co'" in result.stderr


def test_routing_check_lists_every_problem(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.toml"
    hostile.write_text(RULES.read_text(encoding="utf-8")
                       .replace('houses = ["1-199"]', 'houses = ["199-1"]')
                       .replace('priority = "urgent"\ndeadline = "24h"',
                                'priority = "whenever"\ndeadline = "24h"')
                       .replace('deadline = "3d"', 'deadline = "90d"'), encoding="utf-8")
    result = callcenter("routing", "check", str(hostile), url="sqlite+aiosqlite:///x.db",
                        cwd=tmp_path)
    assert result.returncode == 2
    assert "4 problem(s)" in result.stderr  # two rules had priority urgent + deadline 24h
    for problem in ("rules[43] 'housing-uk-kaskad': areas[0].houses: range '199-1'",
                    "rules[15] 'sewer-blockage': priority: expected one of",
                    "rules[20] 'power-outage': priority",
                    "rules[27] 'waste': deadline: 90d is longer than deadlines.max"):
        assert problem in result.stderr


def test_routing_explain(tmp_path: Path) -> None:
    result = callcenter("routing", "explain", "--category", "roof_leak", "--address",
                        "Василіянок 20", "--at", "2026-12-02T10:00", url="sqlite+aiosqlite:///x.db",
                        cwd=tmp_path)
    decision = json.loads(result.stdout)
    assert (decision["contractor"], decision["rule"]) == ("osbb-vasyliianok-20",
                                                          "housing-osbb-vasyliianok-20")
    gas = json.loads(callcenter("routing", "explain", "--category", "gas_smell",
                                url="sqlite+aiosqlite:///x.db", cwd=tmp_path).stdout)
    assert gas["priority"] == "emergency" and gas["call_now"][0]["phone"] == "104"


def test_commands_on_an_empty_database(database_url: str, tmp_path: Path) -> None:
    for command in (["outbox", "list"], ["outbox", "dead"], ["outbox", "log"],
                    ["escalation", "sweep"], ["escalation", "overdue"]):
        result = callcenter(*command, url=database_url, cwd=tmp_path)
        assert result.returncode == 0, (command, result.stderr)
        assert result.stdout in ("", "0 reminder message(s) enqueued\n"), command


async def test_outbox_dead_letters_and_resend(database_url: str, tmp_path: Path) -> None:
    from tests.integration.routing_seed import build_city

    city = await build_city(database_url, tmp_path)
    appeal_id = await city.registered("roof_leak", "Галицька 3")
    await city.appeal_router.appeal_registered(appeal_id)
    async with city.db.transaction() as session:
        await session.execute(update(OutboxMessageRow).values(state="dead", attempts=8,
                                                              last_error="HTTP 503"))
    await city.db.close()
    dead = callcenter("outbox", "dead", url=database_url, cwd=tmp_path)
    [line] = dead.stdout.splitlines()
    assert "dead" in line and "HTTP 503" in line and "uk@uk.example.com" in line
    message_id = line.split()[0]
    resend = callcenter("outbox", "resend", message_id, url=database_url, cwd=tmp_path)
    assert resend.returncode == 0 and "queued again" in resend.stdout
    again = callcenter("outbox", "resend", message_id, url=database_url, cwd=tmp_path)
    assert again.returncode == 1 and "no dead letter" in again.stderr
    listing = callcenter("outbox", "list", "--state", "pending", url=database_url, cwd=tmp_path)
    assert "pending" in listing.stdout
