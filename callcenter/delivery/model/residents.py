"""What residents are told by e-mail: the confirmation of an appeal they filed themselves
(the portal), with its number and where to check its status."""

from __future__ import annotations

from callcenter.delivery.model.outbox import EMAIL, NewMessage

FILED = "resident.filed"
MAIL_RECEIVED = "resident.mail_received"


def appeal_filed(number: str, email: str, *, public_base_url: str) -> list[NewMessage]:
    """One e-mail; its key is the appeal's, so filing it again cannot send it twice."""
    key = f"appeal:{number}:filed:{EMAIL}"
    status_url = f"{public_base_url.rstrip('/')}/status?number={number}"
    payload = {"event": FILED, "appeal": {"number": number}, "status_url": status_url,
               "idempotency_key": key}
    return [NewMessage(key, FILED, EMAIL, email, payload)]


def mail_received(number: str, email: str, *, public_base_url: str) -> list[NewMessage]:
    """The acknowledgement of a letter that became an appeal: its number, where to check
    it, and that a reply keeping the number in the subject joins the same appeal."""
    key = f"appeal:{number}:mail_received:{EMAIL}"
    status_url = f"{public_base_url.rstrip('/')}/status?number={number}"
    payload = {"event": MAIL_RECEIVED, "appeal": {"number": number}, "status_url": status_url,
               "idempotency_key": key}
    return [NewMessage(key, MAIL_RECEIVED, EMAIL, email, payload)]


MAIL_REFUSED = "resident.mail_refused"


def mail_refused(letter_key: str, email: str, *, why: str) -> list[NewMessage]:
    """The answer to a letter the hotline could not take (too large, too many attachments
    or recipients): why, and what to do; keyed by the letter, so it goes once."""
    key = f"mail:{letter_key}:refused:{EMAIL}"
    payload = {"event": MAIL_REFUSED, "why": why, "idempotency_key": key}
    return [NewMessage(key, MAIL_REFUSED, EMAIL, email, payload)]
