"""Words the supervisor and contractor-link pages show, translated here so the catalogs hold
them: labels of states and ways of listening, and the texts the pages' scripts show."""

from __future__ import annotations

from callcenter.core.web.i18n import N_, gettext

RECORDING_STATES = {
    "pending": N_("being processed"),
    "stored": N_("stored"),
    "missing": N_("missing"),
    "corrupt": N_("corrupt"),
    "purged": N_("purged (retention)"),
}
VIA = {
    "supervisor": N_("supervisor's player"),
    "contractor_link": N_("contractor link"),
    "evidence_export": N_("evidence bundle"),
}
DISPUTE_STATES = {"open": N_("open"), "closed": N_("closed")}
LINK_STATES = {"active": N_("active"), "expired": N_("expired"), "revoked": N_("revoked")}

# `%(name)s` is filled in by the script.
SCRIPT_TEXTS = {
    "reason_required": N_("Say why you are listening (at least 3 characters)."),
    "authorizing": N_("Checking…"),
    "playing": N_("Replay recorded in the audit. Playing (the player works until %(time)s)."),
    "failed": N_("Could not start the replay."),
    "network_failed": N_("The server cannot be reached. Try again."),
    "link_ready": N_("Give this link to the contractor; it is shown only once:"),
    "revoke_confirm": N_("Revoke this link now?"),
    "close_confirm": N_("Close the dispute with this decision?"),
    "release_confirm": N_("Release the legal hold? Retention may then delete these recordings."),
    "audio_failed": N_("The audio could not be played."),
    **{f"via_{key}": text for key, text in VIA.items()},
}


def script_texts(language: str) -> dict[str, str]:
    return {key: gettext(language, text) for key, text in SCRIPT_TEXTS.items()}


def labels(language: str, table: dict[str, str]) -> dict[str, str]:
    return {key: gettext(language, text) for key, text in table.items()}
