"""The directory of city services and phone numbers operators give out (config/directory.toml).

`Directory.search("вода")`, `search("тепло аварійна")`, `search("1582")`: every word of the
query must begin a word of an entry's names, what it handles, its tags or address (all folded,
see `folding.fold`), or, for a word of digits, occur in one of its phone numbers. Entries whose
name has the words rank first; then entries in file order (the file lists the most asked
first).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from callcenter.core.errors import ReferenceDataError
from callcenter.core.folding import fold, fold_digits
from callcenter.reference.model.categories import CategoryBook, Lang
from callcenter.reference.model.entries import Entry, check_unique, entries

_CODE = re.compile(r"[a-z][a-z0-9_]*")
_PHONE = re.compile(r"\+?[\d\s()-]+")


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    code: str
    name_uk: str
    name_en: str
    handles_uk: str  # what they handle, in a sentence
    handles_en: str
    phones: tuple[str, ...]  # as they are read out: "101", "0 800 50 40 20", "(0342) 50-62-00"
    hours: str | None = None
    address: str | None = None
    tags: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # appeal categories this service is the answer for
    emergency: bool = False  # a national emergency line (101, 102, 103, 104, 112)
    sample: bool = False  # placeholder data the city must replace

    def name(self, lang: Lang) -> str:
        return self.name_en if lang == "en" else self.name_uk

    def handles(self, lang: Lang) -> str:
        return self.handles_en if lang == "en" else self.handles_uk


@dataclass(frozen=True, slots=True)
class _Keys:
    name: str
    name_words: tuple[str, ...]
    other_words: tuple[str, ...]
    phones: tuple[str, ...]


class Directory:
    """The entries in file order, with their search keys folded once."""

    def __init__(self, items: Iterable[DirectoryEntry]) -> None:
        self.entries = tuple(items)
        self._keys = [_keys(entry) for entry in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def search(self, query: str, limit: int = 20) -> list[DirectoryEntry]:
        words = fold(query).split()
        if not words:
            return list(self.entries[:limit])
        scored = [(score, index) for index, keys in enumerate(self._keys)
                  if (score := _score(words, keys)) is not None]
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        return [self.entries[index] for _, index in scored[:limit]]

    def for_category(self, code: str) -> list[DirectoryEntry]:
        """Whom to call about an appeal of this category (emergency lines first)."""
        found = [e for e in self.entries if code in e.categories]
        return sorted(found, key=lambda e: not e.emergency)

    def emergency(self) -> list[DirectoryEntry]:
        return [e for e in self.entries if e.emergency]


def _keys(entry: DirectoryEntry) -> _Keys:
    name = fold(f"{entry.name_uk} {entry.name_en}")
    other = fold(" ".join((entry.handles_uk, entry.handles_en, *entry.tags,
                           entry.address or "")))
    return _Keys(name, tuple(name.split()), tuple(other.split()),
                 tuple(fold_digits(p) for p in entry.phones))


def _score(words: list[str], keys: _Keys) -> int | None:
    """3 per word starting a name word, 2 inside the name, 1 elsewhere; None if one is missing.
    """
    total = 0
    for word in words:
        points = _points(word, keys)
        if not points:
            return None
        total += points
    return total


def _points(word: str, keys: _Keys) -> int:
    if any(name_word.startswith(word) for name_word in keys.name_words):
        return 3
    if word in keys.name:
        return 2
    if any(other.startswith(word) for other in keys.other_words):
        return 1
    return int(word.isdigit() and any(word in phone for phone in keys.phones))


def parse_directory(data: Mapping[str, Any]) -> Directory:
    """The directory file as loaded from TOML (`[[services]]`)."""
    items = entries(data, "services", what="service", name_key="code")
    parsed = [_entry(item) for item in items]
    check_unique(((e.code, item.label) for e, item in zip(parsed, items, strict=True)), "code")
    return Directory(parsed)


def check_categories(directory: Directory, categories: CategoryBook) -> None:
    """Every category a service names exists in the categories file."""
    for entry in directory.entries:
        unknown = [code for code in entry.categories if categories.get(code) is None]
        if unknown:
            raise ReferenceDataError(f"service {entry.code!r}: categories: {unknown[0]!r} is "
                                     "not a category code")


def _entry(entry: Entry) -> DirectoryEntry:
    entry.reject_unknown(("code", "name_uk", "name_en", "handles_uk", "handles_en", "phones",
                          "hours", "address", "tags", "categories", "emergency", "sample"))
    code = entry.text("code")
    if not _CODE.fullmatch(code):
        raise entry.fail(f"code: expected snake_case (a-z, 0-9, _), got {code!r}")
    return DirectoryEntry(
        code=code, name_uk=entry.text("name_uk"), name_en=entry.text("name_en"),
        handles_uk=entry.text("handles_uk"), handles_en=entry.text("handles_en"),
        phones=_phones(entry), hours=entry.optional_text("hours"),
        address=entry.optional_text("address"), tags=entry.texts("tags"),
        categories=entry.texts("categories"), emergency=entry.flag("emergency"),
        sample=entry.flag("sample"))


def _phones(entry: Entry) -> tuple[str, ...]:
    phones = entry.texts("phones")
    if not phones:
        raise entry.fail("phones: expected at least one number")
    for phone in phones:
        if not _PHONE.fullmatch(phone) or len(fold_digits(phone)) < 3:
            raise entry.fail(f"phones: {phone!r} is not a phone number (digits, spaces, "
                             "+, -, parentheses)")
    return phones
