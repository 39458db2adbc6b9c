"""Open311 GeoReport v2 conformance, both formats, on both engines: the element names, order
and shapes of the specification's own examples (wiki.open311.org/GeoReport_v2), its error
list for every 4xx, ISO 8601 times with offsets, the default window and the filters; a request
filed through it is an ordinary appeal, routed at once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import httpx
import pytest
from defusedxml import ElementTree
from sqlalchemy import select, update

from callcenter.appeals.tables import Appeal, AppealHistory
from callcenter.cli import main as cli
from callcenter.open311.service import ApiKeys
from callcenter.open311.store import SqlOpen311Store
from tests.integration.contractor_rig import JPEG
from tests.integration.portal_rig import Residents, residents_web

# The specification's examples (GeoReport v2, "Example Response" of each method), trimmed to
# one record: the element names and their order are what a client written to it reads.
SPEC_SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services><service><service_code>001</service_code><service_name>Cans left out 24x7</service_name>
<description>Garbage or recycling cans that have been left out for more than 24 hours after
collection. Violators will be cited.</description><metadata>true</metadata><type>realtime</type>
<keywords>lorem, ipsum, dolor</keywords><group>sanitation</group></service></services>"""
SPEC_DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition><service_code>DMV66</service_code><attributes><attribute>
<variable>true</variable><code>WHISHETN</code><datatype>singlevaluelist</datatype>
<required>true</required><datatype_description></datatype_description><order>1</order>
<description>What is the ticket/tag/DL number?</description><values><value><key>123</key>
<name>Ford</name></value></values></attribute></attributes></service_definition>"""
SPEC_POST_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests><request><service_request_id>293944</service_request_id>
<service_notice>The City will inspect and require the responsible party to correct within 24
hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code
</service_notice><account_id/></request></service_requests>"""
SPEC_REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests><request><service_request_id>638344</service_request_id><status>closed</status>
<status_notes>Duplicate request.</status_notes><service_name>Sidewalk and Curb Issues</service_name>
<service_code>006</service_code><description></description>
<agency_responsible></agency_responsible><service_notice></service_notice>
<requested_datetime>2010-04-19T06:37:38-08:00</requested_datetime>
<updated_datetime>2010-04-19T06:37:38-08:00</updated_datetime>
<expected_datetime>2010-04-19T06:37:38-08:00</expected_datetime>
<address>8TH AVE and JUDAH ST</address><address_id>545483</address_id><zipcode>94122</zipcode>
<lat>37.762221815</lat><long>-122.4651145</long>
<media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg</media_url>
</request></service_requests>"""
SPEC_TOKEN_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests><request><service_request_id>638344</service_request_id><token>12345</token>
</request></service_requests>"""
SPEC_ERRORS_XML = """<?xml version="1.0" encoding="utf-8"?>
<errors><error><code>403</code><description>Invalid api_key received -- can't proceed with
create_request.</description></error></errors>"""
SPEC_ERRORS_JSON = """[{"code": 403, "description": "Invalid api_key received -- can't proceed \
with create_request."}]"""
# Fields without which a request means nothing to a client.
REQUIRED = ("service_request_id", "status", "service_name", "service_code", "description",
            "requested_datetime", "updated_datetime", "address")
BASE = "/open311/v2"
# A multipart body whose text field is not UTF-8.
BROKEN = (b'--b\r\nContent-Disposition: form-data; name="description"\r\n\r\n\xff\xfe\r\n'
          b"--b--\r\n")


def names(element: Element) -> list[str]:
    return [child.tag for child in element]


def spec_record(example: str) -> tuple[str, str, list[str]]:
    """The example's root name, record name and record field names, in order."""
    root = ElementTree.fromstring(example)
    return root.tag, root[0].tag, names(root[0])


def xml_records(response: httpx.Response) -> tuple[str, list[Element]]:
    assert response.headers["content-type"].startswith("text/xml"), response.text
    root = ElementTree.fromstring(response.content)
    return root.tag, list(root)


def in_spec_order(found: list[str], spec: list[str]) -> bool:
    """Every field is the specification's and they come in its order (unknown ones left out)."""
    return set(found) <= set(spec) and found == [n for n in spec if n in found]


def assert_errors(response: httpx.Response, status: int, fmt: str) -> list[dict[str, Any]]:
    assert response.status_code == status, response.text
    if fmt == "json":
        listed = response.json()
        spec = json.loads(SPEC_ERRORS_JSON)
        assert [set(e) for e in listed] == [set(spec[0])] * len(listed)
        assert all(e["code"] == status and e["description"] for e in listed)
        return list(listed)
    root, records = xml_records(response)
    spec_root, spec_item, spec_fields = spec_record(SPEC_ERRORS_XML)
    assert root == spec_root and {r.tag for r in records} == {spec_item}
    assert all(names(r) == spec_fields and r.findtext("code") == str(status) for r in records)
    return [{"code": int(r.findtext("code") or 0), "description": r.findtext("description")}
            for r in records]


