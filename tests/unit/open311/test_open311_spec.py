"""Open311's pure rules: the status mapping, the filters and their window, the times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.appeals.model.statuses import Status
from callcenter.open311.model.formats import render_errors, render_list
from callcenter.open311.model.spec import (
    LIMIT,
    WINDOW,
    Open311Error,
    RequestRecord,
    iso,
    key_hash,
    new_key,
    request_fields,
    request_query,
    status_of,
)
from callcenter.open311.service import split_address

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
CLOSED = {"consultation", "rejected", "closed", "duplicate"}


def test_every_status_maps_to_open_or_closed() -> None:
    assert {s.value for s in Status if status_of(s.value) == "closed"} == CLOSED
    assert {status_of(s.value) for s in Status if s.value not in CLOSED} == {"open"}


def query(**given: str):  # type: ignore[no-untyped-def]
    fields = {"ids": "", "service_code": "", "start_date": "", "end_date": "", "status": ""}
    return request_query(**{**fields, **given}, now=NOW, zone="Europe/Kyiv")


def test_the_default_window_is_the_last_90_days_and_1000_requests() -> None:
    found = query()
    assert found.start == NOW - WINDOW and found.end is None and found.limit == LIMIT == 1000


def test_ids_override_every_other_filter() -> None:
    found = query(ids="2026-000001, 2026-000002", status="closed", start_date="nonsense")
    assert found.ids == ("2026-000001", "2026-000002") and found.statuses is None


def test_dates_with_or_without_an_offset() -> None:
    found = query(start_date="2026-12-01T08:00:00+02:00", end_date="2026-12-02")
    assert found.start == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    assert found.end is not None and found.end.utcoffset() == timedelta(hours=2)  # Kyiv
    assert query(start_date="2026-12-01T06:00:00Z").start == datetime(2026, 12, 1, 6, tzinfo=UTC)


@pytest.mark.parametrize("given", [
    {"start_date": "yesterday"}, {"end_date": "2026-13-01"}, {"start_date": "0001-01-01"},
    {"start_date": "2026-01-01", "end_date": "2026-05-01"},  # more than 90 days
    {"start_date": "2026-05-01", "end_date": "2026-04-01"},  # backwards
    {"status": "done"}, {"ids": ",".join(["2026-000001"] * 101)},
])
def test_bad_filters_are_400(given: dict[str, str]) -> None:
    with pytest.raises(Open311Error) as refused:
        query(**given)
    assert refused.value.http_status == 400


def test_a_request_shows_no_contact_and_times_with_offsets() -> None:
    record = RequestRecord(number="2026-000007", status="done", answer="Яму засипано",
                           category="road_potholes", description="Яма", contractor="ДРЕУ",
                           opened_at=NOW, updated_at=NOW, deadline=None, address="вул. Січових "
                           "Стрільців, 5", photo_id=3)
    fields = request_fields(record, names={"road_potholes": "Ями"}, zone="Europe/Kyiv",
                            media_base="https://1580.example/open311/v2/media")
    assert fields["status"] == "open" and fields["status_notes"] == "Яму засипано"
    assert fields["requested_datetime"] == "2026-12-06T14:00:00+02:00"
    assert "expected_datetime" not in fields
    assert fields["media_url"] == "https://1580.example/open311/v2/media/2026-000007/3"
    assert iso(NOW, "UTC") == "2026-12-06T12:00:00+00:00"


def test_formats_render_the_same_records() -> None:
    xml = render_list("xml", "services", "service", [{"service_code": "a", "metadata": True}])
    assert xml.startswith(b"<?xml") and b"<metadata>true</metadata>" in xml
    assert render_list("json", "services", "service", [{"metadata": False}]) == \
        b'[{"metadata": false}]'
    assert render_errors("json", [(404, "нема")]).decode() == \
        '[{"code": 404, "description": "нема"}]'


def test_keys_are_random_and_stored_as_a_hash() -> None:
    key = new_key()
    assert key != new_key() and len(key) >= 30
    assert key_hash(key) == key_hash(key) and key not in key_hash(key) and len(key_hash(key)) == 64


def test_addresses_as_clients_write_them() -> None:
    assert split_address("вул. Незалежності, буд. 12А, кв. 5") == ("вул. Незалежності", "12А", "5")
    assert split_address("Галицька") == ("Галицька", "", "")
    assert split_address("") == ("", "", "")
