"""A PostgreSQL cluster of the test's own (Debian's postgresql-common: pg_createcluster), so a
test may restart or stop the server without touching the shared one on 5432."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import pytest

from tests.integration.loopback_servers import free_port

BINARIES = Path("/usr/lib/postgresql")
TOOLS = ("pg_createcluster", "pg_ctlcluster", "pg_dropcluster")


def cluster_version() -> str | None:
    """The newest server version installed (`/usr/lib/postgresql/<version>/bin/postgres`)."""
    versions = [p.name for p in BINARIES.glob("*") if (p / "bin" / "postgres").exists()]
    return max(versions, key=lambda v: [int(part) for part in v.split(".")], default=None)


def require_cluster_tools() -> str:
    """The version to create a cluster of; skips on a bare machine, fails under CI."""
    version = cluster_version()
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if version is None:
        missing.append(f"a PostgreSQL server under {BINARIES}")
    if not missing and not os.access("/etc/postgresql", os.W_OK):
        missing.append("write access to /etc/postgresql (run as root or postgres)")
    if not missing:
        assert version is not None
        return version
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL clusters are required under CI: missing {', '.join(missing)}")
    pytest.skip(f"cannot create a PostgreSQL cluster: missing {', '.join(missing)}")


@dataclass
class PgCluster:
    version: str
    name: str
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/callcenter"

    async def ctl(self, action: str) -> None:
        """`pg_ctlcluster <version> <name> <action>` (start, stop, restart), off the loop."""
        await self._run("pg_ctlcluster", "--skip-systemctl-redirect", self.version, self.name,
                        action)

    async def create(self) -> None:
        await self._run("pg_createcluster", self.version, self.name, "-p", str(self.port),
                        "--", "--auth=trust")
        await self.ctl("start")
        conn = await asyncpg.connect(host="127.0.0.1", port=self.port, user="postgres",
                                     database="postgres")
        try:
            await conn.execute("CREATE DATABASE callcenter")
        finally:
            await conn.close()

    async def drop(self) -> None:
        await self._run("pg_dropcluster", "--stop", self.version, self.name, check=False)

    async def _run(self, *command: str, check: bool = True) -> None:
        done = await asyncio.to_thread(subprocess.run, command, capture_output=True,
                                       text=True, timeout=120, check=False)
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(command)}: {done.stderr or done.stdout}")


@contextlib.asynccontextmanager
async def own_cluster() -> AsyncIterator[PgCluster]:
    """A fresh cluster on a free port with an empty `callcenter` database; dropped after."""
    cluster = PgCluster(require_cluster_tools(), f"cc{uuid.uuid4().hex[:10]}", free_port())
    try:
        await cluster.create()
        yield cluster
    finally:
        await cluster.drop()
