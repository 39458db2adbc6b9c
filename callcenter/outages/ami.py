"""The dialplan's announcement global over the AMI link: `Setvar` and `Getvar` with no
Channel (a global). `Setvar` needs the `call` write class and `Getvar` `call` or `reporting`
(manager.c; dialplans/manager.conf says why `call` and not `system` for DBPut)."""

from __future__ import annotations

from typing import Any

from callcenter.core.ami.link import AmiActionTimeout, AmiError, AmiLink
from callcenter.outages.service.announcements import NoticeFailed

TIMEOUT = 5.0


class AmiNotice:
    def __init__(self, link: AmiLink, variable: str) -> None:
        self._link = link
        self._variable = variable

    async def set(self, value: str) -> None:
        await self._ask({"Action": "Setvar", "Variable": self._variable, "Value": value})

    async def get(self) -> str:
        reply = await self._ask({"Action": "Getvar", "Variable": self._variable})
        return str(_header(reply, "Value")).strip()

    async def _ask(self, fields: dict[str, str]) -> Any:
        try:
            reply: Any = await self._link.action(fields, timeout=TIMEOUT)
        except AmiActionTimeout as exc:
            raise NoticeFailed("pbx_timeout", str(exc)) from exc
        except (AmiError, OSError, TimeoutError) as exc:
            raise NoticeFailed("pbx_unavailable", str(exc)) from exc
        if str(_header(reply, "Response")).lower() != "success":
            message = str(_header(reply, "Message"))
            error = "pbx_refused" if "permission" in message.lower() else "pbx_error"
            raise NoticeFailed(error, message)
        return reply


def _header(reply: Any, name: str) -> object:
    getter = getattr(reply, "get", None)
    return getter(name, "") if getter is not None else ""
