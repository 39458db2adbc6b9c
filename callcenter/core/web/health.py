"""Liveness, readiness and metrics: public, for load balancers and Prometheus."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from callcenter.core.web.metrics import Metrics
from callcenter.users.access import public

router = APIRouter(tags=["health"])


@dataclass
class Readiness:
    database: Callable[[], Awaitable[bool]]
    # Only a process that holds an AMI link has this; web-only processes leave it None.
    ami_logged_in: Callable[[], bool] | None = None

    async def check(self) -> dict[str, bool]:
        checks = {"database": await self.database()}
        if self.ami_logged_in is not None:
            checks["ami"] = self.ami_logged_in()
        return checks


@router.get("/healthz", dependencies=[Depends(public())])
async def healthz() -> dict[str, str]:
    """The process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz", dependencies=[Depends(public())])
async def readyz(request: Request) -> JSONResponse:
    """The database answers and, where this process holds an AMI link, it is logged in."""
    readiness: Readiness = request.app.state.readiness
    checks = await readiness.check()
    ready = all(checks.values())
    return JSONResponse({"status": "ready" if ready else "not_ready", "checks": checks},
                        status_code=200 if ready else 503)


@router.get("/metrics", dependencies=[Depends(public())], include_in_schema=False)
async def metrics(request: Request) -> Response:
    registry: Metrics = request.app.state.metrics
    return Response(generate_latest(registry.registry), media_type=CONTENT_TYPE_LATEST)
