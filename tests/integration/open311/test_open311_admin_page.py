"""The admins' page of Open311 keys: issue (shown once), list, revoke; nobody else may."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.portal_rig import residents_web

KEY = re.compile(r'<code id="new-key">([^<]+)</code>')


async def test_admins_issue_and_revoke_keys(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        admin = await rig.web.token("root", "admin")
        operator = await rig.web.token("olena", "operator")
        async with rig.web.client(admin) as client, rig.web.client(operator) as other, \
                rig.web.client() as app:
            empty = await client.get("/admin/open311")
            issued = await client.post("/admin/open311/keys", data={"name": "city-app"})
            again = await client.post("/admin/open311/keys", data={"name": "city-app"})
            blank = await client.post("/admin/open311/keys", data={"name": "  "})
            key = KEY.search(issued.text)
            assert key is not None, issued.text[-2000:]
            form = {"api_key": key.group(1), "service_code": "road_potholes",
                    "address_string": "вул. Незалежності", "description": "Яма"}
            works = await app.post("/open311/v2/requests.json", data=form)
            listed = await client.get("/admin/open311")
            revoked = await client.post("/admin/open311/keys/revoke", data={"name": "city-app"})
            refused = await app.post("/open311/v2/requests.json", data=form)
            forbidden = await other.get("/admin/open311")
            forbidden_post = await other.post("/admin/open311/keys", data={"name": "x"})
    assert empty.status_code == 200 and "Ключі Open311" in empty.text
    assert issued.status_code == 200 and "city-app" in issued.text
    assert again.status_code == 409 and KEY.search(again.text) is None
    assert blank.status_code == 422
    assert works.status_code == 200, works.text
    assert key.group(1) not in listed.text and "діє" in listed.text
    assert revoked.status_code == 200 and "відкликано" in revoked.text
    assert refused.status_code == 403
    assert forbidden.status_code == 403 and forbidden_post.status_code == 403
