"""Portal throughput: `python3 bench/portal.py [--submissions N] [--concurrent K]`.

N residents' submissions (multipart, as the browser sends the form, each with an e-mail) are
POSTed over real HTTP, K at once, to the portal served by uvicorn in its own process (what
`callcenter web` serves: `main.build_web`) on a fresh, migrated SQLite database (and
PostgreSQL when it answers); every one must end as an appeal `registered` and routed at once,
with its outbox messages (the contractor's assignment, the resident's confirmation). The
baseline is a bare FastAPI handler that parses the same form and answers a page, served and
driven the same way in the same run.

Prints accepted submissions per second, the ratio to the baseline, and the check: nothing
lost, nothing doubled (each description once, each appeal routed with exactly one
confirmation). Exits 0 unless a check or a process failed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
from _databases import postgres_database, postgres_reachable, sqlite_database
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
ROW = "{:<44} {:>10} {:>7}   {}"
STAMP = re.compile(r'name="stamp" value="([^"]+)"')


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--role", choices=["portal", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--dir", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# -- the servers (child processes) ---------------------------------------------------------

def bare_app() -> object:
    app = FastAPI()

    @app.post("/portal")
    async def form(request: Request) -> HTMLResponse:
        async with request.form() as data:
            number = len(str(data.get("description", "")))
        return HTMLResponse(f'<strong id="appeal-number">{number}</strong>')

    return app


def portal_app(database: str, directory: str) -> object:
    from callcenter import main
    from callcenter.contractors.service.imports import import_contractors
    from callcenter.contractors.store.contractors import SqlContractorStore
    from callcenter.core import config as configuration
    from callcenter.core.database import Database
    from callcenter.core.logs import configure

    configure(fmt="console", level="warning")
    config = configuration.load(environ={}).replace(
        database=configuration.DatabaseConfig(url=database),
        attachments=configuration.AttachmentsConfig(dir=str(Path(directory) / "attachments")),
        portal=configuration.PortalConfig(min_fill_seconds=0.0, free_per_address=10**9))
    db = Database(database)
    asyncio.run(import_contractors(ROOT / "config/contractors.toml", SqlContractorStore(db)))
    return main.build_web(config, Database(database))


def serve(args: argparse.Namespace) -> None:
    import uvicorn

    os.chdir(ROOT)
    app = bare_app() if args.role == "bare" else portal_app(args.database, args.dir)
    print("ready", flush=True)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning",  # type: ignore[arg-type]
                access_log=False, lifespan="off")


# -- the driver ------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(role: str, database: str = "", directory: str = "") -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, __file__, "--role", role, "--port", str(port),
         "--database", database, "--dir", directory],
        stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        url = f"http://127.0.0.1:{port}"
        for _ in range(200):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
                break
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def form(index: int, stamp: str) -> dict[str, str]:
    return {"category": "road_potholes", "street": "вул. Незалежності",
            "house": str(index % 90 + 1),
            "description": f"Яма біля будинку, заявка {index:06d}", "contact_name": "Мешканка",
            "contact_phone": f"067{index:07d}", "contact_email": f"resident{index}@example.org",
            "consent": "1", "stamp": stamp}


async def drive(url: str, count: int, concurrent: int) -> tuple[float, list[str]]:
    """POST `count` forms, `concurrent` at once; seconds taken and the numbers answered."""
    limits = httpx.Limits(max_connections=concurrent)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        page = await client.get("/portal")
        found = STAMP.search(page.text)
        stamp = found.group(1) if found else ""
        queue = iter(range(count))
        numbers: list[str] = []

        async def worker() -> None:
            for index in queue:
                answer = await client.post("/portal", data=form(index, stamp), files=[
                    ("photos", ("", b"", "application/octet-stream"))])
                if answer.status_code == 200:
                    numbers.append(answer.text.split('id="appeal-number">')[1].split("<")[0])

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrent)))
        return time.perf_counter() - started, numbers


async def check(database: str, count: int) -> str:
    """Nothing lost, nothing doubled: every description once, every appeal routed, with its
    assignment and exactly one confirmation in the outbox."""
    from callcenter.appeals.tables import Appeal
    from callcenter.core.database import Database
    from callcenter.delivery.tables import OutboxMessageRow

    db = Database(database)
    try:
        async with db.reading() as session:
            rows = (await session.execute(select(Appeal.description, Appeal.status,
                                                 Appeal.channel))).all()
            events = dict((await session.execute(
                select(OutboxMessageRow.event, func.count())
                .group_by(OutboxMessageRow.event))).all())
    finally:
        await db.close()
    descriptions = {r.description for r in rows}
    problems = []
    if len(rows) != count or len(descriptions) != count:
        problems.append(f"{len(rows)} appeals, {len(descriptions)} distinct, {count} sent")
    if {(r.status, r.channel) for r in rows} != {("assigned", "web")}:
        problems.append("not every appeal was routed")
    if events.get("resident.filed") != count or events.get("appeal.assigned", 0) < count:
        problems.append(f"outbox: {events}")
    return "nothing lost or doubled" if not problems else "FAIL: " + "; ".join(problems)


def run(args: argparse.Namespace) -> int:
    n, k = args.submissions, args.concurrent
    print(f"portal benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} CPUs: {n:,} submissions, {k} at once, over HTTP")
    print(ROW.format("", "accepted/s", "ratio", "check"))
    with server("bare") as url:
        seconds, numbers = asyncio.run(drive(url, n, k))
    bare = len(numbers) / seconds
    print(ROW.format("(a) bare FastAPI form handler", f"{bare:,.0f}", "1.00",
                     f"{len(numbers)} of {n} answered"), flush=True)
    failed = len(numbers) != n
    with tempfile.TemporaryDirectory() as directory, contextlib.ExitStack() as stack:
        targets = [("SQLite", sqlite_database(Path(directory), "portal"))]
        if not args.no_postgres and postgres_reachable():
            targets.append(("PostgreSQL", stack.enter_context(postgres_database())))
        for label, database in targets:
            with server("portal", database, directory) as url:
                seconds, numbers = asyncio.run(drive(url, n, k))
            verdict = asyncio.run(check(database, n))
            failed |= verdict.startswith("FAIL") or len(set(numbers)) != n
            rate = len(numbers) / seconds
            print(ROW.format(f"(b) portal -> {label}: filed, routed, queued", f"{rate:,.0f}",
                             f"{rate / bare:.2f}", verdict), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.role:
        serve(arguments)
    else:
        sys.exit(run(arguments))
