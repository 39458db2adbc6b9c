"""Appeal categories (config/categories.toml): lookup by code, choices for a select, search.

Each category belongs to a group (water supply, heating, ...), has a Ukrainian and an English
name, an `emergency` default (gas smell, people stuck in a lift, ...: the operator may still
change the priority of one appeal), keywords operators may type to find it, and how much
address its appeals need (`house`, `street` or `none`, by default its group's), and whether
residents may file it themselves on the portal and through Open311 (`portal`; never an
emergency: those are called in). Exactly one
category is the consultation ("information request"): an appeal answered on the spot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from callcenter.core.errors import DomainError, ReferenceDataError
from callcenter.core.folding import fold
from callcenter.reference.model.entries import Entry, check_unique, entries

Lang = Literal["uk", "en"]
LANGS: tuple[Lang, ...] = ("uk", "en")
# How much address an appeal of a category needs: a house (a building's water, heating,
# lift...), a street (a pothole, a street lamp), or none (a bus schedule, a consultation).
AddressNeed = Literal["house", "street", "none"]
ADDRESS_NEEDS: tuple[AddressNeed, ...] = ("house", "street", "none")
_CODE = re.compile(r"[a-z][a-z0-9_]*")


class UnknownCategory(DomainError):
    error_id = "unknown_category"

    def __init__(self, code: str) -> None:
        super().__init__(f"no appeal category with code {code!r}")
        self.code = code


@dataclass(frozen=True, slots=True)
class CategoryGroup:
    code: str
    name_uk: str
    name_en: str
    address: AddressNeed = "none"  # the default of its categories

    def name(self, lang: Lang) -> str:
        return self.name_en if lang == "en" else self.name_uk


@dataclass(frozen=True, slots=True)
class Category:
    code: str
    group: str
    name_uk: str
    name_en: str
    emergency: bool = False
    consultation: bool = False
    keywords: tuple[str, ...] = ()
    address: AddressNeed = "none"
    portal: bool = False  # residents may file it themselves (the portal, Open311)

    def name(self, lang: Lang) -> str:
        return self.name_en if lang == "en" else self.name_uk

    @property
    def public(self) -> bool:
        """Offered to residents: marked `portal`, and never an emergency (call instead)."""
        return self.portal and not self.emergency and not self.consultation


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of the category select."""

    code: str
    label: str
    emergency: bool
    consultation: bool = False
    address: AddressNeed = "none"
    search: str = ""  # folded names and keywords, for the category search on the page


@dataclass(frozen=True, slots=True)
class ChoiceGroup:
    """An <optgroup>: the group's name and its categories, in file order."""

    label: str
    options: tuple[Choice, ...]


class CategoryBook:
    """The categories of the file, in file order, with their groups."""

    def __init__(self, groups: Iterable[CategoryGroup], categories: Iterable[Category]) -> None:
        self.groups = tuple(groups)
        self.categories = tuple(categories)
        self._by_code = {c.code: c for c in self.categories}
        self._keys = {c.code: tuple(_search_key(c).split()) for c in self.categories}

    def __len__(self) -> int:
        return len(self.categories)

    def get(self, code: str) -> Category | None:
        return self._by_code.get(code)

    def by_code(self, code: str) -> Category:
        """The category, or `UnknownCategory` (a code from a form or an old appeal)."""
        found = self._by_code.get(code)
        if found is None:
            raise UnknownCategory(code)
        return found

    @property
    def consultation(self) -> Category:
        return next(c for c in self.categories if c.consultation)

    def choices(self, lang: Lang = "uk") -> tuple[ChoiceGroup, ...]:
        return tuple(
            ChoiceGroup(group.name(lang), tuple(
                Choice(c.code, c.name(lang), c.emergency, c.consultation, c.address,
                       " ".join(self._keys[c.code]))
                for c in self.categories if c.group == group.code))
            for group in self.groups)

    @property
    def public(self) -> tuple[Category, ...]:
        """The categories residents may file themselves (`Category.public`), in file order."""
        return tuple(c for c in self.categories if c.public)

    def matching(self, query: str) -> tuple[Category, ...]:
        """Categories with a word (of a name or keyword) beginning with each word of `query`."""
        words = fold(query).split()
        return tuple(c for c in self.categories if all(
            any(key.startswith(word) for key in self._keys[c.code]) for word in words))


def _search_key(category: Category) -> str:
    return fold(" ".join((category.name_uk, category.name_en, *category.keywords)))


def parse_categories(data: Mapping[str, Any]) -> CategoryBook:
    """The categories file as loaded from TOML: `[[groups]]` then `[[categories]]`."""
    groups = [_group(entry) for entry in entries(data, "groups", what="group", name_key="code")]
    check_unique(((g.code, f"group {g.code!r}") for g in groups), "code")
    known = {g.code: g for g in groups}
    items = entries(data, "categories", what="category", name_key="code")
    categories = [_category(entry, known) for entry in items]
    check_unique(((c.code, e.label) for c, e in zip(categories, items, strict=True)), "code")
    _check_consultation(categories)
    return CategoryBook(groups, categories)


def _group(entry: Entry) -> CategoryGroup:
    entry.reject_unknown(("code", "name_uk", "name_en", "address"))
    return CategoryGroup(_code(entry), entry.text("name_uk"), entry.text("name_en"),
                         _address(entry, "none"))


def _category(entry: Entry, groups: dict[str, CategoryGroup]) -> Category:
    entry.reject_unknown(("code", "group", "name_uk", "name_en", "emergency", "consultation",
                          "keywords", "address", "portal"))
    group = entry.text("group")
    if group not in groups:
        raise entry.fail(f"group: {group!r} is not one of the [[groups]]")
    consultation = entry.flag("consultation")
    address = "none" if consultation else _address(entry, groups[group].address)
    return Category(code=_code(entry), group=group, name_uk=entry.text("name_uk"),
                    name_en=entry.text("name_en"), emergency=entry.flag("emergency"),
                    consultation=consultation, keywords=entry.texts("keywords"),
                    address=address, portal=entry.flag("portal"))


def _address(entry: Entry, default: AddressNeed) -> AddressNeed:
    chosen = entry.choice("address", ADDRESS_NEEDS, default=default)
    return next(need for need in ADDRESS_NEEDS if need == chosen)


def _code(entry: Entry) -> str:
    code = entry.text("code")
    if not _CODE.fullmatch(code):
        raise entry.fail(f"code: expected snake_case (a-z, 0-9, _), got {code!r}")
    return code


def _check_consultation(categories: list[Category]) -> None:
    flagged = [c.code for c in categories if c.consultation]
    if len(flagged) != 1:
        raise ReferenceDataError(
            f"categories: exactly one category must have consultation = true, found {flagged}")
    if any(c.consultation and c.emergency for c in categories):
        raise ReferenceDataError(f"category {flagged[0]!r}: a consultation cannot be an emergency")
