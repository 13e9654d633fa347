"""Rate limits: per client system (its own number, or ``MOTCUA_API_RATE_PER_MINUTE``), and
per address for requests without credentials. Counted in Django's cache (Redis in
production, so every web process shares the count)."""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .auth import Credentials


class ClientRateThrottle(SimpleRateThrottle):
    scope = "client"

    def get_rate(self):
        return f"{int(settings.MOTCUA_API_RATE_PER_MINUTE)}/min"

    def allow_request(self, request, view):
        credentials = request.auth
        if isinstance(credentials, Credentials) and credentials.client.rate_per_minute:
            self.num_requests = credentials.client.rate_per_minute
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        credentials = request.auth
        if isinstance(credentials, Credentials):
            return f"api-throttle:client:{credentials.client.public_id}"
        return None


class AnonymousRateThrottle(SimpleRateThrottle):
    scope = "anonymous"

    def get_rate(self):
        return f"{int(settings.MOTCUA_API_ANON_RATE_PER_MINUTE)}/min"

    def get_cache_key(self, request, view):
        if isinstance(request.auth, Credentials):
            return None
        return f"api-throttle:anon:{self.get_ident(request)}"


THROTTLES = [ClientRateThrottle, AnonymousRateThrottle]
