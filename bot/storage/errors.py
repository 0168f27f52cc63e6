"""The two ways storing can fail, kept apart because they call for opposite reactions.

:class:`RowsRejectedError` says the *data* was refused (isolate the row, drop it, keep the
rest); :class:`StoreError` says the *database* failed (keep the batch, retry, tell someone).
Both engines translate their drivers' exceptions into these, so no caller needs to know
which engine is underneath.
"""

from __future__ import annotations


class StoreError(Exception):
    """The database could not be opened, read or written. The message has no password.

    ``transient`` marks the failures a retry can fix (a dropped connection, a server
    restarting); a read-only file or a full disk stays broken, and retrying only delays.
    """

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient


class SchemaTooNewError(StoreError):
    """A newer bot migrated this database; this one leaves it alone."""


class RowsRejectedError(Exception):
    """The engine refused the data itself (a value out of range, say), not the operation."""
