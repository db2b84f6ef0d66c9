"""Errors raised by domain services; their message is shown to the user as it is (translated)."""


class DomainError(Exception):
    """A rule refused the change. Nothing was saved."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
        # What is kept of the refused attempt itself (a place inside a danger zone was tried):
        # functions run once the action's transaction is rolled back (``www.common.submit``).
        self.aftermath: list = []

    def keep_after_rollback(self) -> None:
        """Run the ``aftermath`` (each once), outside the rolled-back transaction."""
        while self.aftermath:
            self.aftermath.pop(0)()


class NotAllowed(DomainError):
    """The actor may not do this (the page answers 404 when the object is out of scope)."""


class StaleVersion(DomainError):
    """Someone else changed the object since the page was loaded."""
