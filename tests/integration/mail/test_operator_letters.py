"""A letter waits in the operators' list with its sender, text and attachments; the
operator completes it with the ordinary form and it is routed like a call's appeal; the
search finds it by the sender and by words."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

from callcenter.mail.wiring import build_intake
from tests.integration.mail_rig import OURS, mail_config
from tests.integration.portal_rig import residents_web


def letter() -> bytes:
    m = EmailMessage()
    m["From"] = "Ірина Коваль <Iryna.Koval@example.org>"
    m["To"] = OURS
    m["Subject"] = "Яма біля під'їзду"
    m["Message-ID"] = "<op1@example.org>"
    m.set_content("Глибока вибоїна на вулиці Незалежності, 12, машини б'ють колеса")
    m.add_attachment(b"%PDF-1.4 plan", maintype="application", subtype="pdf",
                     filename="схема.pdf")
    return m.as_bytes()


async def test_the_operator_completes_a_letter_and_it_is_routed(
        database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        config = mail_config(database_url, tmp_path)
        intake = build_intake(config, rig.web.db)
        taken = await intake.take(letter())
        token = await rig.web.token("olena", "operator", seat="PJSIP/op1001")
        async with rig.web.client(token) as client:
            [waiting] = (await client.get("/api/mail/letters")).json()
            assert waiting["number"] == taken.number
            assert waiting["sender"] == "iryna.koval@example.org"
            assert waiting["sender_name"] == "Ірина Коваль"
            assert waiting["subject"] == "Яма біля під'їзду"
            [attachment] = waiting["attachments"]
            assert attachment["filename"] == "схема.pdf"
            download = await client.get(attachment["url"])
            assert download.content == b"%PDF-1.4 plan"
            assert download.headers["content-type"] == "application/octet-stream"
            assert "attachment" in download.headers["content-disposition"]
            assert (await client.get("/api/mail/attachments/999999")).status_code == 404

            for q in ("iryna.koval@example.org", "Коваль", "вибоїна"):
                found = (await client.get("/api/appeals", params={"q": q})).json()
                assert [i["number"] for i in found["items"]] == [taken.number], q

            appeal = (await client.get(f"/api/appeals/{taken.number}")).json()
            assert appeal["status"] == "new" and appeal["channel"] == "email"
            saved = await client.post(f"/api/appeals/{taken.number}/complete", json={
                "version": appeal["version"], "category": "road_potholes",
                "street": "вул. Незалежності", "house": "12",
                "description": appeal["description"], "contact_name": "Ірина Коваль"})
            assert saved.status_code == 200, saved.text
            assert saved.json()["status"] == "assigned"
            assert (await client.get("/api/mail/letters")).json() == []
            found = (await client.get("/api/appeals",
                                      params={"q": "iryna.koval@example.org"})).json()
            assert [i["number"] for i in found["items"]] == [taken.number]
