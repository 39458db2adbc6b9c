"""Webhook secrets by reference: `env:VARIABLE` or `file:/path`; the database holds only refs."""

from __future__ import annotations

import os
from pathlib import Path


class SecretError(Exception):
    pass


def resolve_secret(ref: str | None) -> bytes:
    if not ref:
        raise SecretError("no webhook secret configured for this contractor")
    kind, _, name = ref.partition(":")
    if kind == "env":
        value = os.environ.get(name, "")
        if not value:
            raise SecretError(f"secret {ref}: environment variable {name} is not set")
        return value.encode("utf-8")
    if kind == "file":
        try:
            value = Path(name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise SecretError(f"secret {ref}: {exc.strerror or exc}") from exc
        if not value:
            raise SecretError(f"secret {ref}: the file is empty")
        return value.encode("utf-8")
    raise SecretError(f"secret {ref!r}: expected env:VARIABLE or file:/path")
