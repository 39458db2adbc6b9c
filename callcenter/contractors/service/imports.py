"""The idempotent import of contractors from config/contractors.toml (upsert by code)."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from callcenter.contractors.model.contractors import (
    Contractor,
    ContractorsError,
    ImportCounts,
    parse_contractors,
)


class ContractorStore(Protocol):
    async def upsert(self, contractors: Sequence[Contractor], *, at: datetime) -> ImportCounts:
        """Insert new codes, update changed ones, never delete."""

    async def codes(self) -> set[str]: ...


def read_contractors(path: Path) -> list[Contractor]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ContractorsError([f"{path}: no such file"]) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ContractorsError([f"{path}: {exc}"]) from exc
    return parse_contractors(data)


async def import_contractors(path: Path, store: ContractorStore) -> ImportCounts:
    """Validate the whole file first: a file with any error imports nothing."""
    contractors = read_contractors(path)
    return await store.upsert(contractors, at=datetime.now(UTC))


async def seed_contractors(path: Path, store: ContractorStore) -> ImportCounts | None:
    """The same import, but only into an empty contractors table (a fresh install routes at
    once); None when there were contractors already, which are then left alone."""
    if await store.codes():
        return None
    return await import_contractors(path, store)
