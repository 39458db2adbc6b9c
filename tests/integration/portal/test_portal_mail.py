"""A portal appeal's confirmation leaves through the outbox worker to a real SMTP server, once,
beside the contractor's assignment."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from callcenter.routing.wiring import build_worker
from tests.integration.loopback_servers import SmtpSink
from tests.integration.portal_rig import residents_web


async def test_the_resident_gets_the_number_by_mail(database_url: str, tmp_path: Path) -> None:
    sink = SmtpSink()
    sink.start()
    try:
        async with residents_web(database_url, tmp_path) as rig:
            async with rig.web.client() as client:
                page = await rig.submit(client)
            number = page.text.split('id="appeal-number">')[1].split("<")[0]
            config = rig.web.config
            config = config.replace(smtp=dataclasses.replace(config.smtp, host="127.0.0.1",
                                                             port=sink.port, timeout=5))
            worker = build_worker(config, name="test",
                                  routing_services=rig.web.app.state.routing_services)
            try:
                for _ in range(5):
                    await worker.workers[0].run_once()
            finally:
                await worker.transport.close()
            states = {m.event: m.state for m in await rig.outbox(number)}
    finally:
        sink.stop()
    mails = [m for m in sink.messages if str(m["To"]) == "oksana@example.org"]
    assert len(mails) == 1
    assert str(mails[0]["Subject"]) == f"Ваше звернення {number} зареєстровано"
    assert f"/status?number={number}" in mails[0].get_content()
    assert states["resident.filed"] == "sent"
