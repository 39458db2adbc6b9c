"""Mail intake throughput: `python3 bench/mail.py [--letters N] [--concurrent K]`.

N letters (each from its own resident, Windows-1251 text, a new Message-ID) are sent over
real SMTP, K connections at once, to the hotline's receiver (aiosmtpd with the mail intake,
as `callcenter mail` runs it: `mail.wiring.build_intake`) on a fresh, migrated SQLite
database (and PostgreSQL when it answers); every letter must end as one appeal `new` waiting
for an operator, with its letter row and its acknowledgement in the outbox. The baseline is a
bare aiosmtpd sink (it accepts and drops each letter), served and driven the same way in the
same run.

Prints accepted letters per second, the ratio to the baseline, and the check: nothing lost,
nothing doubled. Exits 0 unless a check failed. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import sys
import tempfile
import time
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from _databases import postgres_database, postgres_reachable, sqlite_database
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import func, select

from callcenter.appeals.tables import Appeal
from callcenter.core import config as configuration
from callcenter.core import logs
from callcenter.core.database import Database
from callcenter.delivery.tables import OutboxMessageRow
from callcenter.mail.senders import smtp
from callcenter.mail.tables import MailLetter
from callcenter.mail.wiring import build_intake

OURS = "1580@city.example.org"
ROW = "{:<44} {:>10} {:>7}   {}"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=1000)
    parser.add_argument("--concurrent", type=int, default=10)
    parser.add_argument("--no-postgres", action="store_true")
    return parser.parse_args(argv)


def letter(n: int) -> EmailMessage:
    m = EmailMessage()
    m["From"] = f"Мешканець {n} <resident{n}@example.org>"
    m["To"] = OURS
    m["Subject"] = f"Не працює ліфт, будинок {n}"
    m["Message-ID"] = f"<bench-{n}@example.org>"
    m.set_content(f"Лист {n}: третій день не працює ліфт у під'їзді, прошу допомогти.",
                  charset="windows-1251")
    return m


class Sink:
    """The baseline: aiosmtpd that accepts every letter and keeps nothing."""

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        return "250 2.0.0 Accepted"


async def send_all(port: int, letters: int, concurrent: int) -> tuple[float, Counter[str]]:
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(letters):
        queue.put_nowait(n)
    answers: Counter[str] = Counter()

    async def client() -> None:
        async with aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=60) as conn:
            while not queue.empty():
                n = queue.get_nowait()
                _, reply = await conn.send_message(letter(n))
                answers["accepted" if reply.startswith("2.0.0 Accepted") else reply] += 1

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrent)))
    return time.perf_counter() - started, answers


async def baseline(args: argparse.Namespace) -> float:
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(Sink(), decode_data=False, enable_SMTPUTF8=True), "127.0.0.1", 0)
    async with server:
        seconds, answers = await send_all(smtp.bound_port(server), args.letters,
                                          args.concurrent)
    rate = args.letters / seconds
    print(ROW.format("(a) bare aiosmtpd sink", f"{rate:.0f}", "1.00",
                     f"{answers['accepted']} of {args.letters} accepted"))
    return rate


async def intake_run(label: str, url: str, directory: Path, args: argparse.Namespace,
                     base: float) -> bool:
    config = configuration.load(environ={})
    config = config.replace(
        database=configuration.DatabaseConfig(url=url),
        attachments=configuration.AttachmentsConfig(dir=str(directory / "attachments")),
        mail=dataclasses.replace(config.mail, mode="smtp", address=OURS, port=0))
    db = Database(url)
    try:
        intake = build_intake(config, db)
        handler = smtp.IntakeHandler(intake.take, intake.rules)
        server = await smtp.listen(handler, intake.rules, host="127.0.0.1", port=0)
        async with server:
            seconds, answers = await send_all(smtp.bound_port(server), args.letters,
                                              args.concurrent)
        ok, verdict = await check(db, args.letters, answers)
    finally:
        await db.close()
    rate = args.letters / seconds
    print(ROW.format(f"(b) receiver -> {label}: new appeal + ack", f"{rate:.0f}",
                     f"{rate / base:.2f}", verdict))
    return ok


async def check(db: Database, letters: int, answers: Counter[str]) -> tuple[bool, str]:
    async with db.reading() as session:
        appeals = await session.scalar(select(func.count()).select_from(Appeal).where(
            Appeal.channel == "email", Appeal.status == "new"))
        senders = await session.scalar(select(func.count(func.distinct(Appeal.contact_email))))
        rows = await session.scalar(select(func.count()).select_from(MailLetter))
        acks = await session.scalar(select(func.count()).select_from(OutboxMessageRow).where(
            OutboxMessageRow.event == "resident.mail_received"))
    counts = (answers["accepted"], appeals, senders, rows, acks)
    if counts == (letters,) * 5:
        return True, "nothing lost or doubled"
    return False, (f"FAILED: accepted {answers['accepted']}, appeals {appeals}, senders "
                   f"{senders}, letters {rows}, acknowledgements {acks} of {letters}")


def run(args: argparse.Namespace) -> int:
    logs.configure(fmt="console", level="warning")
    print(f"mail benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: "
          f"{args.letters:,} letters, {args.concurrent} connections, over SMTP")
    print(ROW.format("", "accepted/s", "ratio", "check"))
    base = asyncio.run(baseline(args))
    ok = True
    with tempfile.TemporaryDirectory() as directory, contextlib.ExitStack() as stack:
        targets = [("SQLite", sqlite_database(Path(directory), "mail"))]
        if not args.no_postgres and postgres_reachable():
            targets.append(("PostgreSQL", stack.enter_context(postgres_database())))
        for label, url in targets:
            ok = asyncio.run(intake_run(label, url, Path(directory) / label, args, base)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(run(parse_args()))
