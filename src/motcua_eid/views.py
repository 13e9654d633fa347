"""Pages of the demo provider: the citizen picker (login), a home page, a JSON list of citizens,
and the two django-oauth-toolkit views we adjust (discovery and authorize)."""

from __future__ import annotations

import json
import uuid

from django.contrib.auth import get_user_model, login, logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView

from motcua_eid import businesses
from motcua_eid.citizens import fold
from motcua_eid.models import ACR_LEVEL1, ACR_LEVEL2, Citizen


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return "/"


def _current_citizen(request: HttpRequest) -> Citizen | None:
    if not request.user.is_authenticated:
        return None
    return Citizen.objects.filter(pid=request.user.username).first()


def _matches(citizen: Citizen, query: str) -> bool:
    digits = "".join(ch for ch in query if ch.isdigit())
    if digits and digits == query.replace(" ", ""):
        return digits in citizen.pid or (citizen.old_id and digits in citizen.old_id)
    return fold(query) in fold(citizen.full_name)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Choose a synthetic citizen to log in as, then continue to ``next``."""
    if request.method == "POST":
        try:
            sub = uuid.UUID(request.POST.get("citizen", ""))
        except ValueError:
            return HttpResponseBadRequest("Công dân không hợp lệ.")
        citizen = get_object_or_404(Citizen, sub=sub)
        user, _ = get_user_model().objects.get_or_create(
            username=citizen.pid,
            defaults={"first_name": citizen.given_name, "last_name": citizen.family_name},
        )
        if user.has_usable_password():
            user.set_unusable_password()
            user.save(update_fields=["password"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(_safe_next(request, request.POST.get("next")))

    query = request.GET.get("q", "").strip()[:100]
    citizens = list(Citizen.objects.all())
    shown = [c for c in citizens if _matches(c, query)] if query else citizens
    next_url = _safe_next(request, request.GET.get("next"))
    return render(
        request,
        "motcua_eid/login.html",
        {
            "citizens": shown,
            "total": len(citizens),
            "query": query,
            "next": next_url,
            "current": _current_citizen(request),
        },
    )


@require_GET
def home_view(request: HttpRequest) -> HttpResponse:
    return render(request, "motcua_eid/home.html", {"current": _current_citizen(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/")


@require_GET
def citizens_json(request: HttpRequest) -> JsonResponse:
    """Public data of the synthetic citizens, in login-page order (for tests and demos)."""
    data = [
        {"index": index, "id": citizen.pk, "masked_pid": citizen.masked_pid, **citizen.claims()}
        for index, citizen in enumerate(Citizen.objects.all())
    ]
    return JsonResponse({"citizens": data})


@require_GET
def businesses_json(request: HttpRequest) -> JsonResponse:
    """The synthetic organisations of the demo business registry (for tests and demos)."""
    claims = [citizen.claims() for citizen in Citizen.objects.all()]
    return JsonResponse({"businesses": businesses.generate(claims)})


class EidDiscoveryView(ConnectDiscoveryInfoView):
    """The standard discovery document plus the VNeID assurance levels."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data["id_token_signing_alg_values_supported"] = ["RS256"]  # the client is RS256 only
        data["acr_values_supported"] = [ACR_LEVEL1, ACR_LEVEL2]
        data["grant_types_supported"] = ["authorization_code", "refresh_token"]
        data["ui_locales_supported"] = ["vi"]
        data["claims_parameter_supported"] = False
        new = JsonResponse(data)
        new["Access-Control-Allow-Origin"] = "*"
        return new


class EidAuthorizationView(AuthorizationView):
    """Validate the request (client, redirect_uri, PKCE) *before* asking the user to log in,
    as the national provider does: a bad request never reaches the login page."""

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET" and not request.user.is_authenticated:
            try:
                self.validate_authorization_request(request)
            except OAuthToolkitError as error:
                return self.error_response(error, application=None)
        return super().dispatch(request, *args, **kwargs)
