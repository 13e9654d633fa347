"""How a client system proves who it is, and what each endpoint asks of it.

Two ways, both giving ``request.user`` = the client's account and ``request.auth`` = a
:class:`Credentials`: an API key (``X-API-Key: mc_…`` or ``Authorization: ApiKey mc_…``), or
an OAuth2 access token from the client-credentials grant (``Authorization: Bearer …``, from
``POST /api/v1/oauth/token``, django-oauth-toolkit; see docs/adr/0004). Scopes and agencies
are checked by :class:`ScopeRequired` and by the selectors (``ClientSystem.dossier_q``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import structlog
from django.utils import timezone
from oauth2_provider.scopes import BaseScopes
from oauth2_provider.settings import oauth2_settings
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from .errors import ApiError
from .models import ApiKey, ClientSystem

log = structlog.get_logger(__name__)

KEY_PREFIX = "mc_"


@dataclass(frozen=True)
class Credentials:
    client: ClientSystem
    scopes: frozenset[str]
    via: str  # "api_key" | "oauth2"

    def has(self, scope: str) -> bool:
        return scope in self.scopes


def key_digest(key: str) -> str:
    """SHA-256 of a whole key: keys are 32 random bytes, so a fast hash is enough."""
    return hashlib.sha256(key.encode()).hexdigest()


def split_key(key: str) -> str | None:
    """The lookup prefix of ``mc_<prefix>_<secret>``, or None when it is not of that form."""
    if not key.startswith(KEY_PREFIX):
        return None
    prefix, sep, secret = key[len(KEY_PREFIX) :].partition("_")
    if not sep or not prefix or not secret or len(prefix) > 16:
        return None
    return prefix


def _bad_credentials(how: str) -> ApiError:
    return ApiError(
        "invalid_credentials",
        "Thông tin xác thực không hợp lệ, đã hết hạn hoặc đã bị thu hồi.",
        "The credentials are invalid, expired or revoked.",
        status_code=401,
        headers={"WWW-Authenticate": f'{how} realm="api"'},
    )


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        key = request.headers.get("X-API-Key", "")
        header = request.headers.get("Authorization", "")
        if not key and header[:7].lower() == "apikey ":
            key = header[7:].strip()
        if not key:
            return None
        prefix = split_key(key)
        found = (
            ApiKey.objects.usable().select_related("client__user").filter(prefix=prefix).first()
            if prefix
            else None
        )
        if found is None or not _equal(found.digest, key_digest(key)):
            log.info("api.key_refused")
            raise _bad_credentials("ApiKey")
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiKey.objects.filter(pk=found.pk).update(last_used_at=now)
        client = found.client
        return client.user, Credentials(client, frozenset(client.scopes or []), "api_key")

    def authenticate_header(self, request):
        return 'ApiKey realm="api"'


def _equal(a: str, b: str) -> bool:
    import hmac

    return hmac.compare_digest(a, b)


class BearerAuthentication(BaseAuthentication):
    """An access token of the client-credentials grant (django-oauth-toolkit's tables)."""

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if header[:7].lower() != "bearer ":
            return None
        from oauth2_provider.models import get_access_token_model

        token_text = header[7:].strip()
        token = (
            get_access_token_model()
            .objects.select_related("application__client_system__user")
            .filter(token_checksum=hashlib.sha256(token_text.encode()).hexdigest())
            .first()
        )
        client = _client_of(token)
        if token is None or client is None or token.is_expired() or not client.is_active:
            log.info("api.token_refused")
            raise _bad_credentials("Bearer")
        granted = frozenset(token.scope.split()) & frozenset(client.scopes or [])
        return client.user, Credentials(client, granted, "oauth2")

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


def _client_of(token) -> ClientSystem | None:
    if token is None or token.application is None:
        return None
    try:
        return token.application.client_system
    except ClientSystem.DoesNotExist:
        return None


class ClientScopes(BaseScopes):
    """What a client may ask a token for: the scopes its administrator granted it."""

    def _of(self, application) -> list[str]:
        client = ClientSystem.objects.filter(oauth_application=application).first()
        if client is None or not client.is_active:
            return []
        return [s for s in client.scopes or [] if s in oauth2_settings.SCOPES]

    def get_all_scopes(self):
        return oauth2_settings.SCOPES

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        return self._of(application)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return self._of(application)


class ScopeRequired(BasePermission):
    """The view's ``required_scopes`` (method → scope) must be held by the client; a view
    without a scope for the method is public."""

    def has_permission(self, request, view) -> bool:
        needed = getattr(view, "required_scopes", {}).get(request.method)
        if needed is None:
            return True
        credentials = request.auth
        if not isinstance(credentials, Credentials):
            raise exceptions.NotAuthenticated()
        if not credentials.has(needed):
            raise ApiError(
                "scope_missing",
                f"Hệ thống kết nối chưa được cấp quyền “{needed}”.",
                f"The client system lacks the scope “{needed}”.",
                status_code=403,
            )
        return True


AUTHENTICATION = [ApiKeyAuthentication, BearerAuthentication]
