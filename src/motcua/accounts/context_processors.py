"""Template context about the session's account: on whose behalf the citizen works."""

from __future__ import annotations

from . import acting


def account(request) -> dict:
    """``acting``: the chosen context when it is not the citizen themself (else None).
    Nothing is queried for sessions that never chose one."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or acting.ACTING_KEY not in request.session:
        return {"acting": None}
    current = acting.current(request)
    return {"acting": current if current is not None and current.on_behalf else None}
