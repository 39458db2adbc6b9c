"""Reading values out of parsed TOML with errors that name their place, and collecting them.

Used by the rule and contractor file parsers so that a checker can list every problem of a
file at once instead of stopping at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

T = TypeVar("T")


class Problems:
    """Problems found so far, each a sentence that starts with where it is."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def add(self, problem: str) -> None:
        self.found.append(problem)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.add(problem)

    def attempt(self, build: Callable[[], T], place: str = "") -> T | None:
        """`build()`, or None with its ValueError/TypeError noted (prefixed with `place`)."""
        try:
            return build()
        except (ValueError, TypeError) as exc:
            self.add(f"{place}: {exc}" if place else str(exc))
            return None

    def raise_if_any(self, error: Callable[[list[str]], Exception]) -> None:
        if self.found:
            raise error(list(self.found))


def table(data: Mapping[str, Any], key: str, place: str | None = None) -> Mapping[str, Any]:
    """`data[key]` as a table ({} when absent)."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ValueError(f"{place or key}: expected a table, got {type(value).__name__}")
    return value


def strings(value: Any, place: str) -> list[str]:
    """A list of non-empty strings (a single string counts as a list of one)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{place}: expected a list of non-empty strings, got {value!r}")
    return [v.strip() for v in value]
