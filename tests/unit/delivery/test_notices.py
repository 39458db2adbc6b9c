"""What contractors are told: messages per channel, keys, masking, and the e-mail text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcenter.contractors.model.contractors import Contractor
from callcenter.delivery.model.notices import Notifier
from callcenter.delivery.model.outbox import OutboxMessage
from callcenter.delivery.senders import email_text
from callcenter.delivery.senders.email import build_email, message_id
from callcenter.routing.model.escalation import DueReminder
from callcenter.routing.model.records import AppealCard, Assignment

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
NOTIFIER = Notifier(public_base_url="https://1580.example.org/", timezone="Europe/Kyiv",
                    supervisors=("sup@1580.example.org", "boss@vodokanal.example.org"))
APPEAL = AppealCard(id=42, number="2026-000042", status="assigned", category="water_pipe_burst",
                    address="вул. Незалежності, 5", description="Тече з-під асфальту",
                    caller="+380671234567", caller_name="Марія Іваненко", opened_at=T0)
VODOKANAL = Contractor(id=3, code="vodokanal", name="Водоканал", kind="utility",
                       channels=("email", "webhook"), email="d@vodokanal.example.org",
                       manager_email="boss@vodokanal.example.org",
                       webhook_url="https://crm.example.org/h", webhook_secret_ref="env:X")


def assignment(callback: bool = False) -> Assignment:
    return Assignment(id=9, appeal_id=42, contractor_id=3, contractor="vodokanal",
                      rule_id="water", reason="правило «water»", priority="emergency",
                      deadline=T0 + timedelta(hours=6), callback=callback, at=T0,
                      actor="system")


def test_assignment_goes_to_every_channel_as_required() -> None:
    email, webhook = NOTIFIER.appeal_assigned(APPEAL, VODOKANAL, assignment())
    assert (email.channel, email.recipient, email.required) == ("email",
                                                                "d@vodokanal.example.org", True)
    assert (webhook.channel, webhook.recipient, webhook.secret_ref) == (
        "webhook", "https://crm.example.org/h", "env:X")
    assert email.key == "appeal:42:assignment:9:email"
    assert webhook.payload["idempotency_key"] == webhook.key == "appeal:42:assignment:9:webhook"
    payload = email.payload
    assert payload["event"] == "appeal.assigned"
    assert payload["answer_url"] == "https://1580.example.org/contractor/appeals/2026-000042"
    assert payload["assignment"]["deadline"] == "2026-12-02T16:00:00+02:00"  # Kyiv time
    assert payload["appeal"]["resident_phone"] == "+38067***4567"


def test_the_number_is_visible_only_when_the_rule_allows_a_call_back() -> None:
    [email, _] = NOTIFIER.appeal_assigned(APPEAL, VODOKANAL, assignment(callback=True))
    assert email.payload["appeal"]["resident_phone"] == "+380671234567"


def test_reminders_and_escalations() -> None:
    level1 = DueReminder(1, T0, "appeal:42:assignment:9:reminder:1")
    reminders = NOTIFIER.appeal_reminder(APPEAL, VODOKANAL, assignment(), level1)
    assert [m.key for m in reminders] == ["appeal:42:assignment:9:reminder:1:email",
                                          "appeal:42:assignment:9:reminder:1:webhook"]
    assert not any(m.required for m in reminders)
    level2 = DueReminder(2, T0, "appeal:42:assignment:9:reminder:2")
    escalated = NOTIFIER.appeal_escalated(APPEAL, VODOKANAL, assignment(), level2)
    assert [(m.channel, m.recipient) for m in escalated] == [  # the manager once, not twice
        ("email", "boss@vodokanal.example.org"), ("email", "sup@1580.example.org")]
    assert escalated[0].payload["level"] == 2


def test_withdrawn_carries_the_reason() -> None:
    [email, _] = NOTIFIER.appeal_withdrawn(APPEAL, VODOKANAL, assignment(), "не їхня ділянка")
    assert email.payload["note"] == "не їхня ділянка"
    assert email.key == "appeal:42:assignment:9:withdrawn:email"


def test_the_email_reads_in_ukrainian_with_the_details_and_the_link() -> None:
    [message] = [m for m in NOTIFIER.appeal_assigned(APPEAL, VODOKANAL, assignment())
                 if m.channel == "email"]
    outbox = OutboxMessage(1, message.key, message.event, message.channel, message.recipient,
                           message.payload, 1)
    mail = build_email(outbox, "Гаряча лінія 1580 <noreply@1580.example.org>")
    assert mail["Subject"] == ("[АВАРІЙНЕ] Нове звернення 2026-000042 — water_pipe_burst — "
                               "вул. Незалежності, 5")
    assert mail["Message-ID"] == message_id(message.key, "noreply@1580.example.org")
    assert mail["Message-ID"].endswith("@1580.example.org>")
    assert mail["X-Callcenter-Idempotency-Key"] == message.key
    text = mail.get_content()
    for expected in ("Звернення № 2026-000042 (аварійне)", "Адреса: вул. Незалежності, 5",
                     "Опис: Тече з-під асфальту", "Заявник: Марія Іваненко, +38067***4567",
                     "Виконати до: 02.12.2026 16:00",
                     "https://1580.example.org/contractor/appeals/2026-000042"):
        assert expected in text


def test_message_ids_are_stable_per_key() -> None:
    assert message_id("k1", "a@b.org") == message_id("k1", "x <a@b.org>")
    assert message_id("k1", "a@b.org") != message_id("k2", "a@b.org")


def test_every_event_has_a_subject() -> None:
    level = DueReminder(2, T0, "k")
    payloads = [m.payload for m in (
        *NOTIFIER.appeal_reminder(APPEAL, VODOKANAL, assignment(), level),
        *NOTIFIER.appeal_escalated(APPEAL, VODOKANAL, assignment(), level),
        *NOTIFIER.appeal_withdrawn(APPEAL, VODOKANAL, assignment(), "x"))]
    subjects = {email_text.subject(p) for p in payloads}
    assert "[АВАРІЙНЕ] Нагадування: звернення 2026-000042 не підтверджено" in subjects
    assert any(s.startswith("[АВАРІЙНЕ] Ескалація: Водоканал") for s in subjects)
    assert any("передано іншому виконавцю" in s for s in subjects)
    assert all("Причина: x" in email_text.body(p) for p in payloads
               if p["event"] == "appeal.withdrawn")


def test_people_read_the_category_name_and_webhooks_get_both() -> None:
    named = Notifier(public_base_url="https://1580.example.org/", timezone="Europe/Kyiv",
                     category_names={"water_pipe_burst": "Прорив водогону"})
    email, webhook = named.appeal_assigned(APPEAL, VODOKANAL, assignment())
    assert webhook.payload["appeal"]["category"] == "water_pipe_burst"
    assert webhook.payload["appeal"]["category_name"] == "Прорив водогону"
    subject, body = email_text.subject(email.payload), email_text.body(email.payload)
    assert "Прорив водогону" in subject and "Категорія: Прорив водогону" in body
    assert "water_pipe_burst" not in subject + body
