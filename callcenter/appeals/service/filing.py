"""Appeals filed from outside the hotline: the portal, Open311, e-mail.

An appeal filed this way is an ordinary appeal: numbered like the others, `registered` at
once with its history, its photos and (with an e-mail given) the resident's confirmation in
the outbox, all in one transaction; then routed exactly as an operator's save routes it
(`on_registered`, the same hook: a routing failure leaves it `registered` for the sweep).

A letter has no checked category or address: `file_new` stores it `new` with its text and
sender and the resident's acknowledgement, for an operator to complete (and so route) like a
call's appeal; the channel's store may write its own rows in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

import structlog

from callcenter.appeals.model.filing import (
    ExternalAppeal,
    Filing,
    NewFiling,
    check_filing,
    check_new_filing,
)
from callcenter.appeals.service.operators import (
    AppealRules,
    OnRegistered,
    route_after_registration,
    utc_now,
)
from callcenter.delivery.model.outbox import NewMessage

log = structlog.get_logger("callcenter.appeals")
# The messages announcing a filed appeal to its resident: (number, e-mail) -> messages.
Confirmation = Callable[[str, str], Sequence[NewMessage]]


class FilingStore(Protocol):
    async def file(self, filing: Filing, *, at: datetime, actor: str,
                   messages: Callable[[str], Sequence[NewMessage]]) -> str:
        """Store the appeal `registered` with its photos and the messages for its number
        (one transaction); return its number."""


class NewFilingStore(Protocol):
    async def file_new(self, filing: NewFiling, *, at: datetime, actor: str,
                       messages: Callable[[str], Sequence[NewMessage]]) -> str:
        """Store the appeal `new` with the messages for its number (one transaction, with
        whatever rows of its own the channel's store adds); return its number."""


class AppealFiling:
    def __init__(self, store: FilingStore, rules: AppealRules, *,
                 clock: Callable[[], datetime] = utc_now,
                 on_registered: OnRegistered | None = None,
                 confirmation: Confirmation | None = None,
                 acknowledgement: Confirmation | None = None) -> None:
        self.store = store
        self.rules = rules
        self._clock = clock
        self.on_registered = on_registered
        self.confirmation = confirmation
        self.acknowledgement = acknowledgement

    def check(self, appeal: ExternalAppeal) -> Filing:
        """The filing, or `InvalidAppealForm` (nothing stored): callers check before they
        store the photos."""
        return check_filing(appeal, categories=self.rules.categories,
                            streets=self.rules.streets, area_code=self.rules.area_code)

    async def file(self, appeal: ExternalAppeal, *, actor: str = "") -> str:
        """File the appeal; its number. `actor` names who filed it in the history (an Open311
        client's key name), by default the channel."""
        filing = self.check(appeal)
        number = await self.store.file(filing, at=self._clock(),
                                       actor=actor or filing.channel.value,
                                       messages=lambda n: self._messages(n, filing))
        log.info("appeal_filed", number=number, channel=filing.channel.value,
                 category=filing.completion.category, photos=len(filing.photos))
        await route_after_registration(self.on_registered, number)
        return number

    async def file_new(self, appeal: ExternalAppeal, *, store: NewFilingStore,
                       actor: str = "") -> str:
        """File an appeal nobody checked yet (a letter) as `new`, acknowledged to the
        resident's e-mail; not routed: an operator completes it. Its number."""
        filing = check_new_filing(appeal)
        number = await store.file_new(filing, at=self._clock(),
                                      actor=actor or filing.channel.value,
                                      messages=lambda n: self._acknowledgement(n, filing))
        log.info("appeal_filed", number=number, channel=filing.channel.value, status="new")
        return number

    def _acknowledgement(self, number: str, filing: NewFiling) -> Sequence[NewMessage]:
        if self.acknowledgement is None or not filing.contact_email:
            return ()
        return self.acknowledgement(number, filing.contact_email)

    def _messages(self, number: str, filing: Filing) -> Sequence[NewMessage]:
        if self.confirmation is None or not filing.contact_email:
            return ()
        return self.confirmation(number, filing.contact_email)
