"""`callcenter worker` and `serve` with `[outbox] in_serve` run the scheduler with every
feature's timed jobs (main.timed_jobs); `serve` without in_serve runs none."""

from __future__ import annotations

from callcenter import main
from callcenter.core import config as configuration
from callcenter.routing.wiring import build_worker

CHECKS = {"duty-check-08:00", "duty-check-14:00", "duty-check-20:00",
          "duty-assignment-reminders"}


async def test_the_worker_runs_the_timed_jobs(database_url: str) -> None:
    config = configuration.load(environ={}).replace(
        database=configuration.DatabaseConfig(url=database_url))
    worker = build_worker(config, jobs=main.timed_jobs)
    try:
        assert worker.scheduler is not None and set(worker.scheduler.jobs) >= CHECKS
        assert worker.scheduler.owner == worker.workers[0].name.rsplit("-", 1)[0]
    finally:
        await worker.close()


async def test_serve_runs_them_only_with_in_serve(database_url: str) -> None:
    config = configuration.load(environ={}).replace(
        database=configuration.DatabaseConfig(url=database_url))
    for in_serve in (True, False):
        outbox = configuration.OutboxConfig(in_serve=in_serve)
        server = main.build_server(config.replace(outbox=outbox))
        try:
            jobs = set(server.worker.scheduler.jobs) if server.worker and \
                server.worker.scheduler else set()
            assert (jobs >= CHECKS) is in_serve
        finally:
            await server.stop()
