"""`callcenter open311 keys add NAME | list | revoke NAME`: the API keys of Open311 clients.
A new key is printed once; only its SHA-256 is stored."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.open311.service import ApiKeys
from callcenter.open311.store import SqlOpen311Store

COMMANDS = frozenset({"open311"})


def add_commands(sub: Any) -> None:
    open311 = sub.add_parser("open311", help="the Open311 GeoReport v2 API").add_subparsers(
        dest="open311_command", required=True)
    keys = open311.add_parser("keys", help="API keys of Open311 clients").add_subparsers(
        dest="keys_command", required=True)
    add = keys.add_parser("add", help="issue a key (printed once, stored hashed)")
    add.add_argument("name", help="who the key is for, e.g. city-app")
    keys.add_parser("list", help="keys issued, revoked ones marked")
    revoke = keys.add_parser("revoke", help="revoke a key by its name")
    revoke.add_argument("name")


def run(args: argparse.Namespace, config: Config) -> int:
    return asyncio.run(_run(args, config))


async def _run(args: argparse.Namespace, config: Config) -> int:
    db = Database(config.database.url)
    try:
        keys = ApiKeys(SqlOpen311Store(db))
        if args.keys_command == "add":
            print(await keys.add_key(args.name))
        elif args.keys_command == "list":
            for key in await keys.keys():
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                print(f"{key.name:<32} {key.created_at:%Y-%m-%d %H:%M}  {state}")
        elif not await keys.revoke_key(args.name):
            print(f"callcenter: no active Open311 key named {args.name!r}")
            return 1
        return 0
    finally:
        await db.close()
