"""Composition of users: the sign-in service on the database, with the policy from config."""

from __future__ import annotations

from callcenter.core.config import Config, HttpConfig
from callcenter.core.database import Database
from callcenter.core.throttle import DelayPolicy
from callcenter.users.model import SignInLimits
from callcenter.users.service import Auth, SignInPolicy
from callcenter.users.store import SqlUserStore


def build_auth(config: Config, db: Database) -> Auth:
    policy = SignInPolicy(session_hours=config.http.session_hours,
                          limits=sign_in_limits(config.http))
    return Auth(SqlUserStore(db), policy=policy)


def sign_in_limits(http: HttpConfig) -> SignInLimits:
    def policy(free: int) -> DelayPolicy:
        return DelayPolicy(free=free, first=http.login_first_delay, cap=http.login_max_delay,
                           forget=http.login_forget_after)

    return SignInLimits(name=policy(http.login_free_failures),
                        address=policy(http.login_free_failures_per_address))
