"""Queue members over the AMI link: the `QueueMembers` of services.reconciler."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import structlog

from callcenter.calls.model.ami_events import header
from callcenter.core.ami.link import AmiError, AmiLink

log = structlog.get_logger("callcenter.queue_log")


class AmiQueueMembers:
    def __init__(self, link: AmiLink) -> None:
        self._link = link

    async def interfaces(self) -> Mapping[str, str]:
        """Member name -> interface of every queue's members (`QueueStatus` items name the
        interface `Location`); empty when Asterisk cannot be asked now."""
        try:
            reply: Any = await self._link.action({"Action": "QueueStatus"}, as_list=True)
        except (AmiError, OSError, TimeoutError) as exc:
            log.warning("queue_members_unknown", error=str(exc))
            return {}
        frames = reply if isinstance(reply, list) else [reply]
        return {header(f, "Name"): header(f, "Location") for f in frames
                if header(f, "Event") == "QueueMember" and header(f, "Name")
                and header(f, "Location")}
