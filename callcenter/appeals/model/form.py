"""Completing an appeal: what the operator's form holds, checked against the reference data.

`check_form(form, ...)` returns the `Completion` to store, or raises `InvalidAppealForm` with
one `FieldProblem` per field (a stable code each; the web layer words them in the operator's
language). The rules:

- category: required and known, except for "consultation only", which defaults to the
  consultation category;
- address: as much as the category needs (`house`: street and house; `street`: the street;
  `none`: nothing, but what is given must be valid); a street must be one of the list (what
  the suggestions offer: its name, an alias or a former name, the kind word optional) unless
  the operator ticked "not in the list", and is then kept as typed;
- description: required unless "consultation only";
- contact phone: any format a resident dictates, stored as E.164;
- every text has a length limit; control characters (but new lines and tabs) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from callcenter.appeals.model.statuses import Status
from callcenter.core import phones
from callcenter.core.errors import DomainError, InvalidHouseNumber
from callcenter.core.folding import fold
from callcenter.reference.model.addresses import format_address, parse_flat, parse_house
from callcenter.reference.model.categories import Category, CategoryBook
from callcenter.reference.model.street_search import EXACT, StreetIndex
from callcenter.reference.model.streets import Street

LIMITS = {"category": 64, "street": 128, "house": 32, "flat": 16, "description": 4000,
          "contact_name": 128, "contact_phone": 32}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class AppealForm:
    """The form as the operator sent it; `version` is the appeal's version they saw."""

    version: int
    category: str = ""
    street: str = ""
    street_unlisted: bool = False  # "not in the list": keep the street as typed
    house: str = ""
    flat: str = ""
    description: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    emergency: bool | None = None  # None: the category's default
    consultation: bool = False  # "consultation only": answered on the spot, closed at once
    sms_refused: bool = False  # the resident does not want SMS about this appeal


@dataclass(frozen=True, slots=True)
class Completion:
    """What completing an appeal stores."""

    status: Status  # registered, or consultation
    category: str
    street: str | None  # the official name (`вулиця Незалежності`), or as typed if unlisted
    street_unlisted: bool
    house: str | None
    flat: str | None
    address: str | None  # formatted: `вул. Незалежності, 12А, кв. 5`
    description: str
    contact_name: str | None
    contact_phone: str | None  # E.164
    emergency: bool
    sms_refused: bool = False


@dataclass(frozen=True, slots=True)
class FieldProblem:
    field: str
    code: str  # required, too_long, unknown_category, unknown_street, invalid_house, ...


class InvalidAppealForm(DomainError):
    error_id = "invalid_appeal"

    def __init__(self, problems: list[FieldProblem]) -> None:
        listed = ", ".join(f"{p.field}: {p.code}" for p in problems)
        super().__init__(f"the appeal form has problems: {listed}")
        self.problems = problems


def clean_text(text: str) -> str:
    """Drop control characters except new lines and tabs (PostgreSQL refuses NUL)."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def check_form(form: AppealForm, *, categories: CategoryBook, streets: StreetIndex,
               area_code: str) -> Completion:
    checker = _Checker(form, streets, area_code)
    category = checker.category(categories)
    street, house, flat = checker.address(category)
    description = checker.text("description")
    if not description and not form.consultation and not checker.has_problem("description"):
        checker.problem("description", "required")
    contact_phone = checker.phone()
    contact_name = checker.text("contact_name")
    if checker.problems or category is None:
        raise InvalidAppealForm(checker.problems)
    return Completion(
        status=Status.CONSULTATION if form.consultation else Status.REGISTERED,
        category=category.code, street=_street_name(street), street_unlisted=_unlisted(street),
        house=house, flat=flat, address=format_address(street, house, flat) if street else None,
        description=description, contact_name=contact_name or None,
        contact_phone=contact_phone, emergency=_emergency(form, category),
        sms_refused=form.sms_refused)


def _street_name(street: Street | str | None) -> str | None:
    return street.official if isinstance(street, Street) else street


def _unlisted(street: Street | str | None) -> bool:
    return isinstance(street, str)


def _emergency(form: AppealForm, category: Category) -> bool:
    if form.consultation:
        return False
    return category.emergency if form.emergency is None else form.emergency


class _Checker:
    """Collects every problem of one form instead of stopping at the first."""

    def __init__(self, form: AppealForm, streets: StreetIndex, area_code: str) -> None:
        self.form = form
        self.streets = streets
        self.area_code = area_code
        self.problems: list[FieldProblem] = []

    def problem(self, field: str, code: str) -> None:
        self.problems.append(FieldProblem(field, code))

    def text(self, field: str) -> str:
        value = clean_text(str(getattr(self.form, field)))
        if len(value) > LIMITS[field]:
            self.problem(field, "too_long")
            return ""
        return value

    def category(self, categories: CategoryBook) -> Category | None:
        code = self.text("category")
        if not code:
            if self.form.consultation:
                return categories.consultation
            self.problem("category", "required")
            return None
        found = categories.get(code)
        if found is None:
            self.problem("category", "unknown_category")
        return found

    def address(self, category: Category | None) -> tuple[Street | str | None, str | None,
                                                         str | None]:
        need = "none" if category is None or self.form.consultation else category.address
        street = self.street(required=need in ("house", "street"))
        house = self.number("house", parse_house, required=need == "house")
        flat = self.number("flat", parse_flat, required=False)
        if (house or flat) and not street and not self.has_problem("street"):
            self.problem("street", "required")
        return street, house, flat

    def street(self, *, required: bool) -> Street | str | None:
        typed = self.text("street")
        if not typed:
            if required and not self.has_problem("street"):
                self.problem("street", "required")
            return None
        if self.form.street_unlisted:
            return " ".join(typed.split())
        found = resolve_street(typed, self.streets)
        if found is None:
            self.problem("street", "unknown_street")
        return found

    def number(self, field: str, parse: Callable[[str], object], *,
               required: bool) -> str | None:
        typed = self.text(field)
        if not typed:
            if required:
                self.problem(field, "required")
            return None
        try:
            return str(parse(typed))
        except InvalidHouseNumber:
            self.problem(field, f"invalid_{field}")
            return None

    def phone(self) -> str | None:
        typed = self.text("contact_phone")
        if not typed:
            return None
        number = phones.normalize(typed, area_code=self.area_code)
        if number is None:
            self.problem("contact_phone", "invalid_phone")
        return number

    def has_problem(self, field: str) -> bool:
        return any(p.field == field for p in self.problems)


def resolve_street(text: str, streets: StreetIndex) -> Street | None:
    """The one street whose name, alias or former name is exactly `text` (kind word optional).

    Two streets may share a name with different kinds (вулиця / провулок Шевченка): then the
    kind typed decides, and without it the street is ambiguous (None).
    """
    exact = [m.street for m in streets.suggest(text, limit=5) if m.score >= EXACT]
    if len(exact) <= 1:
        return exact[0] if exact else None
    typed = fold(text)
    same_kind = [s for s in exact if typed in (fold(s.short), s.key)]
    return same_kind[0] if len(same_kind) == 1 else None
