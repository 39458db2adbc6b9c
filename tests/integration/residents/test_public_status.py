"""The public status through the real app on both databases: the right pair sees what a
resident may see and nothing more; any wrong pair is the same "not found"; scripted guessers
are stopped while the resident with the right pair gets through."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import update

from callcenter.appeals.tables import Appeal
from tests.integration.contractor_rig import PNG
from tests.integration.residents_rig import Residents, residents
from tests.web_rig import PASSWORD

API = "/api/public/status"


@pytest.fixture
async def city(database_url: str, tmp_path: Path) -> AsyncIterator[Residents]:
    async with residents(database_url, tmp_path) as made:
        yield made


async def done_by_contractor(city: Residents, number: str) -> None:
    await city.web.user("uk-master", "contractor", contractor="uk")
    signed = await city.web.auth.sign_in(username="uk-master", password=PASSWORD,
                                         kind="bearer")
    async with city.web.client(signed.token) as client:
        done = await client.post(f"/api/contractor/appeals/{number}/done",
                                 data={"answer": "Дах залатано 5 березня.",
                                       "internal_note": "бригадир Петренко, тел. 0501112233"},
                                 files=[("photos", ("roof.png", PNG, "image/png"))])
    assert done.status_code == 200, done.text


async def test_the_right_pair_sees_the_status_and_nothing_private(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    await done_by_contractor(city, number)
    async with city.public() as client:
        found = await client.post(API, json={"number": number, "key": "4567"})
        english = await client.post(API + "?lang=en", json={"number": number, "key": "4567"})
    assert found.status_code == 200, found.text
    view = found.json()
    assert (view["number"], view["status"], view["status_text"]) == (number, "done", "Виконано")
    assert english.json()["status_text"] == "Done"
    assert view["category_name"] == "Протікання даху"
    assert view["address"] == "вулиця Галицька, 3"  # never the flat
    assert view["contractor"] == "УК «Центр»"
    assert view["answer"] == "Дах залатано 5 березня."
    assert view["deadline"] and view["opened_at"].endswith(("+02:00", "+03:00"))
    text = found.text
    for private in ("кв.", "Петренко", "0501112233", "671234567", "olena", "765 43 21",
                    "Тече дах"):
        assert private not in text.replace(number, ""), private


async def test_any_wrong_pair_is_the_same_not_found(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    withheld = await city.call_and_save(None, trunk="landline")
    async with city.public() as client:
        answers = [await client.post(API, json=body) for body in (
            {"number": number, "key": "4568"},
            {"number": "2026-999999", "key": "4567"},
            {"number": number, "key": "nobody@example.org"},
            {"number": withheld, "key": "0000"},
            {"number": number, "key": "34567"},
        )]
    assert {a.status_code for a in answers} == {404}
    assert len({a.text for a in answers}) == 1
    assert answers[0].json()["error_id"] == "status_not_found"


async def test_the_contact_e_mail_or_contact_phone_pairs_too(city: Residents) -> None:
    number = await city.call_and_save(None, trunk="landline")
    async with city.web.db.transaction() as session:
        await session.execute(update(Appeal).where(Appeal.number == number).values(
            contact_email="olena@example.org", contact_phone="+380501119988"))
    async with city.public() as client:
        by_mail = await client.post(API, json={"number": number, "key": "Olena@Example.org"})
        by_phone = await client.post(API, json={"number": number, "key": "9988"})
    assert by_mail.status_code == by_phone.status_code == 200


async def test_a_scripted_guesser_at_one_address_is_stopped(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    tried, stopped = 0, None
    async with city.public("198.51.100.66") as guesser:
        for digits in range(10000):
            answer = await guesser.post(API, json={"number": number, "key": f"{digits:04d}"})
            if answer.status_code == 429:
                stopped = answer
                break
            assert answer.status_code == 404  # 4567 is never reached
            tried += 1
    assert stopped is not None and tried <= 11  # the number's delay binds it even sooner
    assert stopped.json()["error_id"] == "too_many_tries"
    assert int(stopped.headers["Retry-After"]) >= 1
    async with city.public("198.51.100.66") as guesser:  # the right pair waits too, here
        assert (await guesser.post(API, json={"number": number, "key": "4567"})
                ).status_code == 429
    async with city.public("203.0.113.7") as resident:  # never locked out elsewhere
        assert (await resident.post(API, json={"number": number, "key": "4567"})
                ).status_code == 200


async def test_a_guesser_spraying_numbers_is_stopped_by_its_address(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    answers = []
    async with city.public("198.51.100.77") as guesser:
        for other in range(30):
            answer = await guesser.post(API, json={"number": f"2026-{other + 500:06d}",
                                                   "key": "4567"})
            answers.append(answer.status_code)
            if answer.status_code == 429:
                break
        right = await guesser.post(API, json={"number": number, "key": "4567"})
    assert answers == [404] * 11 + [429]  # ten free failures, the eleventh makes it wait
    assert right.status_code == 429 and int(right.headers["Retry-After"]) == 60


async def test_a_guesser_spread_over_many_addresses_is_slowed_at_the_number(
        city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    tries: list[int] = []
    for host in range(1, 41):
        async with city.public(f"10.0.0.{host}") as guesser:
            for digits in range(100):
                key = f"{(host * 100 + digits) % 10000:04d}"
                if key == "4567":
                    continue
                answer = await guesser.post(API, json={"number": number, "key": key})
                if answer.status_code == 429:
                    break
                assert answer.status_code == 404
            tries.append(digits)
    # Each address has its own few tries at the number (the first one more: the number's
    # delay is only growing then), then must wait out the number's doubling delay.
    assert tries[0] <= 6 and max(tries[1:]) <= 5
    async with city.public("192.0.2.10") as resident:
        assert (await resident.post(API, json={"number": number, "key": "4567"})
                ).status_code == 200


async def test_bad_input_is_a_clear_4xx(city: Residents) -> None:
    async with city.public() as client:
        answers = [await client.post(API, json=body) for body in (
            {"number": "2026-1", "key": "4567"},
            {"number": "2026-000001"},
            {"number": "2026-000001", "key": "x" * 300},
            {"number": "2026-000001", "key": "4567", "extra": 1},
            [1, 2],
        )]
        wrong_type = await client.post(API, content=b"number=1", headers={
            "content-type": "application/x-www-form-urlencoded"})
    assert [a.status_code for a in answers] == [422] * 5
    assert all(a.json()["error_id"] == "validation" for a in answers)
    assert wrong_type.status_code == 422


async def test_the_api_is_documented_with_its_errors(city: Residents) -> None:
    async with city.public() as client:
        schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"][API]["post"]
    assert {"200", "404", "422", "429"} <= set(operation["responses"])
    assert operation["responses"]["429"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorEnvelope"}


async def test_the_channel_is_in_the_operators_api(city: Residents) -> None:
    number = await city.call_and_save("+380671234567")
    token = await city.web.token("olena", "operator", seat="PJSIP/op1001")
    async with city.web.client(token) as client:
        one = (await client.get(f"/api/appeals/{number}")).json()
        found = (await client.get("/api/appeals", params={"q": number})).json()
    assert one["channel"] == "phone"
    assert [(i["number"], i["channel"]) for i in found["items"]] == [(number, "phone")]
