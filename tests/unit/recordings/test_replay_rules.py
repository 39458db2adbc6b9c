"""The pure rules of replays and disputes: reasons, texts, tickets, links, who may."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from callcenter.recordings.model.disputes import (
    LINK_MAX_HOURS,
    ContractorLink,
    Dispute,
    DisputeClosed,
    DisputeState,
    InvalidDispute,
    LinkExpired,
    LinkRevoked,
    LinkState,
    check_contractor,
    link_expiry,
)
from callcenter.recordings.model.replay import (
    InvalidReason,
    InvalidText,
    Ticket,
    check_reason,
    check_supervisor,
    clean_text,
    media_type,
    who_of,
)
from callcenter.users.model import Forbidden, Principal, Role

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


def principal(role: Role, *, name: str = "svitlana", display: str = "svitlana",
              session: int = 7) -> Principal:
    return Principal(user_id=1, username=name, display_name=display, role=role, seat=None,
                     session_id=session, csrf_token="c")


@pytest.mark.parametrize(("given", "kept"), [
    ("спір з виконавцем", "спір з виконавцем"),
    ("  на   запит\n\tсуду  ", "на запит суду"),
    ("a\x00b\x07c", "abc"),
    ("x" * 500, "x" * 500),
])
def test_a_reason_is_cleaned_to_one_line(given: str, kept: str) -> None:
    assert check_reason(given) == kept


@pytest.mark.parametrize("given", [None, "", "  ", "ok", "\x00\x01\x02\x03", "x" * 501])
def test_a_reason_must_say_something_reasonable(given: str | None) -> None:
    with pytest.raises(InvalidReason):
        check_reason(given)


def test_texts_keep_their_lines_but_not_control_characters() -> None:
    assert clean_text(" перший\nдругий\x1b ", limit=100, field="note") == "перший\nдругий"
    with pytest.raises(InvalidText, match="note: 1-10 characters"):
        clean_text("x" * 11, limit=10, field="note")
    with pytest.raises(InvalidText):
        clean_text(" \n ", limit=10, field="claim")


def test_only_supervisors_and_admins_may() -> None:
    check_supervisor(principal(Role.SUPERVISOR))
    check_supervisor(principal(Role.ADMIN))
    for role in (Role.OPERATOR, Role.CONTRACTOR):
        with pytest.raises(Forbidden):
            check_supervisor(principal(role))


def test_who_names_the_user() -> None:
    assert who_of(principal(Role.SUPERVISOR)) == "svitlana"
    assert who_of(principal(Role.SUPERVISOR, display="Світлана Коваль")) == \
        "Світлана Коваль (svitlana)"


def test_media_types() -> None:
    assert media_type("mp3") == "audio/mpeg"
    assert media_type("MP3") == "audio/mpeg"
    assert media_type("m4a") == "audio/mp4"
    assert media_type(None) == "application/octet-stream"


def ticket(**changes: object) -> Ticket:
    base: dict[str, object] = {"audit_id": 1, "recording_id": "r1", "session_id": 7,
                               "link_id": None, "expires_at": T0 + timedelta(minutes=30)}
    return Ticket(**{**base, **changes})  # type: ignore[arg-type]


def test_a_ticket_admits_its_session_recording_and_time_only() -> None:
    mine = ticket()
    assert mine.admits(recording_id="r1", session_id=7, link_id=None, now=T0)
    assert not mine.admits(recording_id="r1", session_id=8, link_id=None, now=T0)
    assert not mine.admits(recording_id="r2", session_id=7, link_id=None, now=T0)
    assert not mine.admits(recording_id="r1", session_id=7, link_id=None,
                           now=T0 + timedelta(minutes=30))
    assert not mine.admits(recording_id="r1", session_id=None, link_id=None, now=T0)


def test_a_link_ticket_admits_its_link_only() -> None:
    linked = ticket(session_id=None, link_id=3)
    assert linked.admits(recording_id="r1", session_id=None, link_id=3, now=T0)
    assert not linked.admits(recording_id="r1", session_id=None, link_id=4, now=T0)
    assert not linked.admits(recording_id="r1", session_id=None, link_id=None, now=T0)
    assert not ticket().admits(recording_id="r1", session_id=None, link_id=3, now=T0)


def link(**changes: object) -> ContractorLink:
    base: dict[str, object] = {
        "id": 5, "appeal_number": "2026-000001", "recording_id": None, "dispute_id": None,
        "contractor": "water", "expires_at": T0 + timedelta(hours=72), "created_by": "s",
        "created_at": T0}
    return ContractorLink(**{**base, **changes})  # type: ignore[arg-type]


def test_a_link_is_active_until_it_expires_or_is_revoked() -> None:
    assert link().state(T0) is LinkState.ACTIVE
    assert link().state(T0 + timedelta(hours=72)) is LinkState.EXPIRED
    assert link(revoked_at=T0).state(T0) is LinkState.REVOKED
    link().check_usable(T0)
    with pytest.raises(LinkExpired):
        link().check_usable(T0 + timedelta(hours=73))
    with pytest.raises(LinkRevoked):
        link(revoked_at=T0).check_usable(T0)
    assert link().who == "contractor link 5"


def test_a_link_covers_its_recording_or_all() -> None:
    assert link().covers("anything")
    assert link(recording_id="r1").covers("r1")
    assert not link(recording_id="r1").covers("r2")


def test_link_expiry_is_bounded() -> None:
    assert link_expiry(T0, 72) == T0 + timedelta(hours=72)
    for hours in (0, -1, LINK_MAX_HOURS + 1):
        with pytest.raises(InvalidDispute):
            link_expiry(T0, hours)


@pytest.mark.parametrize(("given", "code"), [("Water", "water"), (" teplo-1 ", "teplo-1"),
                                             ("a.b_c", "a.b_c")])
def test_contractor_codes(given: str, code: str) -> None:
    assert check_contractor(given) == code


@pytest.mark.parametrize("given", [None, "", "водоканал", "-x", "a b", "x" * 65])
def test_bad_contractor_codes(given: str | None) -> None:
    with pytest.raises(InvalidDispute):
        check_contractor(given)


def test_a_closed_dispute_refuses_more() -> None:
    dispute = Dispute(id=1, appeal_number="2026-000001", contractor="water", claim="c",
                      state=DisputeState.CLOSED, opened_by="s", opened_at=T0)
    with pytest.raises(DisputeClosed):
        dispute.check_open()
