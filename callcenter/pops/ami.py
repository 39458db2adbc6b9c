"""`QueuePause` over the AMI link: the `QueuePauser` of services.pausing."""

from __future__ import annotations

from typing import Any

from callcenter.core.ami.link import AmiError, AmiLink
from callcenter.pops.model.pausing import MemberPause, PbxUnavailable, SeatNotInQueue, member_pause


class AmiQueuePauser:
    def __init__(self, link: AmiLink, *, queue: str) -> None:
        self._link = link
        self._queue = queue

    async def set_paused(self, seat: str, paused: bool, reason: str) -> None:
        fields = {"Action": "QueuePause", "Queue": self._queue, "Interface": seat,
                  "Paused": "true" if paused else "false"}
        if reason:
            fields["Reason"] = reason
        try:
            reply: Any = await self._link.action(fields)
        except (AmiError, OSError, TimeoutError) as exc:
            raise PbxUnavailable(f"QueuePause for {seat} not sent: {exc}") from exc
        if reply.get("Response") == "Success":
            return
        message = str(reply.get("Message") or "")
        if "not found" in message.lower():
            raise SeatNotInQueue(f"{seat} is not a member of queue {self._queue}")
        raise PbxUnavailable(f"Asterisk refused QueuePause for {seat}: {message}")

    async def members(self) -> list[MemberPause]:
        try:
            reply: Any = await self._link.action({"Action": "QueueStatus", "Queue": self._queue},
                                                 as_list=True)
        except (AmiError, OSError, TimeoutError) as exc:
            raise PbxUnavailable(f"QueueStatus not answered: {exc}") from exc
        frames = reply if isinstance(reply, list) else [reply]
        found = (member_pause(frame, self._queue) for frame in frames)
        return [member for member in found if member is not None]
