"""The server under test: one process holding the AMI link and serving the web, built by
`callcenter.main` exactly as `callcenter serve` builds it. Prints `logged_in` once logged in
to the fake Asterisk and `cards N` whenever N full pop cards are ready."""

from __future__ import annotations

import asyncio
import cProfile
import signal
import time
from pathlib import Path

from _target import NEVER, SECRET, USERNAME

from callcenter.core import logs
from callcenter.core.config import AmiConfig, Config, DatabaseConfig, HttpConfig, IntakeConfig
from callcenter.main import Listener, build_listener, build_web, serve_http

REPORT_EVERY = 0.02


def server_config(ami_port: int, http_port: int, url: str, journal: Path) -> Config:
    ami = AmiConfig(host="127.0.0.1", port=ami_port, username=USERNAME, secret=SECRET,
                    action_timeout=NEVER, ping_interval=NEVER)
    return Config(ami=ami, database=DatabaseConfig(url=url),
                  intake=IntakeConfig(journal=str(journal)),
                  http=HttpConfig(host="127.0.0.1", port=http_port))


async def run_server(ami_port: int, http_port: int, url: str, journal: Path,
                     profile: str = "") -> None:
    logs.configure(fmt="console", level="warning")
    config = server_config(ami_port, http_port, url, journal)
    listener = build_listener(config)
    app = build_web(config, listener.db, listener=listener)
    async with asyncio.TaskGroup() as group:
        group.create_task(listener.run())
        group.create_task(serve_http(app, config))
        group.create_task(_report(listener))
        if profile:  # the orchestrator sends SIGUSR1 just before the burst
            start = asyncio.Event()
            asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, start.set)
            group.create_task(_profile(profile, start))


async def _report(listener: Listener) -> None:
    said_login, cards = False, -1
    service = listener.pops.service if listener.pops else None
    assert service is not None
    while True:
        if listener.link.logged_in and not said_login:
            said_login = True
            print("logged_in", flush=True)
        if service.cards_completed != cards:
            cards = service.cards_completed
            print(f"cards {cards}", flush=True)

        await asyncio.sleep(REPORT_EVERY)


async def _profile(path: str, start: asyncio.Event, seconds: float = 3.0) -> None:
    """cProfile `seconds` from the start signal (the burst), then write the stats to `path`."""
    await start.wait()
    profiler = cProfile.Profile(time.thread_time)  # this thread's CPU, not the wall
    profiler.enable()
    await asyncio.sleep(seconds)
    profiler.disable()
    profiler.dump_stats(path)
