"""The contractor's pages: its appeals with a status filter, and one appeal with the answer
forms (take, plan, done with photos, not ours, clarify). The forms post to the JSON API
(contractor.js) with the page's CSRF token; a refused answer keeps the form as typed."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import HTMLResponse

from callcenter.contractors.api.desk import desk_of
from callcenter.contractors.model.desk import ContractorAppealNotFound, parse_statuses
from callcenter.core.web.bounds import Offset
from callcenter.core.web.i18n import N_, gettext, language_of
from callcenter.core.web.labels import STATUSES, Labels, local_time, names_of
from callcenter.core.web.pages import render
from callcenter.routing.model.records import WITH_CONTRACTOR
from callcenter.users.access import only
from callcenter.users.model import Principal, Role

router = APIRouter(include_in_schema=False)
Contractor = Annotated[Principal, Depends(only(Role.CONTRACTOR))]
FILTERS = ("assigned", "in_work", "returned", "clarification", "redirected", "done")
PAGE = 50
ACTIONS = {"take": N_("Taken into work"), "plan": N_("Planned date set"),
           "done": N_("Marked done"), "not-ours": N_("Returned to the hotline as not ours"),
           "clarify": N_("Question sent to the hotline")}
SCRIPT_TEXTS = {
    "saving": N_("Saving…"), "saved": N_("Saved."),
    "failed": N_("Not saved. Check the form and try again."),
    "network_failed": N_("The server does not answer. Your input is kept; try again."),
}
# The answer most likely next, by status: its form comes first and open.
NEXT = {"assigned": "take", "returned": "take", "redirected": "take", "in_work": "done",
        "clarification": "done"}
FORMS = ("take", "plan", "done", "not-ours", "clarify")


async def words(request: Request) -> dict[str, Any]:
    language = language_of(request)
    labels = Labels(language, await names_of(request))
    return {"labels": labels, "status_label": labels.status,
            "priority_label": labels.priority, "action_label": labels.action,
            "local": local_time(zone_of(request)), "now": datetime.now(UTC),
            "texts": {k: gettext(language, v) for k, v in SCRIPT_TEXTS.items()}}


def saved_message(request: Request) -> str:
    action = request.query_params.get("saved", "")
    return gettext(language_of(request), ACTIONS[action]) if action in ACTIONS else ""


def forms_in_order(status: str) -> list[str]:
    first = NEXT.get(status, "take")
    return [first, *(f for f in FORMS if f != first)]


def zone_of(request: Request) -> tzinfo:
    return ZoneInfo(request.app.state.supervision.timezone)


@router.get("/contractor", response_class=HTMLResponse)
async def appeals_page(request: Request, user: Contractor,
                       status: Annotated[str, Query(max_length=32)] = "",
                       offset: Offset = 0) -> HTMLResponse:
    chosen = status if status in STATUSES else ""
    statuses = [s.value for s in parse_statuses(chosen)]
    page = await desk_of(request).appeals(user, statuses=statuses, limit=PAGE, offset=offset)
    return render(request, "contractors/contractor.html", principal=user, page=page, chosen=chosen,
                  filters=FILTERS, open_statuses=WITH_CONTRACTOR, **await words(request))


@router.get("/contractor/appeals/{number}", response_class=HTMLResponse)
async def appeal_page(request: Request, number: Annotated[str, Path(max_length=24)],
                      user: Contractor) -> HTMLResponse:
    desk = desk_of(request)
    try:
        details = await desk.appeal(user, number)
    except ContractorAppealNotFound:
        return render(request, "contractors/contractor_missing.html", principal=user, number=number,
                      status=404)
    zone = zone_of(request)
    return render(request, "contractors/contractor_appeal.html", principal=user, d=details,
                  a=details.appeal, can_answer=details.appeal.status in WITH_CONTRACTOR,
                  today=datetime.now(zone).date().isoformat(),
                  forms=forms_in_order(details.appeal.status), saved=saved_message(request),
                  photo_max_bytes=desk.photo_rules.max_bytes,
                  photos_max=desk.photo_rules.max_count, **await words(request))
