"""Liveness, readiness and metrics: public, for load balancers and Prometheus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from callcenter.core.web.metrics import Metrics
from callcenter.users.access import public

router = APIRouter(tags=["health"])


@dataclass
class Readiness:
    # None when the database answers, else why not (Database.check)
    database: Callable[[], Awaitable[str | None]]
    # Only a process that holds an AMI link has this; web-only processes leave it None.
    ami_logged_in: Callable[[], bool] | None = None
    # The process's loops that failed lately, and why (Supervisor.failing)
    loops: Callable[[], Mapping[str, str]] | None = None

    async def check(self) -> tuple[dict[str, bool], dict[str, str]]:
        """Each check's result, and the reasons of those that failed."""
        reasons: dict[str, str] = {}
        database = await self.database()
        if database is not None:
            reasons["database"] = database
        checks = {"database": database is None}
        if self.ami_logged_in is not None:
            checks["ami"] = self.ami_logged_in()
            if not checks["ami"]:
                reasons["ami"] = "not logged in to Asterisk"
        failing = self.loops() if self.loops is not None else {}
        if self.loops is not None:
            checks["loops"] = not failing
        reasons.update({f"loop {name}": why for name, why in failing.items()})
        return checks, reasons


@router.get("/healthz", dependencies=[Depends(public())])
async def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[Depends(public())])
async def readyz(request: Request) -> JSONResponse:
    """The database answers, no loop of the process failed lately and, where this process
    holds an AMI link, it is logged in; when not ready, `reasons` says why."""
    readiness: Readiness = request.app.state.readiness
    checks, reasons = await readiness.check()
    ready = all(checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "not_ready", "checks": checks}
    if reasons:
        body["reasons"] = reasons
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", dependencies=[Depends(public())], include_in_schema=False)
async def metrics(request: Request) -> Response:
    registry: Metrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
