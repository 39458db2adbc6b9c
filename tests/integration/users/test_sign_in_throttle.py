"""Sign-in through the real app: a guesser is slowed with growing delays, per address and per
name (known or not, alike), told the true Retry-After; nobody is locked out, and the operator
at her own desk gets in while her name is being guessed elsewhere (issue 12)."""

from __future__ import annotations

import httpx

from tests.web_rig import BASE, PASSWORD, WebRig

GUESSER, DESK = "10.0.0.66", "10.0.0.5"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def client_at(web: WebRig, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=web.app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url=BASE)


async def sign_in(web: WebRig, address: str, name: str,
                  password: str = PASSWORD) -> httpx.Response:
    async with client_at(web, address) as client:
        return await client.post("/api/auth/token",
                                 json={"username": name, "password": password})


async def test_the_operator_gets_in_from_her_desk_while_her_name_is_guessed(
        web: WebRig) -> None:
    await web.user("olena", "operator")
    statuses = [(await sign_in(web, GUESSER, "olena", "guess")).status_code for _ in range(6)]
    assert statuses[:4] == [401] * 4 and statuses[4:] == [429, 429]
    assert (await sign_in(web, GUESSER, "olena")).status_code == 429
    assert (await sign_in(web, DESK, "olena")).status_code == 200


async def test_retry_after_is_the_true_wait_and_then_it_lets_the_client_try(
        web: WebRig) -> None:
    await web.user("olena", "operator")
    clock = web.auth.throttle.clock = Clock()
    for _ in range(4):
        await sign_in(web, GUESSER, "olena", "guess")
    clock.now += 1.0  # the fourth failure's 1 s is over
    assert (await sign_in(web, GUESSER, "olena", "guess")).status_code == 401
    clock.now += 0.5  # the fifth: 2 s, of which 1.5 s are left
    slowed = await sign_in(web, GUESSER, "olena")
    assert slowed.status_code == 429 and slowed.headers["Retry-After"] == "2"
    clock.now += 1.5
    assert (await sign_in(web, GUESSER, "olena")).status_code == 200


async def test_an_unknown_name_is_throttled_like_a_known_one(web: WebRig) -> None:
    await web.user("olena", "operator")
    known = [await sign_in(web, GUESSER, "olena", "guess") for _ in range(5)]
    unknown = [await sign_in(web, "10.0.0.67", "nobody", "guess") for _ in range(5)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown]
    assert known[-1].json() == unknown[-1].json()
    assert known[-1].headers["Retry-After"] == unknown[-1].headers["Retry-After"]


async def test_the_sign_in_page_says_when_to_try_again(web: WebRig) -> None:
    await web.user("olena", "operator")
    for _ in range(4):
        await sign_in(web, "127.0.0.1", "olena", "guess")
    async with web.client() as client:
        page = await client.get("/login")
        token = page.text.split('name="login_csrf" value="')[1].split('"')[0]
        response = await client.post("/login", data={
            "username": "olena", "password": PASSWORD, "login_csrf": token})
    assert response.status_code == 429 and response.headers["Retry-After"] == "1"
    assert "Забагато невдалих спроб входу" in response.text
