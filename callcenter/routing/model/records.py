"""Records of routing: the appeal as contractors see it, assignments, and its errors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from callcenter.appeals.model.statuses import Status
from callcenter.contractors.model.contractors import Contractor
from callcenter.core.errors import DomainError
from callcenter.routing.model.policy import EmergencyContact

# Statuses in which an appeal waits for its contractor (overdue if past the deadline).
WITH_CONTRACTOR = frozenset({Status.ASSIGNED, Status.IN_WORK, Status.RETURNED})
# Statuses in which an appeal is open: a new appeal at the same place is a duplicate of it.
OPEN = frozenset({Status.REGISTERED, Status.ASSIGNED, Status.IN_WORK, Status.CLARIFICATION,
                  Status.REDIRECTED, Status.DONE, Status.ON_CHECK, Status.RETURNED})


@dataclass(frozen=True, slots=True)
class AppealCard:
    id: int
    number: str
    status: str
    category: str | None
    address: str | None
    description: str | None
    caller: str | None
    caller_name: str | None
    opened_at: datetime
    deadline: datetime | None = None
    priority: str | None = None
    contractor_id: int | None = None
    delivery: str = "none"
    planned_date: date | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """A stored routing decision: who got the appeal, by which rule, why, and when."""

    id: int
    appeal_id: int
    contractor_id: int
    contractor: str  # code
    rule_id: str | None
    reason: str
    priority: str
    deadline: datetime
    callback: bool
    at: datetime
    actor: str
    emergency_contacts: tuple[EmergencyContact, ...] = ()


@dataclass(frozen=True, slots=True)
class CurrentRouting:
    """Where an appeal stands with routing: its contractor (if routed) for the operator."""

    appeal: AppealCard
    assignment: Assignment | None
    contractor: Contractor | None


@dataclass(frozen=True, slots=True)
class Unacknowledged:
    """An appeal waiting for its contractor's first answer, for the escalation sweep."""

    appeal: AppealCard
    assignment: Assignment
    contractor: Contractor


@dataclass(frozen=True, slots=True)
class OverdueAppeal:
    number: str
    status: str
    contractor: str
    deadline: datetime
    priority: str
    category: str | None
    address: str | None


class AppealNotFound(DomainError):
    error_id = "appeal_not_found"

    def __init__(self, appeal: int | str) -> None:
        super().__init__(f"no appeal {appeal}")


class ContractorNotFound(DomainError):
    error_id = "contractor_not_found"


class ContractorMissing(ContractorNotFound):
    """The contractor a URL names does not exist (404); one named in a request is 422."""

    def __init__(self, code: str) -> None:
        super().__init__(f"no active contractor {code!r}")


class CoordinatorMissing(ContractorNotFound):
    """Routing fell back to the coordinator, and the coordinator is not in the contractors
    table either (typically: no contractors imported yet)."""

    def __init__(self, coordinator: str, wanted: str) -> None:
        first = "" if wanted == coordinator else f"contractor {wanted!r} is unavailable and "
        super().__init__(f"{first}the coordinator {coordinator!r} is not in the contractors "
                         "table: import them (callcenter contractors import)")
        self.coordinator = coordinator
        self.wanted = wanted


class NotYourAppeal(DomainError):
    """A contractor acted on an appeal assigned to someone else."""

    error_id = "not_your_appeal"

    def __init__(self, number: str) -> None:
        super().__init__(f"appeal {number} is not assigned to this contractor")


class MessageNotFound(DomainError):
    error_id = "message_not_found"

    def __init__(self, message_id: int) -> None:
        super().__init__(f"no dead letter {message_id} (only dead messages can be resent)")


class UnknownService(DomainError):
    """A hand-off to a service that is neither among the appeal's contacts nor in the rules."""

    error_id = "unknown_service"

    def __init__(self, code: str) -> None:
        super().__init__(f"no emergency service {code!r} for this appeal")


class TextRequired(DomainError):
    """A reason, an answer or a question is required and was empty."""

    error_id = "text_required"

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} is required")


class NotWithContractor(DomainError):
    """The appeal is not waiting for its contractor (e.g. done, or back with the hotline)."""

    error_id = "not_with_contractor"

    def __init__(self, number: str, status: str) -> None:
        super().__init__(f"appeal {number} is {status!r}: the contractor cannot answer it now")
