"""Appeals filed from outside the hotline (the portal, Open311, e-mail): the same form
as the operator's, checked by the same rules (`check_form`), plus what a resident filing
alone must give: a category residents may file (`Category.public`: never an emergency, which
is called in), and a way to reach them, a phone or an e-mail address.

A letter has no category or address anyone checked: it is filed `new` (`check_new_filing`),
with its text and its sender, for an operator to complete like a call's appeal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from callcenter.appeals.model.form import (
    LIMITS,
    AppealForm,
    Completion,
    FieldProblem,
    InvalidAppealForm,
    check_form,
    clean_text,
)
from callcenter.appeals.model.statuses import Channel
from callcenter.reference.model.categories import CategoryBook
from callcenter.reference.model.street_search import StreetIndex

EMAIL_MAX = 254
_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;.]{2,}")
EXTERNAL = frozenset({Channel.WEB, Channel.EMAIL, Channel.OPEN311})


@dataclass(frozen=True, slots=True)
class ExternalAppeal:
    """An appeal as a resident filed it; `photos` are refs of files stored already."""

    channel: Channel
    category: str
    street: str = ""
    street_unlisted: bool = False
    house: str = ""
    flat: str = ""
    description: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""
    photos: tuple[str, ...] = ()
    contact_required: bool = True  # Open311 clients may file without a contact (the spec)


@dataclass(frozen=True, slots=True)
class Filing:
    """What filing stores: the completed form, the channel, the e-mail and the photos."""

    channel: Channel
    completion: Completion
    contact_email: str | None  # lower-cased
    photos: tuple[str, ...]


def check_filing(appeal: ExternalAppeal, *, categories: CategoryBook, streets: StreetIndex,
                 area_code: str) -> Filing:
    """The filing to store, or `InvalidAppealForm` with every problem of the appeal."""
    if appeal.channel not in EXTERNAL:
        raise ValueError(f"not an external channel: {appeal.channel}")
    form = AppealForm(version=0, category=appeal.category, street=appeal.street,
                      street_unlisted=appeal.street_unlisted, house=appeal.house,
                      flat=appeal.flat, description=appeal.description,
                      contact_name=appeal.contact_name, contact_phone=appeal.contact_phone)
    problems: list[FieldProblem] = []
    completion = None
    try:
        completion = check_form(form, categories=categories, streets=streets,
                                area_code=area_code)
    except InvalidAppealForm as exc:
        problems.extend(exc.problems)
    category = categories.get(clean_text(appeal.category))
    if category is not None and not category.public:
        problems.append(FieldProblem("category", "not_offered"))
    email = check_email(appeal.contact_email, problems)
    if (appeal.contact_required and not appeal.contact_phone.strip() and not email
            and not _has(problems, "contact_email")):
        problems.append(FieldProblem("contact_phone", "phone_or_email_required"))
    if problems or completion is None:
        raise InvalidAppealForm(problems)
    return Filing(appeal.channel, completion, email, appeal.photos)


@dataclass(frozen=True, slots=True)
class NewFiling:
    """An appeal filed `new`: no category, no address; an operator completes it."""

    channel: Channel
    description: str
    contact_name: str
    contact_email: str | None


def check_new_filing(appeal: ExternalAppeal) -> NewFiling:
    """A filing left for an operator: only the text and the contact are kept (the text cut
    to the form's limit, so the operator's form takes it); `InvalidAppealForm` for a bad
    address or neither text nor a contact."""
    if appeal.channel not in EXTERNAL:
        raise ValueError(f"not an external channel: {appeal.channel}")
    problems: list[FieldProblem] = []
    email = check_email(appeal.contact_email, problems)
    description = clean_text(appeal.description)[:LIMITS["description"]].strip()
    if not description and not email:
        problems.append(FieldProblem("description", "required"))
    if problems:
        raise InvalidAppealForm(problems)
    name = " ".join(clean_text(appeal.contact_name).split())[:LIMITS["contact_name"]]
    return NewFiling(appeal.channel, description, name, email)


def check_email(typed: str, problems: list[FieldProblem]) -> str | None:
    """The address lower-cased, None when blank; a problem when it is not an address."""
    email = clean_text(typed).lower()
    if not email:
        return None
    if len(email) > EMAIL_MAX:
        problems.append(FieldProblem("contact_email", "too_long"))
    elif not _EMAIL.fullmatch(email):
        problems.append(FieldProblem("contact_email", "invalid_email"))
    else:
        return email
    return None


def _has(problems: list[FieldProblem], field: str) -> bool:
    return any(p.field == field for p in problems)
