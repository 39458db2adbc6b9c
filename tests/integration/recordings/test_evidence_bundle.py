"""The evidence bundle of a disputed appeal, downloaded through the API: a ZIP whose
SHA256SUMS check, with the audio, the audit excerpt (this export included), the history and
the disputes with notes."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from tests.integration.replay_rig import Eventually, Stored, SupervisionRig, make_supervision


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[SupervisionRig]:
    made = await make_supervision(database_url, tmp_path)
    try:
        yield made
    finally:
        await made.db.close()


@pytest.fixture
async def stored(rig: SupervisionRig, eventually: Eventually) -> Stored:
    return await rig.stored(eventually)


async def disputed(rig: SupervisionRig, stored: Stored) -> str:
    """Replayed once, disputed with a note; returns a supervisor's token."""
    token = await rig.token("svitlana")
    async with rig.web.client(token) as client:
        await client.post(f"/api/recordings/{stored.recording_id}/replays",
                          json={"reason": "=HYPERLINK(\"http://x\")"})
        dispute = (await client.post(f"/api/appeals/{stored.number}/disputes", json={
            "contractor": "vodokanal", "claim": "Не чули про підвал"})).json()
        await client.post(f"/api/disputes/{dispute['id']}/notes", json={"text": "Чули."})
    return token


def checked(bundle: zipfile.ZipFile) -> dict[str, str]:
    """`sha256sum -c SHA256SUMS`: every listed file matches; name -> sha256."""
    sums = {}
    for line in bundle.read("SHA256SUMS").decode().splitlines():
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(bundle.read(name)).hexdigest() == digest, name
        sums[name] = digest
    return sums


async def test_the_bundle_holds_everything_and_checks(rig: SupervisionRig,
                                                      stored: Stored) -> None:
    token = await disputed(rig, stored)
    async with rig.web.client(token) as client:
        response = await client.post(f"/api/appeals/{stored.number}/evidence",
                                     data={"reason": "на запит суду"})
        audit = (await client.get(f"/api/recordings/{stored.recording_id}/audit")).json()
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert f'filename="evidence-{stored.number}.zip"' in response.headers["content-disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    assert bundle.testzip() is None
    sums = checked(bundle)
    mp3, wav = f"recordings/{stored.recording_id}.mp3", f"recordings/{stored.recording_id}.wav"
    assert set(sums) == {"README.txt", "appeal.json", "history.json", "history.csv",
                         "disputes.json", "audit.json", "audit.csv", mp3, wav, "manifest.json"}
    assert bundle.read(mp3) == stored.mp3.read_bytes()
    assert bundle.read(wav) == stored.wav.read_bytes()
    manifest = json.loads(bundle.read("manifest.json"))
    audio = {f["name"]: f for f in manifest["files"] if "recording" in f}
    assert all(f["present"] and f["matches_record"] for f in audio.values())
    assert manifest["reason"] == "на запит суду" and manifest["made_by"] == "svitlana"
    exported = json.loads(bundle.read("audit.json"))
    assert [e["via"] for e in exported] == ["supervisor", "evidence_export"]
    assert [e["via"] for e in audit] == ["supervisor", "evidence_export"]  # audited too
    rows = list(csv.DictReader(io.StringIO(bundle.read("audit.csv").decode("utf-8-sig"))))
    assert rows[0]["reason"] == "'=HYPERLINK(\"http://x\")"  # a formula stays text
    disputes = json.loads(bundle.read("disputes.json"))["disputes"]
    assert disputes[0]["contractor"] == "vodokanal"
    assert [n["text"] for n in disputes[0]["notes"]] == ["Чули."]
    history = [h["action"] for h in json.loads(bundle.read("history.json"))]
    assert "dispute_opened" in history and "dispute_note" in history
    assert json.loads(bundle.read("appeal.json"))["number"] == stored.number


async def test_a_lost_file_is_noted_in_the_bundle_and_logged(rig: SupervisionRig,
                                                             stored: Stored) -> None:
    stored.wav.unlink()
    async with rig.web.client(await rig.token("svitlana")) as client:
        with capture_logs() as logs:
            response = await client.post(f"/api/appeals/{stored.number}/evidence",
                                         data={"reason": "на запит суду"})
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    sums = checked(bundle)
    assert f"recordings/{stored.recording_id}.wav" not in sums
    assert f"recordings/{stored.recording_id}.mp3" in sums
    manifest = json.loads(bundle.read("manifest.json"))
    [lost] = [f for f in manifest["files"] if f.get("present") is False]
    assert lost["kind"] == "original" and "not in the archive" in lost["problem"]
    assert any(e["event"] == "evidence_file_missing" and e["log_level"] == "error"
               for e in logs)


async def test_an_altered_file_is_flagged(rig: SupervisionRig, stored: Stored) -> None:
    stored.mp3.write_bytes(stored.mp3.read_bytes()[:-1] + b"\x00")
    async with rig.web.client(await rig.token("svitlana")) as client:
        response = await client.post(f"/api/appeals/{stored.number}/evidence",
                                     data={"reason": "перевірка"})
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("manifest.json"))
    [mp3] = [f for f in manifest["files"] if f.get("kind") == "compressed"]
    assert mp3["matches_record"] is False and mp3["sha256"] != mp3["recorded_sha256"]


async def test_an_export_needs_a_reason(rig: SupervisionRig, stored: Stored) -> None:
    async with rig.web.client(await rig.token("svitlana")) as client:
        response = await client.post(f"/api/appeals/{stored.number}/evidence")
        audit = (await client.get(f"/api/recordings/{stored.recording_id}/audit")).json()
    assert response.status_code == 422 and response.json()["error_id"] == "invalid_reason"
    assert audit == []
