"""`callcenter users ...`: accounts, roles, seats and sessions from the command line."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import secrets
import sys
from collections.abc import Awaitable, Callable
from typing import TypeVar

from callcenter.core import migrate
from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.users.model import InvalidUser
from callcenter.users.service import Auth
from callcenter.users.wiring import build_auth

T = TypeVar("T")


def run(args: argparse.Namespace, config: Config) -> int:
    command = args.users_command
    if command == "add":
        password, generated = new_password(args.password_stdin)
        with_auth(config, lambda auth: auth.add_user(
            username=args.name, password=password, role=args.role, seat=args.seat,
            display_name=args.display_name, contractor=args.contractor))
        print(f"user {args.name} added ({args.role})")
        if generated:
            print(f"password: {password}  (shown once; change it with `users passwd`)")
    elif command == "list":
        print_users(config)
    elif command == "passwd":
        password, generated = new_password(args.password_stdin)
        with_auth(config, lambda auth: auth.set_password(args.name, password))
        print(f"password of {args.name} changed; their sessions ended")
        if generated:
            print(f"password: {password}  (shown once)")
    else:
        print(simple_command(args, config))
    return 0


def simple_command(args: argparse.Namespace, config: Config) -> str:
    name = args.name
    if args.users_command == "disable":
        with_auth(config, lambda auth: auth.set_active(name, False))
        return f"{name} disabled; their sessions ended"
    if args.users_command == "enable":
        with_auth(config, lambda auth: auth.set_active(name, True))
        return f"{name} enabled"
    if args.users_command == "seat":
        seat = None if args.seat == "-" else args.seat
        with_auth(config, lambda auth: auth.set_seat(name, seat))
        return f"default seat of {name}: {seat or 'none'}"
    ended = with_auth(config, lambda auth: auth.revoke_all(name))
    return f"{ended} session(s) of {name} ended"


def new_password(from_stdin: bool) -> tuple[str, bool]:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Again: "):
            raise InvalidUser("the passwords differ")
        return first, False
    return secrets.token_urlsafe(12), True


def print_users(config: Config) -> None:
    users = with_auth(config, lambda auth: auth.store.list_users())
    for user in users:
        state = "" if user.active else "disabled"
        print(f"{user.username:<20} {user.role:<11} {user.default_seat or '-':<16} "
              f"{user.contractor or '-':<12} {user.display_name}  {state}".rstrip())


def with_auth(config: Config, work: Callable[[Auth], Awaitable[T]]) -> T:
    async def go() -> T:
        await migrate.prepare(config.database.url, config.database.owner_url)
        db = Database(config.database.url)
        try:
            return await work(build_auth(config, db))
        finally:
            await db.close()

    return asyncio.run(go())