def offset_time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    assert value.tzinfo is not None and ("+" in text[10:] or text.endswith("Z")), text
    return value


@pytest.fixture
async def city(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    async with residents_web(database_url, tmp_path) as rig:
        rig.key = await ApiKeys(SqlOpen311Store(rig.web.db)).add_key("city-app")  # type: ignore[attr-defined]
        yield rig


def request_form(rig: Residents, **changes: str) -> dict[str, str]:
    return {"api_key": rig.key, "jurisdiction_id": "if.gov.ua",  # type: ignore[attr-defined]
            "service_code": "water_low_pressure",
            "address_string": "вул. Незалежності, 12, кв. 5",
            "description": "Вода не доходить на п'ятий поверх", "first_name": "Іван",
            "last_name": "Петренко", "email": "ivan@example.org", **changes}


async def filed(client: httpx.AsyncClient, rig: Residents, **changes: str) -> str:
    answer = await client.post(f"{BASE}/requests.json", data=request_form(rig, **changes))
    assert answer.status_code == 200, answer.text
    return str(answer.json()[0]["service_request_id"])


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_services(city: Residents, fmt: str) -> None:
    async with city.web.client() as client:
        answer = await client.get(f"{BASE}/services.{fmt}", params={"jurisdiction_id": "x"})
    assert answer.status_code == 200
    spec_root, spec_item, spec_fields = spec_record(SPEC_SERVICES_XML)
    if fmt == "xml":
        root, records = xml_records(answer)
        assert root == spec_root and {r.tag for r in records} == {spec_item}
        rows = [{c.tag: c.text or "" for c in r} for r in records]
        assert all(names(r) == spec_fields for r in records)
        assert {r["metadata"] for r in rows} == {"true", "false"}
    else:
        rows = answer.json()
        assert all(list(r) == spec_fields for r in rows)
        assert {r["metadata"] for r in rows} == {True, False}
    codes = {r["service_code"] for r in rows}
    assert {"road_potholes", "water_low_pressure"} <= codes
    assert not codes & {"gas_smell", "elevator_stuck", "information_request"}
    assert {r["type"] for r in rows} == {"realtime"}


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_service_definitions(city: Residents, fmt: str) -> None:
    async with city.web.client() as client:
        house = await client.get(f"{BASE}/services/water_low_pressure.{fmt}")
        street = await client.get(f"{BASE}/services/road_potholes.{fmt}")
        unknown = await client.get(f"{BASE}/services/gas_smell.{fmt}")
    spec = ElementTree.fromstring(SPEC_DEFINITION_XML)
    spec_fields = [n for n in names(spec.find("attributes/attribute")) if n != "values"]
    if fmt == "xml":
        root = ElementTree.fromstring(house.content)
        assert root.tag == spec.tag and names(root) == names(spec)
        attribute = root.find("attributes/attribute")
        assert attribute is not None and names(attribute) == spec_fields
        assert attribute.findtext("code") == "flat" and attribute.findtext("datatype") == "string"
        assert list(ElementTree.fromstring(street.content).find("attributes") or []) == []
    else:
        assert list(house.json()) == names(spec)
        assert [list(a) for a in house.json()["attributes"]] == [spec_fields]
        assert street.json() == {"service_code": "road_potholes", "attributes": []}
    assert_errors(unknown, 404, fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_a_request_is_an_appeal_routed_at_once(city: Residents, fmt: str) -> None:
    async with city.web.client() as client:
        answer = await client.post(f"{BASE}/requests.{fmt}", data=request_form(city))
    assert answer.status_code == 200, answer.text
    spec_root, spec_item, spec_fields = spec_record(SPEC_POST_XML)
    if fmt == "xml":
        root, records = xml_records(answer)
        assert root == spec_root and [r.tag for r in records] == [spec_item]
        assert in_spec_order(names(records[0]), spec_fields)
        number = records[0].findtext("service_request_id") or ""
    else:
        assert in_spec_order(list(answer.json()[0]), spec_fields)
        number = answer.json()[0]["service_request_id"]
    appeal = await city.appeal(number)
    assert appeal.channel == "open311" and appeal.status == "assigned"
    assert (appeal.category, appeal.flat, appeal.house) == ("water_low_pressure", "5", "12")
    assert appeal.contact_name == "Іван Петренко"
    assert appeal.contact_email == "ivan@example.org"
    async with city.web.db.reading() as session:
        actors = set((await session.scalars(select(AppealHistory.actor).where(
            AppealHistory.appeal_id == appeal.id))).all())
    assert "open311:city-app" in actors


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_requests_read_back_with_the_spec_fields(city: Residents, fmt: str) -> None:
    async with city.web.client() as client:
        number = await filed(client, city)
        one = await client.get(f"{BASE}/requests/{number}.{fmt}")
        listed = await client.get(f"{BASE}/requests.{fmt}")
    spec_root, spec_item, spec_fields = spec_record(SPEC_REQUESTS_XML)
    if fmt == "xml":
        root, records = xml_records(one)
        assert root == spec_root and [r.tag for r in records] == [spec_item]
        row = {c.tag: c.text or "" for c in records[0]}
        assert in_spec_order(names(records[0]), spec_fields)
        assert [r.findtext("service_request_id") for r in xml_records(listed)[1]] == [number]
    else:
        row = one.json()[0]
        assert in_spec_order(list(row), spec_fields)
        assert [r["service_request_id"] for r in listed.json()] == [number]
    assert set(REQUIRED) <= set(row)
    assert row["service_request_id"] == number and row["status"] == "open"
    assert row["service_code"] == "water_low_pressure"
    assert row["service_name"] == "Низький тиск холодної води"
    assert row["agency_responsible"]  # the contractor it was routed to
    assert offset_time(row["requested_datetime"]) <= offset_time(row["updated_datetime"])
    offset_time(row["expected_datetime"])  # the deadline
    assert "ivan@example.org" not in one.text and "Петренко" not in one.text


async def test_statuses_map_to_open_and_closed_with_the_public_answer(city: Residents) -> None:
    async with city.web.client() as client:
        open_one = await filed(client, city)
        closed_one = await filed(client, city)
        async with city.web.db.transaction() as session:
            await session.execute(update(Appeal).where(Appeal.number == closed_one).values(
                status="closed", answer="Тиск відновлено, насос замінено."))
        closed = await client.get(f"{BASE}/requests.json", params={"status": "closed"})
        opened = await client.get(f"{BASE}/requests.json", params={"status": "open"})
        both = await client.get(f"{BASE}/requests.json", params={"status": "open,closed"})
        wrong = await client.get(f"{BASE}/requests.json", params={"status": "done"})
    assert [(r["service_request_id"], r["status"], r["status_notes"]) for r in closed.json()] \
        == [(closed_one, "closed", "Тиск відновлено, насос замінено.")]
    assert [r["service_request_id"] for r in opened.json()] == [open_one]
    assert len(both.json()) == 2
    assert_errors(wrong, 400, "json")


async def test_filters_window_and_ids(city: Residents) -> None:
    async with city.web.client() as client:
        recent = await filed(client, city)
        old = await filed(client, city, service_code="road_potholes",
                          address_string="вул. Незалежності")
        async with city.web.db.transaction() as session:
            await session.execute(update(Appeal).where(Appeal.number == old).values(
                opened_at=datetime.now(UTC) - timedelta(days=120)))
        default = await client.get(f"{BASE}/requests.json")
        by_id = await client.get(f"{BASE}/requests.json",
                                 params={"service_request_id": f"{old},{recent}"})
        by_code = await client.get(f"{BASE}/requests.json",
                                   params={"service_code": "water_low_pressure"})
        start = (datetime.now(UTC) - timedelta(days=130)).isoformat()
        end = (datetime.now(UTC) - timedelta(days=100)).isoformat()
        window = await client.get(f"{BASE}/requests.json",
                                  params={"start_date": start, "end_date": end})
        too_wide = await client.get(f"{BASE}/requests.xml", params={
            "start_date": "2026-01-01T00:00:00+02:00", "end_date": "2026-06-01T00:00:00+02:00"})
        bad_date = await client.get(f"{BASE}/requests.json", params={"start_date": "вчора"})
        backwards = await client.get(f"{BASE}/requests.xml", params={
            "start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"})
    assert [r["service_request_id"] for r in default.json()] == [recent]  # the last 90 days
    assert {r["service_request_id"] for r in by_id.json()} == {old, recent}
    assert [r["service_request_id"] for r in by_code.json()] == [recent]
    assert [r["service_request_id"] for r in window.json()] == [old]
    assert "90 days" in assert_errors(too_wide, 400, "xml")[0]["description"]
    assert "start_date" in assert_errors(bad_date, 400, "json")[0]["description"]
    assert_errors(backwards, 400, "xml")


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_tokens_and_unknown_requests(city: Residents, fmt: str) -> None:
    async with city.web.client() as client:
        number = await filed(client, city)
        token = await client.get(f"{BASE}/tokens/{number}.{fmt}")
        unknown_token = await client.get(f"{BASE}/tokens/2026-999999.{fmt}")
        unknown = await client.get(f"{BASE}/requests/2026-999999.{fmt}")
    spec_root, spec_item, spec_fields = spec_record(SPEC_TOKEN_XML)
    if fmt == "xml":
        root, records = xml_records(token)
        assert root == spec_root and [r.tag for r in records] == [spec_item]
        assert names(records[0]) == spec_fields
        assert records[0].findtext("service_request_id") == number
    else:
        assert token.json() == [{"service_request_id": number, "token": number}]
    assert_errors(unknown_token, 404, fmt)
    assert_errors(unknown, 404, fmt)


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_keys_are_required_and_revocable(city: Residents, fmt: str) -> None:
    keys = ApiKeys(SqlOpen311Store(city.web.db))
    other = await keys.add_key("other-app")
    async with city.web.client() as client:
        missing = await client.post(f"{BASE}/requests.{fmt}",
                                    data={**request_form(city), "api_key": ""})
        wrong = await client.post(f"{BASE}/requests.{fmt}",
                                  data=request_form(city, api_key="nope"))
        works = await client.post(f"{BASE}/requests.{fmt}", data=request_form(city,
                                                                              api_key=other))
        await keys.revoke_key("other-app")
        revoked = await client.post(f"{BASE}/requests.{fmt}",
                                    data=request_form(city, api_key=other))
    for refused in (missing, wrong, revoked):
        assert "api_key" in assert_errors(refused, 403, fmt)[0]["description"]
    assert works.status_code == 200
    assert len(await city.appeals()) == 1


@pytest.mark.parametrize("fmt", ["xml", "json"])
async def test_bad_input_is_a_4xx_in_the_format_and_stores_nothing(city: Residents,
                                                                    fmt: str) -> None:
    url = f"{BASE}/requests.{fmt}"
    async with city.web.client() as client:
        answers = {
            "unknown service": await client.post(url, data=request_form(city,
                                                                        service_code="nope")),
            "emergency": await client.post(url, data=request_form(city,
                                                                  service_code="gas_smell")),
            "no address": await client.post(url, data=request_form(city, address_string="",
                                                                   lat="48.92", long="24.71")),
            "bad house": await client.post(url, data=request_form(
                city, address_string="вул. Незалежності, ???")),
            "bad email": await client.post(url, data=request_form(city, email="ivan@")),
            "oversized": await client.post(url, data=request_form(city,
                                                                  description="я" * 5000)),
            "json body": await client.post(url, json=request_form(city)),
            "control": await client.post(url, data=request_form(city, description="a\x00b")),
            "huge": await client.post(url, data=request_form(city, description="я" * 600_000)),
            "broken multipart": await client.post(url, content=BROKEN, headers={
                "content-type": "multipart/form-data; boundary=b"}),
            "no boundary": await client.post(url, content=BROKEN, headers={
                "content-type": "multipart/form-data"}),
        }
        bad_format = await client.get(f"{BASE}/services.yaml")
        nowhere = await client.get(f"/open311/v2/nothing.{fmt}")
    expected = {"unknown service": 400, "emergency": 400, "no address": 400, "bad house": 400,
                "bad email": 400, "oversized": 400, "json body": 415, "control": 422,
                "huge": 413, "broken multipart": 400, "no boundary": 400}
    assert {w: a.status_code for w, a in answers.items()} == expected
    for what, status in expected.items():
        assert_errors(answers[what], status, fmt)
    assert "email" in assert_errors(answers["bad email"], 400, fmt)[0]["description"]
    assert_errors(bad_format, 422, "xml")
    assert_errors(nowhere, 404, fmt)
    assert await city.appeals() == []


async def test_photos_appear_as_media_url(city: Residents) -> None:
    async with city.web.client() as client:
        page = await city.submit(client, files=[("photos", ("yama.jpg", JPEG, "image/jpeg"))])
        number = page.text.split('id="appeal-number">')[1].split("<")[0]
        found = (await client.get(f"{BASE}/requests/{number}.json")).json()[0]
        photo = await client.get(found["media_url"].removeprefix("http://callcenter.test"))
    assert found["media_url"].startswith("http://callcenter.test/open311/v2/media/")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
    assert photo.content == JPEG


async def test_keys_from_the_command_line(database_url: str, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    base = ["--database", database_url, "open311", "keys"]
    assert await _cli([*base, "add", "city-app"]) == 0
    key = capsys.readouterr().out.strip()
    assert len(key) >= 30
    assert await _cli([*base, "add", "city-app"]) == 1  # the name is taken
    capsys.readouterr()
    assert await _cli([*base, "revoke", "city-app"]) == 0
    assert await _cli([*base, "list"]) == 0
    listing = capsys.readouterr().out
    assert "city-app" in listing and "revoked" in listing and key not in listing
    assert await _cli([*base, "revoke", "city-app"]) == 1


async def _cli(argv: list[str]) -> int:
    import asyncio

    return await asyncio.to_thread(cli, argv)
