"""Words for stored codes (statuses, history actions, channels, lines, call outcomes) in the
reader's language; a code without a label is shown as it is."""

from __future__ import annotations

from callcenter.core.web.i18n import N_, gettext

STATUSES = {
    "new": N_("New"),
    "missed": N_("Missed"),
    "consultation": N_("Consultation"),
    "rejected": N_("Rejected"),
    "registered": N_("Registered"),
    "assigned": N_("Sent to the contractor"),
    "in_work": N_("In work"),
    "clarification": N_("Clarification"),
    "redirected": N_("Redirected"),
    "done": N_("Done"),
    "on_check": N_("On check"),
    "returned": N_("Returned"),
    "closed": N_("Closed"),
    "duplicate": N_("Duplicate"),
}
ACTIONS = {
    "opened": N_("Opened"),
    "call_ended": N_("Call ended"),
    "call_answered": N_("Call answered"),
    "completed": N_("Form completed"),
    "handoff_failed": N_("Could not get through"),
    "callback_claimed": N_("Taken for a control call"),
    "callback_confirmed": N_("The resident confirmed the work"),
    "callback_not_confirmed": N_("The resident did not confirm the work"),
    "callback_no_answer": N_("Call-back: no answer"),
    "callback_not_reached": N_("The resident could not be reached"),
    "callback_reached": N_("The resident was reached by a call-back"),
    "callback_consultation": N_("Call-back: information given"),
    "callback_talked": N_("Control call: the resident's words"),
    "callback_duplicate": N_("Joined to the appeal of the same caller"),
    "control_on": N_("Placed on control"),
    "control_off": N_("Taken off control"),
}
CHANNELS = {"phone": N_("Phone"), "web": N_("Web portal"), "email": N_("E-mail"),
            "open311": N_("Open311")}
LINES = {"landline": N_("Landline"), "mobile": N_("Mobile")}
OUTCOMES = {"in_progress": N_("In progress"), "answered": N_("Answered"),
            "abandoned": N_("Abandoned"), "failed": N_("Failed"),
            "unknown": N_("Unknown (the link to the PBX was down)")}


class Labels:
    def __init__(self, language: str) -> None:
        self.language = language

    def _word(self, table: dict[str, str], code: str | None) -> str:
        if code is None:
            return ""
        known = table.get(code)
        return gettext(self.language, known) if known else code

    def status(self, code: str | None) -> str:
        return self._word(STATUSES, code)

    def action(self, code: str) -> str:
        return self._word(ACTIONS, code)

    def channel(self, code: str) -> str:
        return self._word(CHANNELS, code)

    def line(self, code: str) -> str:
        return self._word(LINES, code)

    def outcome(self, code: str) -> str:
        return self._word(OUTCOMES, code)

    def statuses(self) -> dict[str, str]:
        return {code: gettext(self.language, label) for code, label in STATUSES.items()}
