"""A staff session must have passed the second factor; anything else is logged out."""

from __future__ import annotations

import structlog
from django.contrib.auth import logout

log = structlog.get_logger(__name__)


class StaffSecondFactorMiddleware:
    """After django-otp's middleware: ``request.user.is_verified()`` says whether this
    session passed a second factor. A staff session that did not (it cannot happen through
    the login pages) is ended before any view sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and getattr(user, "is_staff_member", False)
            and not user.is_verified()
        ):
            log.warning("accounts.staff_session_without_second_factor", user_id=user.pk)
            logout(request)
        return self.get_response(request)
