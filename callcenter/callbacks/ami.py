"""`Originate` over the AMI link: the `Originator` of the dialer.

The first channel is the operator's own phone (their seat), then `[from-operator]` dials the
resident (dialplans/README.md, "Call-backs"): never the landline first, or the resident's leg
would look like an inbound call. Async, so the answer comes as OriginateResponse once the
operator answered (or did not); the action waits for it a little longer than the phone rings.
"""

from __future__ import annotations

import secrets
from typing import Any

from callcenter.callbacks.model import action_id, originate_problem, reply_error
from callcenter.core.ami.link import AmiActionTimeout, AmiError, AmiLink


class AmiOriginator:
    def __init__(self, link: AmiLink, *, context: str = "from-operator", caller_id: str,
                 ring_seconds: float, margin: float = 5.0) -> None:
        self._link = link
        self._context = context
        self._caller_id = caller_id
        self._ring = ring_seconds
        self._margin = margin

    async def originate(self, attempt_id: int, seat: str, number: str) -> str | None:
        problem = originate_problem(seat, number)
        if problem is not None:
            return problem
        fields = {"Action": "Originate", "ActionID": action_id(attempt_id, secrets.token_hex(4)),
                  "Channel": seat, "Context": self._context, "Exten": number,
                  "Priority": "1", "CallerID": self._caller_id,
                  "Timeout": str(int(self._ring * 1000)), "Async": "true"}
        try:
            reply: Any = await self._link.action(fields, timeout=self._ring + self._margin)
        except AmiActionTimeout:
            return "pbx_timeout"
        except (AmiError, OSError, TimeoutError):
            return "pbx_unavailable"
        return reply_error(reply)
