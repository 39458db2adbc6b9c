"""schemathesis over /openapi.json against a served app, as each role: which operations a role
may call (from the endpoints' own access rules), and one run of schemathesis's coverage phase
(boundary values of every parameter: 2^63, 0001-01-01, NUL...) and a few fuzzed cases each.

The cases are sent over a real socket by `requests` (schemathesis's own transport) from a
worker thread, while uvicorn serves on the test's event loop.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import hypothesis
import requests
import schemathesis
from fastapi import FastAPI
from fastapi.routing import APIRoute
from hypothesis import HealthCheck, Phase
from schemathesis.core.failures import FailureGroup
from schemathesis.generation.hypothesis.builder import (
    HypothesisTestConfig,
    HypothesisTestMode,
    create_test,
)
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)

from callcenter.users.access import access_of, endpoints
from callcenter.users.model import Role

# Ends the session every later case of the role would use.
SKIPPED = {("POST", "/api/auth/logout")}
SETTINGS = hypothesis.settings(
    max_examples=4, deadline=None, database=None, derandomize=True,
    suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
MODES = [HypothesisTestMode.COVERAGE, HypothesisTestMode.FUZZING]
ORDER = [None, Role.OPERATOR, Role.SUPERVISOR, Role.CONTRACTOR, Role.ADMIN]


def operations_by_role(app: FastAPI) -> dict[Role | None, set[tuple[str, str]]]:
    """(METHOD, path) of every operation in the schema, each given to the first role in
    `ORDER` that may call it (None: the public ones, called without signing in), so each is
    fuzzed once and every role gets the operations only it may call."""
    given: dict[Role | None, set[tuple[str, str]]] = {role: set() for role in ORDER}
    for route in endpoints(app.routes):
        access = access_of(route)
        if not isinstance(route, APIRoute) or access is None or not route.include_in_schema:
            continue
        role = None if access.public else next(r for r in ORDER if r in (access.roles or ()))
        given[role] |= {(method, route.path) for method in route.methods} - SKIPPED
    return given


@dataclass
class Findings:
    cases: int = 0
    problems: list[str] = field(default_factory=list)


def fuzz(url: str, token: str | None, operations: set[tuple[str, str]],
         findings: Findings, settings: hypothesis.settings = SETTINGS) -> None:
    """Every operation of the set, as the token's user (blocking: run it in a thread)."""
    schema = schemathesis.openapi.from_url(url + "/openapi.json")
    session = requests.Session()
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in operations:
            check = _checker(url, session, headers, findings)
            create_test(operation=operation, test_func=check, config=HypothesisTestConfig(
                project=schema.config, modes=MODES, settings=settings))()


def _checker(url: str, session: requests.Session, headers: dict[str, str],
             findings: Findings) -> Callable[[schemathesis.Case], None]:
    def check(case: schemathesis.Case) -> None:
        findings.cases += 1
        response = case.call(base_url=url, session=session, headers=headers, timeout=30)
        try:
            if response.status_code >= 500:
                raise AssertionError(f"server error {response.status_code}")
            case.validate_response(response, checks=[status_code_conformance,
                                                     response_schema_conformance])
        except (AssertionError, FailureGroup) as exc:
            findings.problems.append(f"{case.method} {case.formatted_path} query={case.query} "
                                     f"body={case.body!r:.200}: {exc!s:.600}")
    return check
