"""Password-login protection with django-axes: the backend and the Vietnamese lockout page."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class AxesBackend(AxesStandaloneBackend):
    """Axes' standalone backend, which also accepts ``authenticate()`` without a request.

    Every login over HTTP passes its request (Django's login form, the admin) and is counted and
    locked out as usual. A call without one (the shell, a management command) cannot be a brute
    force from the network: it is left to the next backends instead of raising.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response=None, credentials=None
) -> HttpResponse:
    """The page shown instead of the login form while a username + address is locked out."""
    from django.conf import settings

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else None
    response = render(
        request,
        "core/lockout.html",
        {"minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


def too_many_failures_from_address(
    request: HttpRequest, *, action: str = "login_failed", limit: int | None = None
) -> bool:
    """Whether the client's address has failed to log in too often lately, whatever the names
    tried (credential stuffing): ``MOTCUA_LOGIN_IP_FAILURE_LIMIT`` failures in
    ``MOTCUA_LOGIN_LOCKOUT_MINUTES``. django-axes locks one name from one address; this stops
    one address trying many names. Counted from the audit log (``action``: the entries that
    count, e.g. ``dossier_lookup_failed`` for the public dossier lookup)."""
    from datetime import timedelta

    from django.conf import settings
    from django.utils import timezone

    from .audit import client_ip
    from .models import AuditEntry

    ip = client_ip(request)
    if limit is None:
        limit = int(getattr(settings, "MOTCUA_LOGIN_IP_FAILURE_LIMIT", 30))
    if not ip or limit <= 0:
        return False
    since = timezone.now() - timedelta(minutes=settings.MOTCUA_LOGIN_LOCKOUT_MINUTES)
    failures = AuditEntry.objects.filter(ip=ip, action=action, at__gte=since)
    return failures.count() >= limit


def address_lockout_response(request: HttpRequest) -> HttpResponse:
    from django.conf import settings

    response = render(
        request,
        "core/lockout.html",
        {"minutes": settings.MOTCUA_LOGIN_LOCKOUT_MINUTES, "by_address": True},
        status=429,
    )
    response["Retry-After"] = str(settings.MOTCUA_LOGIN_LOCKOUT_MINUTES * 60)
    return response
