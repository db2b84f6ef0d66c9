"""Errors raised by domain services; their message is shown to the user as it is (translated)."""


class DomainError(Exception):
    """A rule refused the change. Nothing was saved."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotAllowed(DomainError):
    """The actor may not do this (the page answers 404 when the object is out of scope)."""


class StaleVersion(DomainError):
    """Someone else changed the object since the page was loaded."""
