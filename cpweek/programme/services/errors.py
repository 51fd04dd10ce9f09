"""The programme's refusals, each with a message for the person using the site (see
cpweek.errors.DomainError). They sit apart so any module of the package can raise them."""

from __future__ import annotations

from cpweek.errors import DomainError
from cpweek.programme.models import Registration


class RegistrationError(DomainError):
    pass


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    def __init__(self, message: str, registration: Registration):
        super().__init__(message)
        self.registration = registration


class CapacityTooLow(RegistrationError):
    field = "capacity"


class WorkshopClash(RegistrationError):
    field = "workshops"


class AssistedContactMissing(DomainError):
    field = "email"


class EventInvalid(DomainError):
    pass


class EditionInvalid(DomainError):
    pass
