"""schemathesis over every role's operations finds no server error and nothing undocumented.

Every number, date and text the schema allows must be answered with a success or a documented
4xx carrying the error envelope: never a 500 (an id of 2^64, `offset=2^63`, the day
0001-01-01, a NUL on PostgreSQL all were), and never a status or body the schema does not
describe. Bounded: a few cases per operation besides the boundary values (about a minute per
database engine here).
"""

from __future__ import annotations

import asyncio

import hypothesis

from tests.integration.core.api_fuzzing import SETTINGS, Findings, fuzz, operations_by_role
from tests.web_rig import LiveWeb

# The endpoints anyone on the internet may call get many more cases each.
PUBLIC = hypothesis.settings(SETTINGS, max_examples=60)


async def test_no_role_can_make_a_server_error(live_web: LiveWeb) -> None:
    web, findings = live_web.rig, Findings()
    for role, operations in operations_by_role(web.app).items():
        token = None if role is None else await web.token(f"fuzz-{role.value}", role.value)
        await asyncio.to_thread(fuzz, live_web.url, token, operations, findings)
    assert findings.cases > 1000
    assert not findings.problems, "\n".join(findings.problems[:20])


async def test_the_public_endpoints_make_no_server_error(live_web: LiveWeb) -> None:
    """Without signing in: the residents' status (its throttle's 429 included) and whatever
    else is public, many cases each."""
    web, findings = live_web.rig, Findings()
    public = operations_by_role(web.app)[None]
    assert ("POST", "/api/public/status") in public
    await asyncio.to_thread(fuzz, live_web.url, None, public, findings, PUBLIC)
    assert findings.cases > 60
    assert not findings.problems, "\n".join(findings.problems[:20])
