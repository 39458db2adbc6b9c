"""Domain errors: each names what went wrong in words an operator can act on."""

from __future__ import annotations


class DomainError(Exception):
    error_id = "domain_error"


class InvalidTransition(DomainError):
    error_id = "invalid_transition"

    def __init__(self, current: str, target: str) -> None:
        super().__init__(f"an appeal in status {current!r} cannot move to {target!r}")
        self.current = current
        self.target = target


class StoreUnavailable(DomainError):
    """The database cannot be reached right now; the caller should keep the data and retry."""

    error_id = "store_unavailable"


class SchemaNotReady(DomainError):
    """The database answers but holds no tables yet, or older ones: names the command to run."""

    error_id = "schema_not_ready"


class ReferenceDataError(DomainError):
    """A reference data file (categories, streets, directory) has a bad entry; names it."""

    error_id = "reference_data_invalid"


class InvalidHouseNumber(DomainError):
    """What was typed as a house (or flat) number is not one: `12А`, `12/1`, `12 корп. 2`."""

    error_id = "invalid_house_number"

    def __init__(self, text: str, reason: str) -> None:
        super().__init__(f"{text!r} is not a house number: {reason}")
        self.text = text
        self.reason = reason


class InvalidHouseRange(DomainError):
    """A house range in a rule is malformed (`1-99 odd`, `2-40 even`, `12А`, `all`)."""

    error_id = "invalid_house_range"

    def __init__(self, spec: str, reason: str) -> None:
        super().__init__(f"house range {spec!r}: {reason}")
        self.spec = spec
        self.reason = reason
