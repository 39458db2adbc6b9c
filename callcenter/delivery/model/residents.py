"""What residents are told by e-mail: the confirmation of an appeal they filed themselves
(the portal), with its number and where to check its status."""

from __future__ import annotations

from callcenter.delivery.model.outbox import EMAIL, NewMessage

FILED = "resident.filed"


def appeal_filed(number: str, email: str, *, public_base_url: str) -> list[NewMessage]:
    """One e-mail; its key is the appeal's, so filing it again cannot send it twice."""
    key = f"appeal:{number}:filed:{EMAIL}"
    status_url = f"{public_base_url.rstrip('/')}/status?number={number}"
    payload = {"event": FILED, "appeal": {"number": number}, "status_url": status_url,
               "idempotency_key": key}
    return [NewMessage(key, FILED, EMAIL, email, payload)]
