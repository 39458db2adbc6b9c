"""Signing in and out through the real app on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import re

import httpx

from callcenter.users.access import SESSION_COOKIE
from tests.web_rig import PASSWORD, WebRig


async def token_for(client: httpx.AsyncClient, name: str, password: str = PASSWORD,
                    **extra: str) -> httpx.Response:
    return await client.post("/api/auth/token",
                             json={"username": name, "password": password, **extra})


async def test_a_token_signs_in_and_a_revoked_token_is_refused(web: WebRig) -> None:
    await web.user("olena", "operator", seat="PJSIP/op1001")
    async with web.client() as client:
        issued = await token_for(client, "olena")
        assert issued.status_code == 200
        token = issued.json()["token"]
        me = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json() == {"username": "olena", "display_name": "olena", "role": "operator",
                             "seat": "PJSIP/op1001", "contractor": None}
        out = await client.post("/api/auth/logout",
                                headers={"Authorization": f"Bearer {token}"})
        assert out.status_code == 204
        again = await client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 401
    assert again.json()["error_id"] == "not_signed_in"


async def test_an_operator_may_pick_another_seat_at_sign_in(web: WebRig) -> None:
    await web.user("olena", "operator", seat="PJSIP/op1001")
    async with web.client() as client:
        issued = await token_for(client, "olena", seat="PJSIP/op1007")
    assert issued.json()["user"]["seat"] == "PJSIP/op1007"


async def test_a_wrong_password_and_an_unknown_user_look_the_same(web: WebRig) -> None:
    await web.user("olena", "operator")
    async with web.client() as client:
        wrong = await token_for(client, "olena", "not the password")
        unknown = await token_for(client, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error_id"] == "sign_in_failed"
    assert wrong.json()["message"] == "Неправильне ім’я користувача або пароль."


async def test_repeated_failures_slow_this_client_down(web: WebRig) -> None:
    await web.user("olena", "operator")
    async with web.client() as client:
        for _ in range(web.config.http.login_free_failures + 1):
            assert (await token_for(client, "olena", "guess")).status_code == 401
        slowed = await token_for(client, "olena")  # even the right password, from here
    assert slowed.status_code == 429
    assert slowed.json()["error_id"] == "sign_in_throttled"
    assert slowed.headers["Retry-After"] == "1"  # the first delay: 1 s


async def test_a_disabled_user_cannot_sign_in_and_loses_sessions(web: WebRig) -> None:
    token = await web.token("olena", "operator")
    await web.auth.set_active("olena", False)
    async with web.client(token) as client:
        assert (await client.get("/api/me")).status_code == 401
        assert (await token_for(client, "olena")).status_code == 401


async def test_an_expired_session_is_refused(web: WebRig) -> None:
    web.auth.policy = type(web.auth.policy)(session_hours=-1.0)
    token = await web.token("olena", "operator")
    async with web.client(token) as client:
        response = await client.get("/api/me")
    assert response.json()["error_id"] == "not_signed_in"


async def test_validation_errors_name_the_field_in_ukrainian(web: WebRig) -> None:
    async with web.client() as client:
        response = await client.post("/api/auth/token", json={"username": "olena"})
        english = await client.post("/api/auth/token?lang=en", json={"username": "olena"})
    assert response.status_code == 422
    assert response.json()["error_id"] == "validation"
    assert response.json()["details"] == [{"field": "password", "code": "missing",
                                           "problem": "Це поле обов’язкове."}]
    assert english.json()["details"][0]["problem"] == "This field is required."


# -- pages: cookie + CSRF -----------------------------------------------------------------


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no {name} in the page"
    return match.group(1)


async def sign_in_by_form(client: httpx.AsyncClient, name: str,
                          password: str = PASSWORD, next_url: str = "/") -> httpx.Response:
    page = await client.get("/login", params={"next": next_url})
    form = {"username": name, "password": password, "next": next_url,
            "login_csrf": hidden(page.text, "login_csrf")}
    return await client.post("/login", data=form)


async def test_the_sign_in_page_is_ukrainian_and_sets_a_cookie(web: WebRig) -> None:
    await web.user("olena", "operator", seat="PJSIP/op1001")
    async with web.client() as client:
        page = await client.get("/login")
        assert "Увійти" in page.text and 'lang="uk"' in page.text
        response = await sign_in_by_form(client, "olena")
        assert response.status_code == 303
        assert response.headers["location"] == "/operator"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert (await client.get("/api/me")).json()["username"] == "olena"


async def test_a_wrong_password_keeps_the_form(web: WebRig) -> None:
    await web.user("olena", "operator")
    async with web.client() as client:
        response = await sign_in_by_form(client, "olena", "guess")
    assert response.status_code == 401
    assert "Неправильне ім’я користувача або пароль." in response.text
    assert 'value="olena"' in response.text


async def test_the_sign_in_form_needs_its_csrf_cookie(web: WebRig) -> None:
    await web.user("olena", "operator")
    async with web.client() as client:
        page = await client.get("/login")
        client.cookies.clear()
        response = await client.post("/login", data={
            "username": "olena", "password": PASSWORD,
            "login_csrf": hidden(page.text, "login_csrf")})
    assert response.status_code == 403
    assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_a_cookie_post_without_the_csrf_token_is_refused(web: WebRig) -> None:
    await web.user("olena", "operator")
    async with web.client() as client:
        await sign_in_by_form(client, "olena")
        refused = await client.post("/api/auth/logout")
        assert refused.status_code == 403
        assert refused.json()["error_id"] == "csrf_failed"
        page = await client.get("/login")  # any page of ours carries the token when signed in
        me = (await client.get("/api/me")).json()
        assert me["username"] == "olena"
        token = await web.auth.principal(client.cookies[SESSION_COOKIE])
        ok = await client.post("/logout", data={"csrf_token": token.csrf_token})
        assert ok.status_code == 303 and page.status_code == 200
        assert (await client.get("/api/me")).status_code == 401


async def test_next_never_leaves_the_site(web: WebRig) -> None:
    await web.user("olena", "operator")
    async with web.client() as client:
        response = await sign_in_by_form(client, "olena", next_url="//evil.example/x")
    assert response.headers["location"] == "/operator"


async def test_a_page_without_a_session_goes_to_sign_in(web: WebRig) -> None:
    async with web.client() as client:
        response = await client.get("/", headers={"Accept": "text/html"})
        api = await client.get("/api/me", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=/"
    assert api.status_code == 401


async def test_english_is_remembered(web: WebRig) -> None:
    async with web.client() as client:
        first = await client.get("/login?lang=en")
        second = await client.get("/login")
    assert "Sign in" in first.text and 'lang="en"' in second.text


async def test_health_and_readiness(web: WebRig) -> None:
    async with web.client() as client:
        health = await client.get("/healthz")
        ready = await client.get("/readyz")
        metrics = await client.get("/metrics")
    assert health.json() == {"status": "ok"}
    assert ready.json() == {"status": "ready", "checks": {"database": True, "loops": True}}
    assert "callcenter_pops_sent" in metrics.text


async def test_unknown_paths_are_json_errors(web: WebRig) -> None:
    async with web.client() as client:
        response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json()["error_id"] == "not_found"
