"""The portal form over HTTP on both engines: an appeal filed by a resident is registered and
routed at once with its outbox messages, visible to operators; robots, floods, bad photos and
broken forms are refused with a page and leave nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from callcenter.appeals.tables import Appeal, AppealAttachmentRow
from callcenter.delivery.tables import OutboxMessageRow
from tests.integration.contractor_rig import JPEG, PNG, real_image
from tests.integration.portal_rig import Residents, residents_web

# A multipart body whose text field is not UTF-8.
BROKEN = (b'--b\r\nContent-Disposition: form-data; name="description"\r\n\r\n\xff\xfe\r\n'
          b"--b--\r\n")


@pytest.fixture
async def portal(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    async with residents_web(database_url, tmp_path) as rig:
        yield rig


async def test_the_form_offers_only_what_residents_may_file(portal: Residents) -> None:
    async with portal.web.client() as client:
        page = await client.get("/portal")
        found = await client.get("/portal", params={"q": "яма"})
    assert page.status_code == 200
    text = page.text
    assert "Повідомити про проблему" in text and "104" in text and "112" in text
    assert 'value="road_potholes"' in text and 'value="street_lighting"' in text
    assert 'value="gas_smell"' not in text and 'value="elevator_stuck"' not in text
    assert 'value="information_request"' not in text
    assert "Закон України «Про захист персональних даних»" in text
    assert 'value="road_potholes"' in found.text and 'value="street_lighting"' not in found.text


async def test_a_filed_appeal_is_registered_routed_and_confirmed(portal: Residents) -> None:
    async with portal.web.client() as client:
        answer = await portal.submit(client, files=[("photos", ("yama.jpg", JPEG, "image/jpeg")),
                                                    ("photos", ("x.png", PNG, "image/png"))])
    assert answer.status_code == 200, answer.text[:2000]
    number = answer.text.split('id="appeal-number">')[1].split("<")[0]
    assert f'/status?number={number}' in answer.text
    appeal = await portal.appeal(number)
    assert appeal.channel == "web" and appeal.category == "road_potholes"
    assert appeal.status == "assigned" and appeal.contractor_id is not None  # routed at once
    assert appeal.contact_phone == "+380671234567"
    assert appeal.contact_email == "oksana@example.org"
    assert appeal.address == "вул. Незалежності, 12"
    messages = await portal.outbox(number)
    events = sorted(m.event for m in messages)
    assert "resident.filed" in events and "appeal.assigned" in events
    mail = next(m for m in messages if m.event == "resident.filed")
    assert mail.recipient == "oksana@example.org" and mail.channel == "email"
    photos = await portal.photos(number)
    assert len(photos) == 2 and len(portal.stored_files()) == 2


async def test_operators_find_a_portal_appeal(portal: Residents) -> None:
    async with portal.web.client() as client:
        answer = await portal.submit(client)
    number = answer.text.split('id="appeal-number">')[1].split("<")[0]
    token = await portal.web.token("olena", "operator")
    async with portal.web.client(token) as operator:
        found = await operator.get("/api/appeals", params={"q": number})
        by_phone = await operator.get("/api/appeals", params={"phone": "0671234567"})
    assert found.status_code == 200, found.text
    assert [a["number"] for a in found.json()["items"]] == [number]
    assert found.json()["items"][0]["channel"] == "web"
    assert number in [a["number"] for a in by_phone.json()["items"]]


async def test_a_robot_is_refused_and_logged_not_stored(portal: Residents) -> None:
    async with portal.web.client() as client:
        with capture_logs() as logs:
            honeypot = await portal.submit(client, website="http://spam.example")
            forged = await portal.submit(client, stamp="123.forged")
    assert honeypot.status_code == 400 and forged.status_code == 400
    assert "не прийнято" in honeypot.text
    reasons = [e["reason"] for e in logs if e["event"] == "portal_submission_refused"]
    assert reasons == ["honeypot filled", "forged or missing form stamp"]
    assert await portal.appeals() == []


async def test_a_form_sent_too_fast_is_refused(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path, min_fill_seconds=30.0) as rig, \
            rig.web.client() as client:
        answer = await rig.submit(client)
        assert answer.status_code == 400
        assert await rig.appeals() == []


async def test_an_address_filing_too_often_waits(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path, free_per_address=2) as rig, \
            rig.web.client() as client:
        statuses = [(await rig.submit(client)).status_code for _ in range(3)]
        last = await rig.submit(client)
        assert statuses == [200, 200, 429]
        assert int(last.headers["Retry-After"]) >= 1
        assert len(await rig.appeals()) == 2


async def test_problems_are_shown_on_the_form_and_nothing_is_stored(portal: Residents) -> None:
    async with portal.web.client() as client:
        no_consent = await portal.submit(client, consent="")
        emergency = await portal.submit(client, category="gas_smell")
        no_contact = await portal.submit(client, contact_phone="", contact_email="")
        bad_email = await portal.submit(client, contact_email="not an address")
        long_text = await portal.submit(client, description="я" * 5000)
    for page in (no_consent, emergency, no_contact, bad_email, long_text):
        assert page.status_code == 422
        assert 'id="form-problems"' in page.text
    assert "Без вашої згоди" in no_consent.text
    assert "101, 104 або 112" in emergency.text
    assert "Глибока яма" in no_consent.text  # what was typed is kept
    assert await portal.appeals() == []


async def test_bad_photos_and_broken_forms_leave_nothing(portal: Residents) -> None:
    async with portal.web.client() as client:
        not_image = await portal.submit(
            client, files=[("photos", ("a.jpg", JPEG, "image/jpeg")),
                           ("photos", ("b.jpg", b"MZ\x90\x00 not a photo", "image/jpeg"))])
        too_big = await portal.submit(
            client, files=[("photos", ("big.png", real_image("PNG", (900, 900)) + b"\0" * 250_000,
                                       "image/png"))])
        too_many = await portal.submit(
            client, files=[("photos", (f"{i}.png", PNG, "image/png")) for i in range(6)])
        broken = await client.post("/portal", content=BROKEN,
                                   headers={"content-type": "multipart/form-data; boundary=b"})
        not_multipart = await client.post("/portal", data={"category": "road_potholes"})
        control = await portal.submit(client, description="яма\x00")
    assert not_image.status_code == 422 and "JPEG, PNG або WebP" in not_image.text
    assert too_big.status_code == 413 and too_many.status_code == 413
    assert broken.status_code == 400 and "text/html" in broken.headers["content-type"]
    assert "Не вдалося прочитати форму" in broken.text
    assert not_multipart.status_code == 415
    assert control.status_code == 400
    assert await portal.appeals() == [] and portal.stored_files() == []
    assert await portal.count(AppealAttachmentRow) == 0
    assert await portal.count(OutboxMessageRow) == 0


async def test_street_suggestions_for_the_form(portal: Residents) -> None:
    async with portal.web.client() as client:
        found = await client.get("/portal/streets", params={"q": "незал"})
    assert found.status_code == 200
    assert any(s["short"] == "вул. Незалежності" for s in found.json())


async def test_the_demo_can_file_a_portal_appeal(portal: Residents) -> None:
    from callcenter.portal.wiring import file_demo_appeal

    number = await file_demo_appeal(portal.web.app.state.portal, category="street_lighting",
                                    street="вул. Незалежності", house="5",
                                    description="Не світить ліхтар", email="demo@example.org")
    appeal = await portal.appeal(number)
    assert appeal.channel == "web" and appeal.status == "assigned"
    assert appeal.contact_email == "demo@example.org"
    assert isinstance(appeal, Appeal)

