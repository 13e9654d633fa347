"""Who may open a page: citizens' account pages and staff pages, each refusing the other kind."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.urls import reverse


def _refuse(request, message_key: str):
    return render(request, "accounts/wrong_account_type.html", {"kind": message_key}, status=403)


def citizen_required(view):
    """Logged in as a citizen (e-ID or local account); staff accounts are refused (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("accounts:login"))
        if not user.is_citizen:
            return _refuse(request, "citizen")
        return view(request, *args, **kwargs)

    return wrapper


def staff_required(permission: str | None = None):
    """Logged in as staff (with the second factor, which the middleware ensures), holding
    ``permission`` somewhere when one is named; otherwise 403. Objects are checked in the view."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            from .access import scope_of

            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("backoffice:login"))
            if not user.is_staff_member:
                return _refuse(request, "staff")
            if permission and not scope_of(user).has(permission):
                return render(request, "backoffice/forbidden.html", status=403)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
