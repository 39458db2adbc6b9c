"""Domain errors: each names what went wrong in words an operator can act on."""

from __future__ import annotations


class DomainError(Exception):
    error_id = "domain_error"


class InvalidTransition(DomainError):
    error_id = "invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"an appeal in status {current!r} cannot move to {target!r}")
        self.current = current
        self.target = target


class StoreUnavailable(DomainError):
    """The database cannot be reached right now; the caller should keep the data and retry."""

    error_id = "store_unavailable"
