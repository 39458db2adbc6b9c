"""The operator's page (`/operator`) and the page of one appeal (`/appeals/{number}`)."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse

from callcenter.appeals.api import appeals_of, reference_of, views_of
from callcenter.appeals.model.records import AppealNotFound
from callcenter.core.web.i18n import N_, gettext, lang_of, language_of
from callcenter.core.web.labels import Labels, local_time, names_of
from callcenter.core.web.pages import render
from callcenter.users.access import allow, desk
from callcenter.users.model import Principal, Role

router = APIRouter(include_in_schema=False)

# Words the page's script shows, translated here so the catalogs hold them.
# `%(name)s` is filled in by the script.
SCRIPT_TEXTS = {
    "connecting": N_("Connecting…"),
    "online": N_("Connected"),
    "offline": N_("Offline"),
    "offline_banner": N_("No connection to the server: calls will not pop up here. "
                         "Reconnecting in %(seconds)s s…"),
    "reconnect_now": N_("Reconnect now"),
    "ws_signed_out": N_("Your session has ended: calls will not pop up. Sign in again."),
    "ws_forbidden": N_("Screen pops are for operators only."),
    "ws_no_seat": N_("You have no seat (phone), so calls cannot pop up: sign out and pick a "
                     "seat at sign-in."),
    "ringing": N_("Ringing"),
    "answered": N_("Call in progress"),
    "taken": N_("Taken by %(seat)s"),
    "ring_timed_out": N_("Not answered"),
    "ended": N_("Call ended: %(outcome)s"),
    "paused": N_("Paused"),
    "pause_manual": N_("On a break · %(time)s"),
    "pause_phone": N_("Paused from the phone · %(time)s"),
    "pause_wrap_up": N_("Finishing the call · %(time)s left"),
    "take_break": N_("Take a break"),
    "server_unreachable": N_("The server cannot be reached: try again in a moment."),
    "back_to_work": N_("Back to work"),
    "ready_now": N_("Ready for calls"),
    "talking_for": N_("talking %(time)s"),
    "ringing_title": N_("☎ Call: %(caller)s"),
    "notify_title": N_("Incoming call"),
    "notify_body": N_("%(caller)s · appeal %(number)s"),
    "unfinished": N_("Earlier calls without a completed form: %(count)s"),
    "unfinished_more": N_("…and %(count)s more"),
    "form_this_call": N_("this call"),
    "form_other_appeal": N_("in the form: another appeal, not this call"),
    "no_category": N_("No category matches these words."),
    "withheld": N_("Number withheld"),
    "nothing": N_("None."),
    "no_answer_yet": N_("no answer yet"),
    "saving": N_("Saving…"),
    "saved_registered": N_("Saved. Appeal %(number)s is registered: read the number to the "
                           "resident."),
    "saved_consultation": N_("Saved as a consultation: appeal %(number)s is closed."),
    "network_failed": N_("The server cannot be reached. Nothing was saved and your text is "
                         "kept: try again."),
    "session_expired": N_("Your session has ended. Your text is kept on this page: sign in "
                          "again, then save."),
    "sign_in_again": N_("Sign in again"),
    "csrf_failed": N_("The page is out of date. Your text is kept: reload the page, then "
                      "save."),
    "reload": N_("Reload the page"),
    "now_status": N_("The appeal is now: %(status)s."),
    "failed": N_("Not saved. Your text is kept."),
    "restored": N_("Your unsaved form of appeal %(number)s was restored."),
    "save_first": N_("Save this appeal first; your text is kept."),
    "added": N_("Appeal %(number)s was added from the same call."),
    "not_completable": N_("This appeal is %(status)s: the form cannot be saved again."),
    "pop_waiting": N_("The call's appeal %(number)s is waiting: the form holds unsaved text "
                      "of another appeal."),
    "formerly": N_("formerly %(name)s"),
    "no_streets": N_("No such street in the list."),
    "found": N_("Found: %(total)s"),
    "nothing_found": N_("Nothing found."),
    "sample": N_("sample data"),
    "load_failed": N_("Could not open the appeal."),
    "emergency": N_("Emergency"),
    "line_landline": N_("Landline"),
    "line_mobile": N_("Mobile"),
    "outcome_answered": N_("Answered"),
    "outcome_abandoned": N_("Abandoned"),
    "outcome_failed": N_("Failed"),
    "outcome_unknown": N_("Unknown (the link to the PBX was down)"),
    "routed_to": N_("Sent to: %(contractor)s"),
    "routed_deadline": N_("Deadline: %(deadline)s · %(priority)s"),
    "not_routed": N_("Not sent to a contractor yet: it will be sent automatically within a "
                     "minute."),
    "call_now": N_("Call right now, then press \"Handed off\":"),
    "other_services": N_("Other emergency services"),
    "handed_off": N_("Handed off"),
    "handoff_recorded": N_("Hand-off recorded"),
    "not_reached": N_("Could not get through"),
    "not_reached_recorded": N_("Recorded: could not get through"),
    "duplicates_found": N_("Open appeals with this category at this address: link this one "
                           "to it instead of sending it again?"),
    "link_duplicate": N_("Link as a duplicate"),
    "linked": N_("Appeal %(number)s is linked as a duplicate of %(original)s: it is not sent "
                 "again."),
}


# The page's keyboard shortcuts (keys.js), listed in its help (`?`).
SHORTCUTS = (
    ("Ctrl+Enter", N_("Save the appeal")),
    ("Alt+N", N_("A new appeal from this call")),
    ("Alt+O", N_("Open the ringing call's appeal in the form")),
    ("Alt+C", N_("Choose the category (type a word, arrows, Enter)")),
    ("Alt+F", N_("Find an appeal")),
    ("Alt+D", N_("City services directory")),
    ("Alt+P", N_("Take a break / back to work")),
    ("Alt+M", N_("Ring sound on / off")),
    ("?", N_("These shortcuts")),
    ("Esc", N_("Close a list or this help")),
)


def script_texts(language: str) -> dict[str, str]:
    return {key: gettext(language, text) for key, text in SCRIPT_TEXTS.items()}


@router.get("/operator", response_class=HTMLResponse)
async def operator_page(request: Request,
                        user: Annotated[Principal, Depends(allow(Role.OPERATOR))]
                        ) -> HTMLResponse:
    language = language_of(request)
    return render(request, "appeals/operator.html", principal=user,
                  categories=reference_of(request).categories.choices(lang_of(request)),
                  statuses=Labels(language).statuses(), texts=script_texts(language),
                  shortcuts=[(keys, gettext(language, what)) for keys, what in SHORTCUTS],
                  timezone=appeals_of(request).rules.timezone)


@router.get("/appeals/{number}", response_class=HTMLResponse)
async def appeal_page(request: Request, number: Annotated[str, Path(max_length=24)],
                      user: Annotated[Principal, Depends(desk)]) -> HTMLResponse:
    try:
        details = await appeals_of(request).details(number)
    except AppealNotFound:
        return render(request, "appeals/appeal_missing.html", principal=user, number=number,
                      status=404)
    labels = Labels(language_of(request), await names_of(request))
    zone = ZoneInfo(appeals_of(request).rules.timezone)
    return render(request, "appeals/appeal.html", principal=user, appeal=views_of(request)
                  .appeal(details), labels=labels, at=local_time(zone))
