"""Reading the entries of a reference data file (already parsed TOML) field by field.

Every error is a `ReferenceDataError` whose message names the entry (`street #12
('Незалежності')`) and the field, so whoever edits the file knows what to fix.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from callcenter.core.errors import ReferenceDataError


class Entry:
    """One table of a reference file."""

    def __init__(self, data: Any, label: str) -> None:
        if not isinstance(data, Mapping):
            raise ReferenceDataError(f"{label}: expected a table, got {data!r}")
        self._data: Mapping[str, Any] = data
        self.label = label

    def fail(self, message: str) -> ReferenceDataError:
        return ReferenceDataError(f"{self.label}: {message}")

    def text(self, key: str) -> str:
        value = self.optional_text(key)
        if value is None:
            raise self.fail(f"{key}: missing")
        return value

    def optional_text(self, key: str) -> str | None:
        value = self._data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key}: expected a non-empty string, got {value!r}")
        return " ".join(value.split())

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip()
                                                  for v in value):
            raise self.fail(f"{key}: expected a list of non-empty strings, got {value!r}")
        return tuple(" ".join(v.split()) for v in value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self._data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key}: expected true or false, got {value!r}")
        return value

    def choice(self, key: str, allowed: Iterable[str], default: str | None = None) -> str:
        options = tuple(allowed)
        value = self.optional_text(key) or default
        if value not in options:
            raise self.fail(f"{key}: expected one of {', '.join(options)}, got {value!r}")
        return value

    def reject_unknown(self, known: Iterable[str]) -> None:
        unknown = sorted(set(self._data) - set(known))
        if unknown:
            raise self.fail(f"{unknown[0]}: unknown field")


def entries(data: Mapping[str, Any], key: str, *, what: str, name_key: str) -> list[Entry]:
    """The array of tables `data[key]` (`[[streets]]`), each labelled by position and name."""
    items = data.get(key)
    if not isinstance(items, list) or not items:
        raise ReferenceDataError(f"{key}: expected a non-empty array of tables ([[{key}]])")
    return [Entry(item, _label(what, index, item, name_key)) for index, item in enumerate(items)]


def _label(what: str, index: int, item: Any, name_key: str) -> str:
    name = item.get(name_key) if isinstance(item, Mapping) else None
    return f"{what} #{index + 1}" + (f" ({name!r})" if isinstance(name, str) else "")


def check_unique(values: Iterable[tuple[str, str]], what: str) -> None:
    """`values` are (key, label) pairs; two equal keys name both entries."""
    seen: dict[str, str] = {}
    for key, label in values:
        if key in seen:
            raise ReferenceDataError(f"{label}: {what} {key!r} already used by {seen[key]}")
        seen[key] = label
