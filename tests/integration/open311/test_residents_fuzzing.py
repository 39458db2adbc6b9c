"""schemathesis over the residents' doors — the portal and Open311 — signed out: boundary
values and fuzzed cases of every parameter and form field find no server error, and every
answer is a status and a shape the OpenAPI document describes (Open311's error list in JSON,
the portal's pages). A valid API key is in play too, so filing itself is fuzzed, not only the
key check."""

from __future__ import annotations

import asyncio
from pathlib import Path

from callcenter.open311.service import ApiKeys
from callcenter.open311.store import SqlOpen311Store
from tests.integration.core.api_fuzzing import Findings, fuzz, operations_by_role
from tests.integration.portal_rig import residents_web
from tests.web_rig import serving

DOORS = ("/portal", "/open311/")


async def test_the_public_doors_make_no_server_error(database_url: str, tmp_path: Path) -> None:
    async with residents_web(database_url, tmp_path) as rig:
        key = await ApiKeys(SqlOpen311Store(rig.web.db)).add_key("fuzzer")
        operations = {(method, path) for method, path in operations_by_role(rig.web.app)[None]
                      if path.startswith(DOORS)}
        assert len(operations) == 10  # portal: 3, Open311: 7
        findings = Findings()
        async with serving(rig.web) as live:
            await asyncio.to_thread(fuzz, live.url, None, operations, findings)
            # the same with the key given as a query parameter FastAPI ignores: the form's
            # own `api_key` is fuzzed; a valid one reaches the filing checks
            await asyncio.to_thread(fuzz_with_key, live.url, key, findings)
        assert findings.cases > 300
        assert not findings.problems, "\n".join(findings.problems[:20])


def fuzz_with_key(url: str, key: str, findings: Findings) -> None:
    """POST requests with the valid key and fuzzed fields: 200 or a documented 4xx."""
    import requests
    from hypothesis import given, settings
    from hypothesis import strategies as st

    session = requests.Session()
    text = st.text(max_size=60)

    @settings(max_examples=60, deadline=None, database=None, derandomize=True)
    @given(code=st.sampled_from(["road_potholes", "water_low_pressure", "gas_smell", "", "x"]),
           address=text, description=text, email=text, phone=text, fmt=st.sampled_from(
               ["xml", "json"]))
    def case(code: str, address: str, description: str, email: str, phone: str,
             fmt: str) -> None:
        findings.cases += 1
        answer = session.post(f"{url}/open311/v2/requests.{fmt}", data={
            "api_key": key, "service_code": code, "address_string": address,
            "description": description, "email": email, "phone": phone}, timeout=30)
        if answer.status_code not in (200, 400, 403, 413, 422):
            findings.problems.append(f"POST requests.{fmt} {code!r} {address!r} "
                                     f"{description!r}: {answer.status_code} {answer.text:.300}")

    case()
