"""Base settings shared by every environment. Defaults run the embedded installation."""

import json
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from motcua.core.env import env
from motcua.core.middleware import CSP

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent
VAR_DIR = Path(env("MOTCUA_VAR_DIR", str(BASE_DIR / "var")))
DATA_DIR = Path(env("MOTCUA_DATA_DIR", str(BASE_DIR / "data")))

# The embedded key is only good for a machine that serves itself; production must set one.
MOTCUA_ENV = env("MOTCUA_ENV", "embedded")
SECRET_KEY = env("DJANGO_SECRET_KEY", "embedded-only-not-a-secret-" + "x" * 32)
DEBUG = env("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver", "[::1]"])
CSRF_TRUSTED_ORIGINS = env("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "motcua.core.admin_site.MotcuaAdminConfig",  # django.contrib.admin, system administrators only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "oauth2_provider",  # the API's client-credentials grant only (docs/adr/0004)
    "django_prometheus",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "motcua.core",
    "motcua.accounts",
    "motcua.notifications",
    "motcua.integrations",
    "motcua.integrations.portal",  # label portal_sync: status sync with the national portal
    "motcua.units",
    "motcua.catalog",
    "motcua.documents",
    "motcua.forms",
    "motcua.dossiers",
    "motcua.results",
    "motcua.payments",
    "motcua.feedback",
    "motcua.stats",
    "motcua.portal",
    "motcua.backoffice",
    "motcua.api",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "motcua.core.middleware.RequestIdMiddleware",
    "motcua.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "motcua.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "motcua" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "motcua.accounts.context_processors.account",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
        conn_max_age=env("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=env("DATABASE_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the web process read while an import or a worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif env("DATABASE_SERVER_SIDE_BINDING", True):
    # Parameters sent apart from the text, and a statement a connection has run five times
    # prepared on the server: parsed and planned once, not on every request. Behind a pooler
    # in transaction mode that cannot keep prepared statements, DATABASE_PREPARED_STATEMENTS
    # =false turns preparing off.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True,
        prepare_threshold=5 if env("DATABASE_PREPARED_STATEMENTS", True) else None,
    )
DATABASES["default"]["TEST"] = {"NAME": env("DATABASE_TEST_NAME", None)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "motcua" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it, even before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = env("WHITENOISE_USE_FINDERS", True)
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "EXCEPTION_HANDLER": "motcua.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "motcua API",
    "DESCRIPTION": (
        "Public REST API of motcua: the procedure catalogue (thủ tục hành chính) and, "
        "in later versions, dossiers. Errors are structured with a Vietnamese and an "
        "English message."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
}

# The cache: computed figures of the dashboards, the home page's counts, locks. Each process
# keeps its own by default; production shares one (MOTCUA_CACHE_URL=redis://host:6379/2).
MOTCUA_CACHE_URL = env("MOTCUA_CACHE_URL", "locmem://")
if MOTCUA_CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": MOTCUA_CACHE_URL,
            "KEY_PREFIX": "motcua",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Dashboard figures (stats.figures): kept while nothing under their unit changed, at most this
# long; once dossiers changed, still shown for FRESH seconds, and while one request recomputes
# them, to the others for at most STALE seconds (figures never more than a minute behind).
MOTCUA_STATS_CACHE_SECONDS = env("MOTCUA_STATS_CACHE_SECONDS", 60)
MOTCUA_STATS_FRESH_SECONDS = env("MOTCUA_STATS_FRESH_SECONDS", 10)
MOTCUA_STATS_STALE_SECONDS = env("MOTCUA_STATS_STALE_SECONDS", 45)

# Catalogue and search.
MOTCUA_SEARCH_CANDIDATES = env("MOTCUA_SEARCH_CANDIDATES", 200)
MOTCUA_PAGE_SIZE = env("MOTCUA_PAGE_SIZE", 20)
MOTCUA_API_MAX_LIMIT = env("MOTCUA_API_MAX_LIMIT", 100)

# --- API v1 for client systems (docs/api.md) -------------------------------------------------
# Requests a minute per client system (a client may have its own number in the admin).
MOTCUA_API_RATE_PER_MINUTE = env("MOTCUA_API_RATE_PER_MINUTE", 600)
# Requests a minute per address without credentials (the public reads).
MOTCUA_API_ANON_RATE_PER_MINUTE = env("MOTCUA_API_ANON_RATE_PER_MINUTE", 300)
MOTCUA_API_TOKEN_SECONDS = env("MOTCUA_API_TOKEN_SECONDS", 3600)
# Webhook delivery: seconds to wait for a receiver, attempts before giving up.
MOTCUA_WEBHOOK_TIMEOUT = env("MOTCUA_WEBHOOK_TIMEOUT", 10.0)
MOTCUA_WEBHOOK_MAX_ATTEMPTS = env("MOTCUA_WEBHOOK_MAX_ATTEMPTS", 12)
# Receivers at private or loopback addresses are refused unless allowed (tests, embedded).
MOTCUA_WEBHOOK_ALLOW_PRIVATE = env("MOTCUA_WEBHOOK_ALLOW_PRIVATE", MOTCUA_ENV != "production")
OAUTH2_PROVIDER = {
    "SCOPES": {
        "procedures:read": "Đọc danh mục thủ tục",
        "dossiers:read": "Tra cứu tình trạng hồ sơ",
        "dossiers:write": "Nộp hồ sơ thay người dân",
        "supplements:write": "Gửi giấy tờ bổ sung",
        "webhooks:manage": "Quản lý webhook",
    },
    "SCOPES_BACKEND_CLASS": "motcua.api.auth.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": MOTCUA_API_TOKEN_SECONDS,
    "OIDC_ENABLED": False,
    "PKCE_REQUIRED": False,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only the token's checksum is kept
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# --- e-ID: login with VNeID (OpenID Connect) ------------------------------------------------
# See docs/identity.md. The defaults talk to the bundled test provider (`motcua-eid`, port 8001).
# One backend per way in (accounts/backends.py): e-ID, local citizen account, staff.
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.backends.EidBackend",
    "motcua.accounts.backends.ContactBackend",
    "motcua.accounts.backends.StaffBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "portal:home"
MOTCUA_EID_PROVIDER = env("MOTCUA_EID_PROVIDER", "oidc")
MOTCUA_EID_DISCOVERY_URL = env(
    "MOTCUA_EID_DISCOVERY_URL", "http://127.0.0.1:8001/o/.well-known/openid-configuration"
)
MOTCUA_EID_CLIENT_ID = env("MOTCUA_EID_CLIENT_ID", "motcua-portal")
MOTCUA_EID_CLIENT_SECRET = env("MOTCUA_EID_CLIENT_SECRET", "motcua-portal-dev-secret")
# "" = chosen from the provider's discovery document (client_secret_basic, else _post).
MOTCUA_EID_TOKEN_AUTH_METHOD = env("MOTCUA_EID_TOKEN_AUTH_METHOD", "")
MOTCUA_EID_SCOPES = env("MOTCUA_EID_SCOPES", ["openid", "profile", "vneid"])
# Levels of assurance asked for, in order of preference (sent as acr_values).
MOTCUA_EID_ACR_VALUES = env(
    "MOTCUA_EID_ACR_VALUES", ["urn:vneid:acr:level2", "urn:vneid:acr:level1"]
)
# The provider's acr values and the VNeID level (1 or 2) each one means; JSON in the environment.
MOTCUA_EID_ACR_LEVELS = env(
    "MOTCUA_EID_ACR_LEVELS",
    {"urn:vneid:acr:level1": 1, "urn:vneid:acr:level2": 2},
    cast=json.loads,
)
MOTCUA_EID_MIN_LEVEL = env("MOTCUA_EID_MIN_LEVEL", 1)
# False only for a provider that sends no nonce in its ID tokens (a nonce sent is still checked).
MOTCUA_EID_REQUIRE_NONCE = env("MOTCUA_EID_REQUIRE_NONCE", True)
MOTCUA_EID_USE_USERINFO = env("MOTCUA_EID_USE_USERINFO", True)
MOTCUA_EID_SIGNING_ALGS = env(
    "MOTCUA_EID_SIGNING_ALGS", ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256"]
)
# Our private key (JWK, JWK set, PEM, or a file path) for providers that encrypt ID tokens.
MOTCUA_EID_DECRYPTION_KEY = env("MOTCUA_EID_DECRYPTION_KEY", "")
# "" = built from the request: https://<host>/tai-khoan/vneid/ve/ and https://<host>/.
MOTCUA_EID_REDIRECT_URI = env("MOTCUA_EID_REDIRECT_URI", "")
MOTCUA_EID_POST_LOGOUT_REDIRECT_URI = env("MOTCUA_EID_POST_LOGOUT_REDIRECT_URI", "")
MOTCUA_EID_TIMEOUT = env("MOTCUA_EID_TIMEOUT", 10.0)
MOTCUA_EID_METADATA_TTL = env("MOTCUA_EID_METADATA_TTL", 3600)
MOTCUA_EID_CLOCK_SKEW = env("MOTCUA_EID_CLOCK_SKEW", 120)
MOTCUA_EID_FLOW_TTL = env("MOTCUA_EID_FLOW_TTL", 900)

# Logging out ends with a redirect to the provider: forms may end there (CSP form-action).
_eid_origin = urlsplit(MOTCUA_EID_DISCOVERY_URL)
MOTCUA_CSP = CSP.replace(
    "form-action 'self'",
    f"form-action 'self' {_eid_origin.scheme}://{_eid_origin.netloc}"
    if _eid_origin.netloc
    else "form-action 'self'",
)
# --- end e-ID --------------------------------------------------------------------------------

# --- Local accounts: one-time codes sent by e-mail or SMS -----------------------------------
MOTCUA_OTP_TTL = env("MOTCUA_OTP_TTL", 300)  # seconds a code stays good
MOTCUA_OTP_MAX_ATTEMPTS = env("MOTCUA_OTP_MAX_ATTEMPTS", 5)  # wrong guesses per code
MOTCUA_OTP_RESEND_SECONDS = env("MOTCUA_OTP_RESEND_SECONDS", 60)
MOTCUA_OTP_MAX_PER_HOUR = env("MOTCUA_OTP_MAX_PER_HOUR", 5)  # per account and purpose
MOTCUA_OTP_MAX_PER_IP_HOUR = env("MOTCUA_OTP_MAX_PER_IP_HOUR", 20)  # per client address
# Staff second factor (django-otp TOTP): the name authenticator apps show.
OTP_TOTP_ISSUER = env("MOTCUA_TOTP_ISSUER", "motcua")
# Invitation and password links for staff stay good this long (Django's token generator).
PASSWORD_RESET_TIMEOUT = env("MOTCUA_INVITATION_SECONDS", 3 * 24 * 3600)

# --- Messages: e-mail (SMTP in production) and SMS (a gateway plugin) ------------------------
# Embedded: both go to the demo mailbox at /thu-nghiem/hop-thu/ (MOTCUA_DEMO_MAILBOX).
MOTCUA_DEMO_MAILBOX = env("MOTCUA_DEMO_MAILBOX", MOTCUA_ENV == "embedded")
EMAIL_BACKEND = env(
    "MOTCUA_EMAIL_BACKEND",
    "motcua.notifications.backends.DemoMailboxBackend"
    if MOTCUA_DEMO_MAILBOX
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env("MOTCUA_EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = env("MOTCUA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env("MOTCUA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env("MOTCUA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env("MOTCUA_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env("MOTCUA_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env("MOTCUA_EMAIL_FROM", "Cổng dịch vụ công motcua <no-reply@motcua.local>")
MOTCUA_SMS_GATEWAY = env("MOTCUA_SMS_GATEWAY", "demo")
# The `http` gateway (notifications/sms.py): its URL (empty with the demo mailbox on: this
# site's demo gateway at /thu-nghiem/sms/), key, brandname and timeout in seconds.
MOTCUA_SMS_GATEWAY_URL = env("MOTCUA_SMS_GATEWAY_URL", "")
MOTCUA_SMS_GATEWAY_KEY = env("MOTCUA_SMS_GATEWAY_KEY", "demo-sms-key")
MOTCUA_SMS_GATEWAY_SENDER = env("MOTCUA_SMS_GATEWAY_SENDER", "MOTCUA")
MOTCUA_SMS_GATEWAY_TIMEOUT = env("MOTCUA_SMS_GATEWAY_TIMEOUT", 5.0)
# Channels of event messages (in-app is always on), and attempts of a failed one before it
# waits for an administrator's "Gửi lại" (docs/notifications.md).
MOTCUA_NOTIFICATION_CHANNELS = env("MOTCUA_NOTIFICATION_CHANNELS", ["email", "sms", "inapp"])
MOTCUA_NOTIFICATION_MAX_ATTEMPTS = env("MOTCUA_NOTIFICATION_MAX_ATTEMPTS", 8)

# --- Business registry: organisations by tax code --------------------------------------------
MOTCUA_BUSINESS_REGISTRY = env("MOTCUA_BUSINESS_REGISTRY", "demo")
MOTCUA_BUSINESS_REGISTRY_URL = env(
    "MOTCUA_BUSINESS_REGISTRY_URL", "http://127.0.0.1:8001/demo/businesses.json"
)
MOTCUA_BUSINESS_REGISTRY_TIMEOUT = env("MOTCUA_BUSINESS_REGISTRY_TIMEOUT", 3.0)

# --- Population database: prefill from the national population registry --------------------
# A registry of sources (motcua.integrations.population); the default `demo` reads the bundled
# test provider's citizens (`motcua-eid`, port 8001). Any failure only disables the prefill.
MOTCUA_POPULATION_SOURCE = env("MOTCUA_POPULATION_SOURCE", "demo")
MOTCUA_POPULATION_URL = env("MOTCUA_POPULATION_URL", "http://127.0.0.1:8001/demo/citizens.json")
MOTCUA_POPULATION_TIMEOUT = env("MOTCUA_POPULATION_TIMEOUT", 3.0)
# --- end Population database -----------------------------------------------------------------

# --- National portal: status sync (motcua.integrations.portal, docs/integrations.md) ---------
# `demo` talks to the bundled demo receiver (python -m motcua.integrations.portal.receiver,
# port 8002, started by `make run`); `dvcqg` to the national portal; `disabled` pushes nothing.
MOTCUA_PORTAL_SYNC = env("MOTCUA_PORTAL_SYNC", "demo")
MOTCUA_PORTAL_SYNC_URL = env("MOTCUA_PORTAL_SYNC_URL", "http://127.0.0.1:8002/api")
MOTCUA_PORTAL_SYNC_TOKEN_URL = env(
    "MOTCUA_PORTAL_SYNC_TOKEN_URL", "http://127.0.0.1:8002/oauth/token"
)
MOTCUA_PORTAL_SYNC_CLIENT_ID = env("MOTCUA_PORTAL_SYNC_CLIENT_ID", "motcua-demo")
MOTCUA_PORTAL_SYNC_CLIENT_SECRET = env("MOTCUA_PORTAL_SYNC_CLIENT_SECRET", "motcua-demo-secret")
MOTCUA_PORTAL_SYNC_TIMEOUT = env("MOTCUA_PORTAL_SYNC_TIMEOUT", 5.0)
# The nightly reconciliation looks up the dossiers changed in this many days.
MOTCUA_PORTAL_SYNC_RECONCILE_DAYS = env("MOTCUA_PORTAL_SYNC_RECONCILE_DAYS", 2.0)
# --- end National portal ---------------------------------------------------------------------

LOG_FORMAT = env("MOTCUA_LOG_FORMAT", "console")
LOG_LEVEL = env("MOTCUA_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "structured": {"()": "motcua.core.logging.build_formatter", "log_format": LOG_FORMAT}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Security: audit log, password-login lockout, sessions ----------------------------------
# Every login, logout, failed login and lockout is written to the append-only audit log
# (motcua.core.audit; the client IP is kept there on purpose, for security review).
#
# Password login (today the admin at /quan-tri/login/) is guarded by django-axes: after
# MOTCUA_LOGIN_FAILURE_LIMIT failures for one username from one address, that pair is locked for
# MOTCUA_LOGIN_LOCKOUT_MINUTES (a failure while locked starts the period again); a successful
# login clears the count. The lockout page is core/lockout.html (Vietnamese, HTTP 429).
# Axes logs usernames and addresses masked and never the password (AXES_SENSITIVE_PARAMETERS);
# the POST data it keeps with an attempt has the password and CSRF token masked too.
# Behind a reverse proxy, set AXES_IPWARE_PROXY_COUNT / AXES_IPWARE_META_PRECEDENCE_ORDER
# (django-axes docs), or every client shares the proxy's address.
from datetime import timedelta  # noqa: E402

INSTALLED_APPS = [*INSTALLED_APPS, "axes"]
# e-ID login calls django.contrib.auth.login() with a backend, without authenticate(): not
# counted by axes, as it has no password to guess.
AUTHENTICATION_BACKENDS = ["motcua.core.security.AxesBackend", *AUTHENTICATION_BACKENDS]
MIDDLEWARE = [*MIDDLEWARE, "axes.middleware.AxesMiddleware"]
AXES_ENABLED = env("MOTCUA_AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env("MOTCUA_LOGIN_FAILURE_LIMIT", 5)
MOTCUA_LOGIN_LOCKOUT_MINUTES = env("MOTCUA_LOGIN_LOCKOUT_MINUTES", 15)
AXES_COOLOFF_TIME = timedelta(minutes=MOTCUA_LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# One address trying many names: refused for the lockout period after this many failures
# (motcua.core.security.too_many_failures_from_address); 0 turns it off.
MOTCUA_LOGIN_IP_FAILURE_LIMIT = env("MOTCUA_LOGIN_IP_FAILURE_LIMIT", 30)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "motcua.core.security.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password", "csrfmiddlewaretoken"]
# Successful logins are in the audit log already: no second copy in axes' access log.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False  # no banner on every command; lockouts still reach the audit log

# Sessions end after MOTCUA_SESSION_IDLE_MINUTES without a request (sliding expiry: the cookie
# is renewed on every request, the stored session at most once a minute, see
# motcua.accounts.session_engines). The cookie is HttpOnly and SameSite=Lax (above); Secure in
# production. With a shared cache (Redis) sessions are read from it, written to both.
MOTCUA_SESSION_IDLE_MINUTES = env("MOTCUA_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = MOTCUA_SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ENGINE = "motcua.accounts.session_engines" + (
    ".cached" if CACHES["default"]["BACKEND"].endswith("RedisCache") else ""
)
# --- end Security ----------------------------------------------------------------------------

# --- Working days: office hours for deadlines (motcua.core.calendar) ------------------------
# The sessions of a working day, "HH:MM-HH:MM" comma-separated in the environment
# (DOMAIN.md §4: 07:00–11:30 and 13:30–17:00, 8 hours = 1 working day). An agency's own hours
# can be passed per call; holidays and make-up days are data (CalendarDay, motcua bootstrap).
MOTCUA_OFFICE_SESSIONS = env("MOTCUA_OFFICE_SESSIONS", ["07:00-11:30", "13:30-17:00"])
# --- end Working days ------------------------------------------------------------------------

# --- Documents: uploads, malware scanning, private file storage ------------------------------
# See docs/documents.md. Types are recognised by content (magic bytes), never by name:
# pdf, jpeg, png by default; tiff, docx, xlsx, odt may be added.
MOTCUA_UPLOAD_TYPES = env("MOTCUA_UPLOAD_TYPES", ["pdf", "jpeg", "png"])
MOTCUA_UPLOAD_MAX_FILE_MB = env("MOTCUA_UPLOAD_MAX_FILE_MB", 20)
MOTCUA_UPLOAD_MAX_TOTAL_MB = env("MOTCUA_UPLOAD_MAX_TOTAL_MB", 100)  # all files of one dossier
# A scanner plugin (motcua.documents.scanners): `demo` (refuses only the EICAR test file) or
# `clamd` (ClamAV's daemon over TCP; its StreamMaxLength must exceed the per-file limit).
MOTCUA_MALWARE_SCANNER = env("MOTCUA_MALWARE_SCANNER", "demo")
MOTCUA_CLAMD_HOST = env("MOTCUA_CLAMD_HOST", "127.0.0.1")
MOTCUA_CLAMD_PORT = env("MOTCUA_CLAMD_PORT", 3310)
MOTCUA_CLAMD_TIMEOUT = env("MOTCUA_CLAMD_TIMEOUT", 15.0)  # seconds per socket operation
# The documents' own storage (STORAGES["documents"]); the default storage is left as it is.
# `filesystem`: VAR_DIR/private, outside MEDIA_ROOT and STATIC_ROOT, no URL. `s3`: an
# S3-compatible bucket through django-storages, private objects, signed URLs only.
MOTCUA_DOCUMENT_STORAGE = env("MOTCUA_DOCUMENT_STORAGE", "filesystem")
MOTCUA_DOCUMENT_DIR = env("MOTCUA_DOCUMENT_DIR", str(VAR_DIR / "private"))
MOTCUA_S3_BUCKET = env("MOTCUA_S3_BUCKET", "")
MOTCUA_S3_ENDPOINT_URL = env("MOTCUA_S3_ENDPOINT_URL", "")  # "" = AWS; else MinIO, Ceph …
MOTCUA_S3_ACCESS_KEY = env("MOTCUA_S3_ACCESS_KEY", "")
MOTCUA_S3_SECRET_KEY = env("MOTCUA_S3_SECRET_KEY", "")
MOTCUA_S3_REGION = env("MOTCUA_S3_REGION", "")
MOTCUA_S3_ADDRESSING_STYLE = env("MOTCUA_S3_ADDRESSING_STYLE", "")  # "path" for most MinIO
if MOTCUA_DOCUMENT_STORAGE == "filesystem":
    _documents_storage = {
        "BACKEND": "motcua.documents.storage.PrivateFileSystemStorage",
        "OPTIONS": {
            "location": MOTCUA_DOCUMENT_DIR,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
elif MOTCUA_DOCUMENT_STORAGE == "s3":
    _documents_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MOTCUA_S3_BUCKET,
            "endpoint_url": MOTCUA_S3_ENDPOINT_URL or None,
            "access_key": MOTCUA_S3_ACCESS_KEY or None,
            "secret_key": MOTCUA_S3_SECRET_KEY or None,
            "region_name": MOTCUA_S3_REGION or None,
            "addressing_style": MOTCUA_S3_ADDRESSING_STYLE or None,
            "signature_version": "s3v4",
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
else:
    raise ValueError(
        f"MOTCUA_DOCUMENT_STORAGE={MOTCUA_DOCUMENT_STORAGE!r}: use 'filesystem' or 's3'"
    )
STORAGES = {**STORAGES, "documents": _documents_storage}
# --- end Documents ---------------------------------------------------------------------------

# --- Filing: drafts, dossier codes, the outbox --------------------------------------------------
# The site's address in links sent by e-mail and printed as QR codes.
MOTCUA_SITE_URL = env("MOTCUA_SITE_URL", "http://127.0.0.1:8000")
MOTCUA_DRAFT_DAYS = env("MOTCUA_DRAFT_DAYS", 30)  # a draft untouched this long is deleted
MOTCUA_DRAFT_REMINDER_DAYS = env("MOTCUA_DRAFT_REMINDER_DAYS", 3)  # reminder before expiry
MOTCUA_DOSSIER_SEQUENCE_START = env("MOTCUA_DOSSIER_SEQUENCE_START", 1)
# Filing online needs this e-ID level (2 = the card's legal value; 0 lets local accounts file).
MOTCUA_FILING_MIN_LEVEL = env("MOTCUA_FILING_MIN_LEVEL", 2)
# Outbox: embedded, events are handled right after each commit too (production: workers).
MOTCUA_OUTBOX_INLINE = env("MOTCUA_OUTBOX_INLINE", MOTCUA_ENV == "embedded")
MOTCUA_OUTBOX_HANDLER_MODULES = [
    "motcua.dossiers.handlers",
    "motcua.notifications.handlers",
    "motcua.api.webhooks",
    "motcua.integrations.portal.handlers",
]
# Public lookup of a dossier by code: wrong answers from one address before a pause.
MOTCUA_LOOKUP_FAILURE_LIMIT = env("MOTCUA_LOOKUP_FAILURE_LIMIT", 10)
# --- end Filing ------------------------------------------------------------------------------

# --- Background work: Celery workers and beat (motcua.celery, docs/operations.md) ------------
# Embedded, the broker is a folder (no server to run); production names Redis or RabbitMQ,
# e.g. redis://host:6379/0 or amqp://user:password@host:5672//.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
_broker_folder = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_folder.mkdir(parents=True, exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {
        "data_folder_in": str(_broker_folder),
        "data_folder_out": str(_broker_folder),
        "control_folder": str(_broker_folder / "control"),
    }
    if CELERY_BROKER_URL.startswith("filesystem")
    else {"visibility_timeout": 3600}
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None  # a broker restart is waited out, however long
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "motcua")
CELERY_TASK_ACKS_LATE = True  # a task whose worker dies is run again, not lost
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Beat: how often the outbox is dispatched (seconds) and the nightly jobs' hour.
MOTCUA_OUTBOX_INTERVAL = env("MOTCUA_OUTBOX_INTERVAL", 1.0)
MOTCUA_NIGHTLY_HOUR = env("MOTCUA_NIGHTLY_HOUR", 1)
# /healthz reports the outbox "late" when a delivery has waited longer than this (seconds).
MOTCUA_HEALTH_OUTBOX_LAG = env("MOTCUA_HEALTH_OUTBOX_LAG", 60)
# --- end Background work ---------------------------------------------------------------------

# --- PDF slips (motcua.core.pdf) -------------------------------------------------------------
# Folder holding DejaVuSans.ttf and DejaVuSans-Bold.ttf (Debian package fonts-dejavu-core,
# installed by scripts/install-system-packages): the fonts embedded in every slip, since the
# standard PDF fonts have no Vietnamese letters.
MOTCUA_PDF_FONT_DIR = env("MOTCUA_PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")
# --- end PDF slips ---------------------------------------------------------------------------

# --- Electronic results: signing and verification (motcua.results, docs/results.md) ---------
# Key store: `demo` (a demo authority and agency certificates made on first use, no legal
# value), `pkcs12` (one file per agency code, or default.p12) or `pkcs11` (token or HSM).
MOTCUA_SIGNING_KEYS = env("MOTCUA_SIGNING_KEYS", "demo")
MOTCUA_SIGNING_PKCS12_DIR = env("MOTCUA_SIGNING_PKCS12_DIR", "")
MOTCUA_SIGNING_PKCS12_PASSPHRASE = env("MOTCUA_SIGNING_PKCS12_PASSPHRASE", "")
MOTCUA_SIGNING_PKCS11_LIB = env("MOTCUA_SIGNING_PKCS11_LIB", "")
MOTCUA_SIGNING_PKCS11_TOKEN = env("MOTCUA_SIGNING_PKCS11_TOKEN", "")
MOTCUA_SIGNING_PKCS11_PIN = env("MOTCUA_SIGNING_PKCS11_PIN", "")
MOTCUA_SIGNING_PKCS11_KEY_LABEL = env("MOTCUA_SIGNING_PKCS11_KEY_LABEL", "{code}")
# Root certificates (PEM or DER files) a result's signature may chain to.
MOTCUA_SIGNING_TRUST_ROOTS = env("MOTCUA_SIGNING_TRUST_ROOTS", [])
# Largest file the public verification page accepts, and checks per address per 15 minutes.
MOTCUA_VERIFY_MAX_MB = env("MOTCUA_VERIFY_MAX_MB", 20)
MOTCUA_VERIFY_LIMIT = env("MOTCUA_VERIFY_LIMIT", 30)
# --- end Electronic results ------------------------------------------------------------------
# --- Online payment of fees (motcua.payments, docs/payments.md) ----------------------------
# Providers offered to the citizen, in this order: `national` (the national payment platform's
# messages) and `gateway` (a card and wallet gateway). Each URL left empty means the demo bank
# pages of this site (MOTCUA_PAYMENT_DEMO), reached at MOTCUA_SITE_URL.
MOTCUA_PAYMENT_PROVIDERS = env("MOTCUA_PAYMENT_PROVIDERS", ["national", "gateway"])
MOTCUA_PAYMENT_NATIONAL_URL = env("MOTCUA_PAYMENT_NATIONAL_URL", "")
MOTCUA_PAYMENT_NATIONAL_PARTNER_CODE = env("MOTCUA_PAYMENT_NATIONAL_PARTNER_CODE", "MOTCUA")
MOTCUA_PAYMENT_NATIONAL_SECRET = env("MOTCUA_PAYMENT_NATIONAL_SECRET", "demo-national-secret")
MOTCUA_PAYMENT_GATEWAY_URL = env("MOTCUA_PAYMENT_GATEWAY_URL", "")
MOTCUA_PAYMENT_GATEWAY_QUERY_URL = env("MOTCUA_PAYMENT_GATEWAY_QUERY_URL", "")
MOTCUA_PAYMENT_GATEWAY_TMN_CODE = env("MOTCUA_PAYMENT_GATEWAY_TMN_CODE", "MOTCUA01")
MOTCUA_PAYMENT_GATEWAY_SECRET = env("MOTCUA_PAYMENT_GATEWAY_SECRET", "demo-gateway-secret")
MOTCUA_PAYMENT_TIMEOUT = env("MOTCUA_PAYMENT_TIMEOUT", 5.0)
# A payment still pending this many minutes after it started is asked about (QUERY).
MOTCUA_PAYMENT_QUERY_AFTER_MINUTES = env("MOTCUA_PAYMENT_QUERY_AFTER_MINUTES", 5)
# One the provider still calls unfinished this long after it started is closed (paid again).
MOTCUA_PAYMENT_EXPIRE_MINUTES = env("MOTCUA_PAYMENT_EXPIRE_MINUTES", 30)
# The demo bank pages (refused in production by a system check), and how their
# server-to-server notification behaves: sent after this many seconds, or never (drop).
MOTCUA_PAYMENT_DEMO = env("MOTCUA_PAYMENT_DEMO", MOTCUA_ENV == "embedded")
MOTCUA_PAYMENT_DEMO_NOTIFY_DELAY = env("MOTCUA_PAYMENT_DEMO_NOTIFY_DELAY", 0.0)
MOTCUA_PAYMENT_DEMO_DROP_NOTIFY = env("MOTCUA_PAYMENT_DEMO_DROP_NOTIFY", False)
# The citizen's browser is sent on to the providers' pages from a form: their origins (and any
# other the national platform's payment URLs use) are allowed by CSP form-action.
_payment_origins = [
    f"{parts.scheme}://{parts.netloc}"
    for parts in map(
        urlsplit,
        [
            MOTCUA_PAYMENT_NATIONAL_URL,
            MOTCUA_PAYMENT_GATEWAY_URL,
            *env("MOTCUA_PAYMENT_FORM_ORIGINS", []),
        ],
    )
    if parts.netloc
]
if _payment_origins:
    MOTCUA_CSP = MOTCUA_CSP.replace(
        "form-action 'self'", "form-action 'self' " + " ".join(_payment_origins)
    )
# --- end Online payment ----------------------------------------------------------------------
# The unit of a catalogue processing time given as a bare number (about 14% of records).
MOTCUA_DEFAULT_TIME_UNIT = env("MOTCUA_DEFAULT_TIME_UNIT", "working_day")
# After a supplement: "restart" the processing period (the legal rule) or "resume" it, the
# dates moved by the waiting time (the national index's way); per province as "H36=resume".
MOTCUA_SUPPLEMENT_CLOCK = env("MOTCUA_SUPPLEMENT_CLOCK", "restart")
MOTCUA_SUPPLEMENT_CLOCK_BY_PROVINCE = dict(
    item.split("=", 1) for item in env("MOTCUA_SUPPLEMENT_CLOCK_BY_PROVINCE", []) if "=" in item
)
# A supplement may be asked for at most this many working days after receipt.
MOTCUA_SUPPLEMENT_WITHIN_DAYS = env("MOTCUA_SUPPLEMENT_WITHIN_DAYS", 3)
# bench/submit.py only: routes its baseline endpoint (refused in production).
MOTCUA_BENCH_ENDPOINTS = env("MOTCUA_BENCH_ENDPOINTS", False)
