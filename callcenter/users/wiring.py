"""Composition of users: the sign-in service on the database, with the policy from config."""

from __future__ import annotations

from callcenter.core.config import Config
from callcenter.core.database import Database
from callcenter.users.service import Auth, SignInPolicy
from callcenter.users.store import SqlUserStore


def build_auth(config: Config, db: Database) -> Auth:
    policy = SignInPolicy(session_hours=config.http.session_hours,
                          attempts=config.http.login_attempts,
                          lockout_seconds=config.http.login_lockout)
    return Auth(SqlUserStore(db), policy=policy)
