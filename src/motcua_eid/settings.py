"""Settings of the demo national e-ID provider (``motcua_eid``), all from the environment.

This is a separate Django project, run in its own process (``gunicorn motcua_eid.wsgi``); the
portal (``motcua``) never imports it. It speaks OpenID Connect through django-oauth-toolkit.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from motcua_eid import keys

SRC_DIR = Path(__file__).resolve().parents[1]
BASE_DIR = SRC_DIR.parent


def env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def env_list(name: str, default: str, sep: str | None = None) -> list[str]:
    return [item.strip() for item in env(name, default).split(sep) if item.strip()]


VAR_DIR = Path(env("EID_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATA_DIR = Path(env("EID_DATA_DIR", str(BASE_DIR / "data")))
EID_WARDS_CSV = Path(env("EID_WARDS_CSV", str(DATA_DIR / "units-2025" / "wards_2025.csv.gz")))

EID_ISSUER = env("EID_ISSUER", "http://127.0.0.1:8001/o").rstrip("/")
EID_CLIENT_ID = env("EID_CLIENT_ID", "motcua-portal")
EID_CLIENT_SECRET = env("EID_CLIENT_SECRET", "motcua-portal-dev-secret")
EID_REDIRECT_URIS = env_list("EID_REDIRECT_URIS", "http://127.0.0.1:8000/tai-khoan/vneid/ve/")
EID_POST_LOGOUT_REDIRECT_URIS = env_list("EID_POST_LOGOUT_REDIRECT_URIS", "http://127.0.0.1:8000/")
# The OIDC endpoints live under the issuer's path ("/o/" by default).
EID_URL_PREFIX = urlsplit(EID_ISSUER).path.strip("/")

SECRET_KEY = env("EID_SECRET_KEY", "motcua-eid-demo-only-not-a-secret-" + "y" * 32)
DEBUG = env("EID_DEBUG", "0").lower() in {"1", "true", "yes", "on"}
ALLOWED_HOSTS = env_list("EID_ALLOWED_HOSTS", "127.0.0.1,localhost", ",")
_issuer_host = urlsplit(EID_ISSUER).hostname
if _issuer_host and _issuer_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_issuer_host)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    # Before oauth2_provider, so that our templates override its (English) ones.
    "motcua_eid.apps.EidConfig",
    "oauth2_provider",
]

MIDDLEWARE = [
    "motcua_eid.keys.KeyReloadMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "motcua_eid.urls"
WSGI_APPLICATION = "motcua_eid.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("EID_DATABASE_URL", f"sqlite:///{VAR_DIR / 'eid.sqlite3'}")
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

LOGIN_URL = "/dang-nhap/"
LOGIN_REDIRECT_URL = "/"
# The provider and the portal both run on 127.0.0.1 in development, and browsers do not isolate
# cookies by port: distinct names keep the two sessions apart.
SESSION_COOKIE_NAME = "eid_sessionid"
CSRF_COOKIE_NAME = "eid_csrftoken"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Citizens log in by choosing themselves on the demo page: nobody has a password.
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]

# Keys live as PEM files in EID_VAR_DIR; KeyReloadMiddleware re-reads them when they change, so
# `motcua-eid rotate_keys` takes effect in a running server without a restart.
_active_key, _inactive_keys = keys.read_keys(VAR_DIR)

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_ISS_ENDPOINT": EID_ISSUER,
    "OIDC_RSA_PRIVATE_KEY": _active_key,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _inactive_keys,
    "OIDC_JWKS_MAX_AGE_SECONDS": 300,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OAUTH2_VALIDATOR_CLASS": "motcua_eid.validators.EidOAuth2Validator",
    "SCOPES": {
        "openid": "Định danh OpenID Connect (sub, acr, level, account_type)",
        "profile": "Họ tên, ngày sinh, giới tính",
        "vneid": "Số định danh cá nhân, CMND cũ, mã số thuế, số điện thoại, địa chỉ thường trú",
    },
    "DEFAULT_SCOPES": ["openid"],
    "ALLOWED_REDIRECT_URI_SCHEMES": ["http", "https"],
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 24 * 3600,
    # RFC 9700 (OAuth 2.0 Security BCP): only the code flow, only S256 PKCE, access tokens
    # only in the Authorization header, and the RFC 9207 `iss` parameter on the redirect back.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("EID_LOG_LEVEL", "WARNING")},
}
