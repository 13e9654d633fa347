"""What a request does when the database cannot be reached: 503 with ``Retry-After``, never a
half-written change (the transaction is rolled back with the connection), and a page or an API
error that says so plainly, so that the citizen or the client system sends it again."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

#: Seconds a client is asked to wait before sending the request again.
RETRY_AFTER = 30


def database_unavailable(error: BaseException | None) -> bool:
    """True for the errors of a database that is down or unreachable (not for a refused
    write such as an integrity error)."""
    while error is not None:
        if isinstance(error, OperationalError | InterfaceError):
            return True
        error = error.__cause__ or error.__context__
    return False
