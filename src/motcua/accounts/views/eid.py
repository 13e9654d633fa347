"""e-ID login and linking, the profile page and logout. Thin adapters: the plugin and the
services do the work."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import structlog
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.core import audit
from motcua.core.middleware import CSP
from motcua.integrations.population.services import prefill_for

from .. import selectors, services, sessions
from ..backends import BACKEND_EID
from ..decorators import citizen_required
from ..eid import EidError, get_provider

log = structlog.get_logger(__name__)

#: What the session keeps about the e-ID login: the provider, the level, when, and the ID token
#: (only as the logout hint; it leaves with the session).
SESSION_KEY = "motcua_eid"


def eid_level(request: HttpRequest) -> int | None:
    """The level of assurance of this session's e-ID login (None: not logged in with e-ID)."""
    data = request.session.get(SESSION_KEY) or {}
    return data.get("level")


@never_cache
@require_GET
def eid_login(request: HttpRequest) -> HttpResponse:
    next_url = safe_next(request, request.GET.get("next"))
    level = 2 if request.GET.get("muc") == "2" else None
    try:
        url = get_provider().authorization_url(request, next_url, level=level)
    except EidError as error:
        return _error_page(request, error)
    return redirect(url)


@never_cache
@require_GET
def eid_callback(request: HttpRequest) -> HttpResponse:
    provider = get_provider()
    try:
        identity = provider.complete(request)
        if identity.purpose == "refresh":
            person = selectors.person_of(request.user)
            if person is None or person.eid_subject != identity.subject:
                raise EidError("wrong_account")
        if identity.purpose == "link":
            if not (request.user.is_authenticated and request.user.is_citizen):
                raise EidError("state_missing")
            user = services.link_eid(request.user, identity)
        else:
            user = services.login_with_eid(identity)
    except EidError as error:
        return _error_page(request, error)
    # A new session key (no fixation), and the e-ID level as this session's assurance.
    sessions.complete_login(
        request, user, backend=BACKEND_EID, method=sessions.METHOD_EID, level=identity.level
    )
    request.session[SESSION_KEY] = {
        "provider": provider.id,
        "level": identity.level,
        "at": timezone.now().isoformat(),
        "id_token": identity.id_token,
    }
    audit.record(
        "eid_login",
        actor=user,
        obj=user,
        request=request,
        provider=provider.id,
        level=identity.level,
        purpose=identity.purpose,
    )
    if identity.purpose == "refresh":
        messages.success(request, _("Đã cập nhật thông tin của bạn từ VNeID."))
    if identity.purpose == "link":
        audit.record("eid_linked", actor=user, obj=user, request=request, level=identity.level)
        messages.success(
            request,
            _("Đã liên kết tài khoản với VNeID. Thông tin của bạn nay đã được xác thực."),
        )
    return redirect(identity.next_url or reverse("accounts:profile"))


@never_cache
@citizen_required
@require_POST
def eid_link(request: HttpRequest) -> HttpResponse:
    """Link this local account to the e-ID: log in with the e-ID, then attach it."""
    try:
        url = get_provider().authorization_url(request, reverse("accounts:profile"), purpose="link")
    except EidError as error:
        return _error_page(request, error)
    return redirect(url)


@never_cache
@citizen_required
@require_POST
def eid_refresh(request: HttpRequest) -> HttpResponse:
    """Log in with the e-ID again to bring the verified attributes up to date."""
    try:
        url = get_provider().authorization_url(
            request, reverse("accounts:profile"), purpose="refresh"
        )
    except EidError as error:
        return _error_page(request, error)
    return redirect(url)


@never_cache
@citizen_required
@require_GET
def profile(request: HttpRequest) -> HttpResponse:
    person = selectors.person_of(request.user)
    linked = person is not None and person.is_eid_linked
    context = {
        "person": person,
        "linked": linked,
        "rows": selectors.profile_rows(person) if person else [],
        "contacts": selectors.contact_rows(request.user),
        "history": selectors.number_history(person) if person else [],
        "session_level": eid_level(request),
        "assurance": sessions.assurance(request),
        "population": prefill_for(person) if linked else None,
    }
    return _allow_provider_forms(render(request, "accounts/profile.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def logout(request: HttpRequest) -> HttpResponse:
    """GET asks to confirm; POST ends the session here, then at the e-ID provider."""
    if request.method == "GET":
        if not request.user.is_authenticated:
            return redirect("portal:home")
        return _allow_provider_forms(render(request, "accounts/logout.html"))
    was_staff = request.user.is_authenticated and request.user.is_staff_member
    data = request.session.get(SESSION_KEY) or {}
    target = None
    if data.get("id_token"):
        try:
            target = get_provider(data.get("provider")).logout_url(request, data["id_token"])
        except EidError:
            target = None
    auth_logout(request)
    log.info("accounts.logged_out", at_provider=bool(target))
    if not target:
        return redirect("backoffice:login" if was_staff else "portal:home")
    if _site_forms_may_reach(target):
        return redirect(target)
    # The page this form was on forbids its forms to end elsewhere (CSP form-action), and
    # browsers apply that to our redirect: send the browser on with a Refresh instead.
    response = render(request, "accounts/logout_continue.html", {"target": target})
    response["Refresh"] = f"0; url={target}"
    return response


# --- Helpers ---------------------------------------------------------------------------------


def safe_next(request: HttpRequest, value: str | None, default: str = "") -> str:
    """Only a path on this site is a place to come back to after login."""
    if (
        value
        and value.startswith("/")
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default or reverse("accounts:profile")


def _error_page(request: HttpRequest, error: EidError) -> HttpResponse:
    log.info("accounts.eid_failed", code=error.code)
    audit.record("eid_login_failed", request=request, code=error.code)
    return render(
        request,
        "accounts/eid_error.html",
        {"error": error, "retry_url": reverse("accounts:eid_login")},
        status=error.status,
    )


def _site_forms_may_reach(url: str) -> bool:
    """Whether the site-wide CSP lets a form on any page end in a redirect to ``url``."""
    policy = getattr(settings, "MOTCUA_CSP", CSP)
    match = re.search(r"(?:^|;)\s*form-action ([^;]*)", policy)
    if match is None:
        return True
    sources = match.group(1).split()
    parts = urlsplit(url)
    return "*" in sources or f"{parts.scheme}://{parts.netloc}" in sources


def _allow_provider_forms(response: HttpResponse) -> HttpResponse:
    """Browsers apply a page's ``form-action`` to the redirects after its forms are sent, so
    a page whose form ends at the provider (refresh, logout) must allow the provider's origin."""
    try:
        origins = get_provider().origins()
    except EidError:
        origins = []
    policy = getattr(settings, "MOTCUA_CSP", CSP)
    if origins and "form-action" in policy:
        extra = " ".join(origins)
        response["Content-Security-Policy"] = re.sub(
            r"form-action ([^;]*)", lambda m: f"form-action {m.group(1)} {extra}", policy, count=1
        )
    return response
