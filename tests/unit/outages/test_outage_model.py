"""The outage model: places by the street list (a renamed street), house ranges at their
edges, overlapping outages, the index against a plain scan, statuses moved by time, local
times across midnight and the daylight-saving changes, and the texts."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from callcenter.outages.model.places import (
    OutageIndex,
    address_of,
    find_by_scan,
    parse_places,
    street_place,
)
from callcenter.outages.model.records import (
    InvalidOutage,
    Kind,
    Outage,
    OutageMoveRefused,
    Place,
    Status,
    Utility,
    check_move,
)
from callcenter.outages.model.sheet import parse_local, parse_sheet
from callcenter.outages.model.texts import addresses, day_post, digest_text, outage_post
from callcenter.reference.model.addresses import parse_house
from callcenter.reference.model.street_search import StreetIndex
from callcenter.reference.model.streets import Street

KYIV = ZoneInfo("Europe/Kyiv")
STREETS = StreetIndex([Street("Незалежності", former=("Радянська",)), Street("Шевченка"),
                       Street("Галицька"), Street("24 Серпня")])
DISTRICTS = {"Центр": (Street("Незалежності"), Street("Галицька"))}
NOW = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
DAY = 3600.0 * 24


def outage(outage_id: int, places: tuple[Place, ...], *, start: timedelta = timedelta(hours=-1),
           hours: float = 8, status: Status = Status.ACTIVE, kind: Kind = Kind.EMERGENCY,
           utility: Utility = Utility.WATER) -> Outage:
    starts = NOW + start
    return Outage(outage_id, utility, kind, status, places, starts,
                  starts + timedelta(hours=hours), None, "Підвіз води о 12:00", "бригада 2",
                  "vodokanal", NOW, NOW)


def place(spec: str, street: str = "Незалежності") -> Place:
    return street_place(street, spec, STREETS)


def test_a_former_street_name_finds_today_s_street() -> None:
    assert place("1-9", "вул. Радянська") == place("1-9")
    assert address_of("Радянська 12", STREETS) == address_of("вул. Незалежності, 12", STREETS)


@pytest.mark.parametrize(("house", "covered"), [
    ("1", True), ("15", True), ("15А", True), ("15/2", True), ("17", False), ("2", False),
    ("20", True), ("20А", False), ("0", None)])
def test_house_ranges_at_their_edges(house: str, covered: bool | None) -> None:
    index = OutageIndex([outage(1, (place("1-15 непарні, 20"),))])
    if covered is None:
        assert address_of("Незалежності 0", STREETS) is None
        return
    found = index.find(place("").street_key, parse_house(house), NOW, DAY)
    assert bool(found) is covered


def test_a_whole_street_a_district_and_bad_places() -> None:
    places = parse_places("Шевченка\nмікрорайон Центр\n\nвул. Радянська: 2-40 парні",
                          STREETS, DISTRICTS)
    assert [(p.street, p.houses, p.district) for p in places] == [
        ("вул. Шевченка", "", None), ("вул. Незалежності", "", "Центр"),
        ("вул. Галицька", "", "Центр"), ("вул. Незалежності", "2-40 парні", None)]
    with pytest.raises(InvalidOutage) as caught:
        parse_places("Марсіанська: 1\nШевченка: 9-3\nмікрорайон Місяць", STREETS, DISTRICTS)
    assert sorted(caught.value.problems) == ["places.1", "places.2", "places.3"]


def test_overlapping_outages_each_once_current_first() -> None:
    both = place("1-99")
    outages = [outage(1, (both, place("10"))), outage(2, (both,), start=timedelta(hours=3),
                                                     status=Status.PLANNED, kind=Kind.PLANNED),
               outage(3, (both,), start=timedelta(hours=27), status=Status.PLANNED),
               outage(4, (both,), status=Status.RESOLVED)]
    found = OutageIndex(outages).find(both.street_key, parse_house("10"), NOW, DAY)
    assert [(h.outage.id, h.when) for h in found] == [(1, "now"), (2, "soon")]
    later = OutageIndex(outages).find(both.street_key, None, NOW + timedelta(hours=4), DAY)
    assert [(h.outage.id, h.when) for h in later] == [(1, "now"), (2, "now"), (3, "soon")]


def test_the_index_answers_as_a_plain_scan() -> None:
    pick = random.Random(17)
    streets = [place("", s).street_key for s in ("Незалежності", "Шевченка", "Галицька")]
    specs = ["1-15 odd", "2-40 even", "12А", "", "5-9, 30", "1-200"]
    outages = [Outage(i, Utility.WATER, Kind.PLANNED, pick.choice(list(Status)),
                      (Place(pick.choice(streets), "x", pick.choice(specs)),),
                      NOW + timedelta(hours=pick.randint(-20, 40)), None, None, "", "", None,
                      NOW, NOW) for i in range(300)]
    index = OutageIndex(outages)
    for _ in range(300):
        street, house = pick.choice(streets), parse_house(str(pick.randint(1, 60)))
        assert index.find(street, house, NOW, DAY) == find_by_scan(outages, street, house,
                                                                  NOW, DAY)


def test_time_moves_planned_to_active_and_people_the_rest() -> None:
    planned = outage(1, (place(""),), start=timedelta(minutes=5), status=Status.PLANNED)
    assert planned.status_at(NOW) == Status.PLANNED
    assert planned.status_at(NOW + timedelta(minutes=5)) == Status.ACTIVE
    check_move(1, Status.ACTIVE, Status.RESOLVED)
    check_move(1, Status.PLANNED, Status.CANCELLED)
    for current, wanted in [(Status.RESOLVED, Status.ACTIVE), (Status.PLANNED, Status.RESOLVED),
                            (Status.CANCELLED, Status.PLANNED)]:
        with pytest.raises(OutageMoveRefused):
            check_move(1, current, wanted)


def test_local_times_across_the_daylight_saving_changes() -> None:
    spring = parse_local("2026-03-29 04:00", "Europe/Kyiv", required=True)
    before = parse_local("2026-03-29 02:59", "Europe/Kyiv", required=True)
    assert spring is not None and before is not None
    # 03:00-04:00 does not exist that night
    assert spring.astimezone(UTC) - before.astimezone(UTC) == timedelta(minutes=1)
    for missing_or_twice in ("2026-03-29 03:30", "2026-10-25 03:30"):
        with pytest.raises(InvalidOutage):
            parse_local(missing_or_twice, "Europe/Kyiv", required=True)
    autumn = parse_local("2026-10-25 05:00", "Europe/Kyiv", required=True)
    assert autumn is not None and autumn.utcoffset() == timedelta(hours=2)


def test_an_outage_across_midnight_is_in_both_days_posts() -> None:
    start = datetime(2026, 12, 7, 22, 0, tzinfo=KYIV).astimezone(UTC)
    night = Outage(5, Utility.HEATING, Kind.PLANNED, Status.PLANNED, (place("1-9"),), start,
                   start + timedelta(hours=6), None, "", "", None, NOW, NOW)
    assert "07.12 о 22:00, орієнтовно до 08.12 о 04:00" in day_post([night], date(2026, 12, 7),
                                                                  "Europe/Kyiv")
    assert "Планове відключення теплопостачання" in day_post([night], date(2026, 12, 8),
                                                             "Europe/Kyiv")
    assert "немає" in day_post([night], date(2026, 12, 9), "Europe/Kyiv")


def test_an_outage_over_the_spring_change_shows_kyiv_times() -> None:
    start = datetime(2026, 3, 29, 1, 0, tzinfo=KYIV).astimezone(UTC)
    one = Outage(6, Utility.POWER, Kind.PLANNED, Status.PLANNED, (place(""),), start,
                 start + timedelta(hours=4), None, "", "", None, NOW, NOW)
    assert "з 29.03 о 01:00, орієнтовно до 29.03 о 06:00" in outage_post(one, "Europe/Kyiv")


def test_posts_group_addresses_by_street() -> None:
    one = outage(7, (place("1-15 odd"), place("20"), place("", "Шевченка")))
    assert addresses(one.places) == ["вул. Незалежності: 1-15 непарні, 20",
                                     "вул. Шевченка (уся вулиця)"]
    post = outage_post(one, "Europe/Kyiv")
    assert post.startswith("⚠️ Аварійне відключення водопостачання")
    assert "бригада 2" not in post and "Підвіз води о 12:00" in post
    digest = digest_text([one], date(2026, 12, 7), "Europe/Kyiv")
    assert "Аварійні: 1" in digest and "Планові: 0" in digest and "бригада 2" in digest


def test_sheet_rows_are_checked_one_by_one() -> None:
    rows = [["utility", "kind", "street", "houses", "start", "expected end", "note"],
            ["water", "planned", "Радянська", "1-9", "07.12.2026 09:00", "07.12.2026 18:00", ""],
            ["", "", "", "", "", "", ""],
            ["water", "бозна", "Шевченка", "", "2026-12-07 09:00", "", ""]]
    result = parse_sheet(rows, STREETS, tz="Europe/Kyiv", contractor="vodokanal")
    assert [(p.row, p.column) for p in result.problems] == [(4, "kind")]
    assert result.drafts[0].places[0].street == "вул. Незалежності"
    assert result.drafts[0].contractor == "vodokanal"
