"""Production overlay: secure cookies, HSTS, JSON logs. Secrets must come from the environment."""

from django.core.exceptions import ImproperlyConfigured

from motcua.core.env import env

from .base import (
    MOTCUA_BENCH_ENDPOINTS,
    MOTCUA_DEMO_MAILBOX,
    MOTCUA_EID_CLIENT_SECRET,
    SECRET_KEY,
    STORAGES,
)

if SECRET_KEY.startswith("embedded-only"):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production")
if MOTCUA_EID_CLIENT_SECRET.endswith("-dev-secret"):  # the embedded default
    raise ImproperlyConfigured("MOTCUA_EID_CLIENT_SECRET must be set in production")

if MOTCUA_BENCH_ENDPOINTS:
    raise ImproperlyConfigured("MOTCUA_BENCH_ENDPOINTS is for benchmarks only")
if MOTCUA_DEMO_MAILBOX:
    raise ImproperlyConfigured("MOTCUA_DEMO_MAILBOX shows every code sent: never in production")

DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
LOG_FORMAT = "json"
WHITENOISE_USE_FINDERS = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
