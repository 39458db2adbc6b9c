"""The operators' call-back page (`/operator/callbacks`): the worklist, one click to call,
the outcome."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from callcenter.callbacks.service import Callbacks
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.pages import render
from callcenter.users.access import allow
from callcenter.users.model import Principal, Role

router = APIRouter(include_in_schema=False)

# Words the page's script shows (`%(name)s` filled in by the script).
SCRIPT_TEXTS = {
    "kind_missed": N_("Missed call"),
    "kind_check": N_("Check the work"),
    "kind_control": N_("On control"),
    "tries": N_("called %(count)s times"),
    "no_answers": N_("no answer %(count)s times"),
    "take": N_("Take"),
    "taken_by": N_("%(name)s is calling"),
    "yours": N_("Yours"),
    "release": N_("Let go"),
    "empty": N_("Nobody is waiting for a call-back."),
    "state_pending": N_("Asking the phone system…"),
    "state_originating": N_("Your phone is ringing: pick it up."),
    "state_connected": N_("Calling the resident…"),
    "state_answered": N_("The resident answered."),
    "state_ended": N_("The call has ended. Record the result."),
    "error_permission_denied": N_("The phone system does not allow call-backs: tell the "
                                  "administrator."),
    "error_pbx_timeout": N_("The phone system did not answer in time. Try again."),
    "error_pbx_unavailable": N_("The phone system is unavailable. Try again in a moment."),
    "error_pbx_refused": N_("The phone system refused the call. Try again."),
    "error_seat_no_answer": N_("Your phone did not answer. Is it on the hook and "
                               "registered?"),
    "error_seat_busy": N_("Your phone is busy."),
    "error_seat_unreachable": N_("Your phone cannot be reached."),
    "error_invalid_number": N_("This number cannot be dialled."),
    "error_invalid_seat": N_("Your seat is not a phone: sign in again and pick your phone."),
    "outcome_confirmed": N_("Confirmed: the work is done"),
    "outcome_not_confirmed": N_("Not confirmed: back to the contractor"),
    "outcome_no_answer": N_("No answer"),
    "outcome_reached": N_("Reached: fill in the appeal"),
    "outcome_consultation": N_("Reached: information given"),
    "outcome_talked": N_("Talked: note the words"),
    "words": N_("What the resident said"),
    "save": N_("Save the result"),
    "saved": N_("Saved."),
    "failed": N_("Not done."),
    "network_failed": N_("The server cannot be reached: try again."),
    "open_appeal": N_("Open appeal %(number)s"),
}


def script_texts(language: str) -> dict[str, str]:
    return {key: gettext(language, text) for key, text in SCRIPT_TEXTS.items()}


@router.get("/operator/callbacks", response_class=HTMLResponse)
async def callbacks_page(request: Request,
                         user: Annotated[Principal, Depends(allow(Role.OPERATOR))]
                         ) -> HTMLResponse:
    return render(request, "callbacks/callbacks.html", principal=user,
                  texts=script_texts(language_of(request)))


@router.post("/appeals/{number}/control")
async def control_form(request: Request, number: Annotated[str, Path(max_length=24)],
                       on: Annotated[bool, Form()],
                       user: Annotated[Principal, Depends(allow(Role.SUPERVISOR))],
                       note: Annotated[str, Form(max_length=4000)] = "") -> RedirectResponse:
    """The appeal page's control buttons (supervisors): then back to the appeal."""
    callbacks: Callbacks = request.app.state.callbacks
    await callbacks.set_control(number, on=on, by=user.username, note=note)
    return RedirectResponse(f"/appeals/{number}", status_code=303)
