"""The resources room's refusals."""

from cpweek.errors import DomainError


class ResourceError(DomainError):
    """Something typed for a resource, a format or a credit is wrong; `field` names it."""


class NotAllowed(ResourceError):
    pass
