"""Template context about the session's account: on whose behalf the citizen works."""

from __future__ import annotations

from . import acting


def account(request) -> dict:
    """``acting``: the chosen context when it is not the citizen themself (else None), and
    the citizen's unread notifications. Nothing is queried for anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_citizen:
        return {"acting": None, "unread_notifications": 0}
    from motcua.notifications.services import unread_count

    unread = unread_count(user)
    if acting.ACTING_KEY not in request.session:
        return {"acting": None, "unread_notifications": unread}
    current = acting.current(request)
    return {
        "acting": current if current is not None and current.on_behalf else None,
        "unread_notifications": unread,
    }
