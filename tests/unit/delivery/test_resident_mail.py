"""The resident's confirmation of a portal appeal: one message per appeal, in plain Ukrainian."""

from __future__ import annotations

from callcenter.delivery.model.outbox import OutboxMessage
from callcenter.delivery.model.residents import FILED, appeal_filed
from callcenter.delivery.senders.email import build_email


def test_the_confirmation_names_the_number_and_the_status_page() -> None:
    [message] = appeal_filed("2026-000042", "oksana@example.org",
                             public_base_url="https://1580.example/")
    assert message.key == "appeal:2026-000042:filed:email" and message.event == FILED
    assert message.recipient == "oksana@example.org" and not message.required
    mail = build_email(OutboxMessage(id=1, key=message.key, event=message.event,
                                     channel=message.channel, recipient=message.recipient,
                                     payload=message.payload, attempts=0),
                       "1580 <noreply@1580.example>")
    assert mail["Subject"] == "Ваше звернення 2026-000042 зареєстровано"
    body = mail.get_content()
    assert "2026-000042" in body
    assert "https://1580.example/status?number=2026-000042" in body
