"""An outage entered for a district, opened for editing and saved as the form shows it: the
form gives the district back as typed, the stored places keep the district's name, and the
pages name the district where they list the places."""

from __future__ import annotations

import html
import re
from pathlib import Path

from callcenter.outages.service import Outages
from tests.integration.portal_rig import residents_web

KASKAD = ("вул. Вовчинецька", "вул. Дністровська", "вул. Євгена Коновальця")
NEW = {"utility": "water", "kind": "planned",
       "places": "вул. Галицька: 1-15 непарні\nмікрорайон Каскад",
       "start": "2099-01-05T09:00", "expected_end": "2099-01-05T17:00",
       "note": "Заміна засувки", "internal_note": "", "contractor": "vodokanal"}


def form_of(page: str) -> dict[str, str]:
    """The edit form's fields as the browser would send them back."""
    edit = page[page.index('id="edit"'):]
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', edit, re.S)}
    fields |= dict(re.findall(r'<input type="datetime-local" name="(\w+)" value="([^"]*)"',
                              edit))
    fields |= dict(re.findall(r'<select name="(\w+)">.*?<option value="(\w+)" selected',
                              edit, re.S))
    return fields


async def test_a_district_survives_editing(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        async with rig.web.client(await rig.web.token("sofia", "supervisor")) as staff:
            made = await staff.post("/outages", data=NEW)
            assert made.status_code == 303, made.text[-800:]
            page = made.headers["location"]
            form = form_of((await staff.get(page)).text)
            saved = await staff.post(page, data={**form, "note": "Заміна засувки, бригада 3"})
            after = await staff.get(page)
            public = await staff.get(page.replace("/outages", "/vidkliuchennia"))
        service: Outages = rig.web.app.state.outages
        outage = await service.get(int(page.rsplit("/", 1)[1]))
    assert form["places"].splitlines() == ["вул. Галицька: 1-15 непарні", "мікрорайон Каскад"]
    assert saved.status_code == 303, saved.text[-800:]
    assert outage.note == "Заміна засувки, бригада 3"
    assert [(p.street, p.district) for p in outage.places] == [
        ("вул. Галицька", None), *((street, "Каскад") for street in KASKAD)]
    assert form_of(after.text)["places"] == form["places"]
    line = f"мікрорайон Каскад: {', '.join(KASKAD)} (вулиці повністю)"
    assert line in after.text and line in public.text
