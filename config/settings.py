"""GovHub settings: one file, fed by the environment (12-factor).

Every setting that is not in the environment has a safe default; `.env.example` lists
them all. Production differs from development only by environment variables.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from govhub.core.addresses import local_url
from govhub.core.storage_url import StorageUrlError, storage_from_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
TESTING = env.bool("GOVHUB_TESTING", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if DEBUG or TESTING:
        # Development only: a fixed, obviously unsafe key. Never used when debug is off.
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "django_tasks",
    # Before allauth, so that its templates override allauth's (allauth/layouts/base.html puts
    # the sign-in and account pages inside the site's own layout).
    "govhub.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "govhub.core",
    "govhub.organisations",
    "govhub.programmes",
    "govhub.services",
    "govhub.indices",
    "govhub.demo",
    # After govhub.core, whose `db_worker` (the library's, with a lease: ADR 0025) must win.
    "django_tasks_db",
]

MIDDLEWARE = [
    "govhub.core.middleware.RequestContextMiddleware",
    "govhub.core.middleware.HeadAsGetMiddleware",
    "govhub.core.middleware.PrivacyHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages and API answers go out compressed (static files are WhiteNoise's, precompressed):
    # the world map page is 138 KB as HTML and 42 KB gzipped. Django's GZip pads responses
    # with random bytes against BREACH, and CSRF tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    "govhub.core.rest.ApiErrorEnvelopeMiddleware",
    "govhub.core.middleware.UploadLimitMiddleware",
    "govhub.core.rest_parser.JsonGuardMiddleware",
    # Django's session, authentication and messages middleware, skipped for API calls with a
    # token (govhub/core/browser_middleware.py): those need none of them.
    "govhub.core.browser_middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "govhub.core.browser_middleware.AuthenticationMiddleware",
    "govhub.core.browser_middleware.MessageMiddleware",
    # Debug mode shows the friendly error pages too (GOVHUB_DEBUG_ERROR_PAGES=1: Django's).
    "govhub.core.friendly_errors.FriendlyErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "govhub.accounts.middleware.PrivilegedSessionMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "govhub.core.context_processors.site",
                "govhub.core.notifications.context_processors.unread",
            ],
        },
    }
]
if not DEBUG:
    TEMPLATES[0]["APP_DIRS"] = False
    TEMPLATES[0]["OPTIONS"]["loaders"] = [  # type: ignore[index]
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]

# Database: SQLite under var/ by default (embedded), PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'govhub.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers up front, so the audit chain never forks;
    # WAL lets readers run beside the one writer; GovHub's backend queues the writers
    # (govhub/core/db/sqlite3/base.py) instead of letting SQLite's busy handler nap.
    DATABASES["default"]["ENGINE"] = "govhub.core.db.sqlite3"
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    )
# Persistent connections on every engine: opening one (and, on SQLite, running its PRAGMAs)
# cost 1-2 ms a request in the benchmark.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches (docs/adr/0012-shared-security-counters.md). `CACHE_URL` is the page cache: local
# memory by default, for speed. Sign-in rate limits and the marks of used one-time codes live in
# the `security` alias, which every worker and node shares: the database table `govhub_cache`
# (made by `govhub migrate`) unless CACHE_URL is already shared (Redis) or
# GOVHUB_SECURITY_CACHE_URL names another shared store. django-allauth keeps them in the default
# cache under keys starting "allauth", so a per-process default routes those keys to `security`.
_PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)
_page_cache = env.cache_url("CACHE_URL", default="locmemcache://govhub")
_SECURITY_DATABASE = {
    # Django's database cache, except that past MAX_ENTRIES rows it sweeps only expired
    # ones: a flood of keys must not be able to evict counters or used-code marks.
    "BACKEND": "govhub.core.security_cache.SecurityDatabaseCache",
    "LOCATION": "govhub_cache",
    "OPTIONS": {"MAX_ENTRIES": env.int("GOVHUB_SECURITY_CACHE_MAX_ENTRIES", default=10_000)},
}
_security_cache_url = env.str("GOVHUB_SECURITY_CACHE_URL", default="")
if _security_cache_url:
    _security_cache = env.cache_url_config(_security_cache_url)
elif _page_cache["BACKEND"] in _PER_PROCESS_CACHES:
    _security_cache = _SECURITY_DATABASE
else:
    _security_cache = dict(_page_cache)
if _security_cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    _security_cache["BACKEND"] = "govhub.core.security_cache.SecurityDatabaseCache"
if _security_cache["BACKEND"] in _PER_PROCESS_CACHES:
    raise ImproperlyConfigured(
        "GOVHUB_SECURITY_CACHE_URL must name a store all workers share (dbcache://govhub_cache "
        "or redis://...): rate limits kept per process let each worker grant its own allowance."
    )
# Redis may go away (docs/adr/0025-task-leases-and-cache-outages.md): pages then miss (fail
# open), while the security counters and used-code marks go to the database table (the same
# table the embedded default uses), so sign-in limits still hold.
_REDIS = "django.core.cache.backends.redis.RedisCache"
_RESILIENT_REDIS = "govhub.core.cache_outage.ResilientRedisCache"
_CACHE_RETRY_SECONDS = env.float("GOVHUB_CACHE_RETRY_SECONDS", default=5.0)


def _outlives_redis(cache: dict[str, Any], **options: Any) -> dict[str, Any]:
    if cache["BACKEND"] != _REDIS:
        return cache
    retry = {"RETRY_SECONDS": _CACHE_RETRY_SECONDS}
    return {
        **cache,
        "BACKEND": _RESILIENT_REDIS,
        "OPTIONS": {**retry, **cache.get("OPTIONS", {}), **options},
    }


_security_extra = (
    {"security_fallback": _SECURITY_DATABASE} if _security_cache["BACKEND"] == _REDIS else {}
)
_security_cache = _outlives_redis(_security_cache, FALLBACK="security_fallback")
if _page_cache["BACKEND"] in _PER_PROCESS_CACHES:
    CACHES = {
        "default": {
            "BACKEND": "govhub.core.security_cache.RoutedCache",
            "OPTIONS": {"LOCAL": "pages", "SHARED": "security", "SHARED_PREFIXES": ["allauth"]},
        },
        "pages": _page_cache,
        "security": _security_cache,
        **_security_extra,
    }
else:
    CACHES = {
        # allauth's keys (sign-in limits, used codes) go to the security store while Redis is
        # away; page keys miss.
        "default": _outlives_redis(_page_cache, FALLBACK="security", FALLBACK_PREFIXES=["allauth"]),
        "security": _security_cache,
        **_security_extra,
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Not a check: revokes the person's API tokens whenever a password is saved (any route).
    {"NAME": "govhub.accounts.passwords.RevokeTokensOnPasswordChange"},
]
if TESTING:
    # Hashing is the slowest part of a test run; production keeps Django's default (PBKDF2).
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
# After sign-in a person lands on their work: their organisations' programmes.
LOGIN_REDIRECT_URL = "programmes:mine"
LOGOUT_REDIRECT_URL = "core:home"

# django-allauth: email sign-in, TOTP, OpenID Connect, rate limits.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="optional")
ACCOUNT_ADAPTER = "govhub.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "govhub.accounts.adapters.SocialAccountAdapter"
ACCOUNT_RATE_LIMITS = {
    # A client address may fail 20 times a minute overall. The "key" part limits second-factor
    # codes: five wrong codes per person per 5 minutes. Wrong passwords are limited per account
    # by GovHub's back-off instead (govhub/accounts/throttle.py), which slows guessing down
    # without locking the person out.
    "login_failed": env.str("GOVHUB_LOGIN_FAILED_LIMIT", default="20/m/ip,5/5m/key"),
    "login": "60/m/ip",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/5m/key",
}
ACCOUNT_LOGOUT_ON_GET = False
# Wrong passwords per account: the first GOVHUB_LOGIN_BACKOFF_FREE failures from one client
# address cost nothing; each further one doubles the wait before the next try from there,
# from GOVHUB_LOGIN_BACKOFF_SECONDS up to GOVHUB_LOGIN_BACKOFF_MAX_SECONDS. Failures from all
# addresses together start the same back-off after GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE. The
# person is told by email once per episode; a correct password ends it.
GOVHUB_LOGIN_BACKOFF_FREE = env.int("GOVHUB_LOGIN_BACKOFF_FREE", default=5)
GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE = env.int("GOVHUB_LOGIN_BACKOFF_ACCOUNT_FREE", default=20)
GOVHUB_LOGIN_BACKOFF_SECONDS = env.int("GOVHUB_LOGIN_BACKOFF_SECONDS", default=30)
GOVHUB_LOGIN_BACKOFF_MAX_SECONDS = env.int("GOVHUB_LOGIN_BACKOFF_MAX_SECONDS", default=900)
# Reverse proxies whose X-Forwarded-For is believed (addresses or networks, comma-separated).
# Empty: the header is ignored and the connecting address is the client's.
GOVHUB_TRUSTED_PROXIES = env.list("GOVHUB_TRUSTED_PROXIES", default=[])
for _proxy in GOVHUB_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"GOVHUB_TRUSTED_PROXIES: {error}") from error
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("GOVHUB_MFA_ISSUER", default="GovHub")
GOVHUB_OPEN_SIGNUP = env.bool("GOVHUB_OPEN_SIGNUP", default=True)
GOVHUB_MFA_REQUIRED_FOR_GOVERNMENT = env.bool("GOVHUB_MFA_REQUIRED_FOR_GOVERNMENT", default=True)
# Sessions of staff, superusers and government members end after this long without a request,
# and this long after sign-in whatever the activity; API tokens expire after GOVHUB_TOKEN_DAYS.
GOVHUB_SESSION_IDLE_MINUTES = env.int("GOVHUB_SESSION_IDLE_MINUTES", default=30)
GOVHUB_SESSION_MAX_HOURS = env.int("GOVHUB_SESSION_MAX_HOURS", default=12)
GOVHUB_TOKEN_DAYS = env.int("GOVHUB_TOKEN_DAYS", default=90)
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
OIDC_SERVER_URL = env.str("GOVHUB_OIDC_SERVER_URL", default="")
SOCIALACCOUNT_PROVIDERS: dict[str, object] = {}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": env.str("GOVHUB_OIDC_PROVIDER_ID", default="eid"),
                "name": env.str("GOVHUB_OIDC_NAME", default="National e-ID"),
                "client_id": env.str("GOVHUB_OIDC_CLIENT_ID"),
                "secret": env.str("GOVHUB_OIDC_CLIENT_SECRET"),
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ],
    }

# Internationalisation: English, Russian and Dari (right-to-left).
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("fa-af", _("Dari")),
]
LOCALE_PATHS = [BASE_DIR / "govhub" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
LANGUAGE_COOKIE_SECURE = not DEBUG
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "static")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Stored files (docs/adr/0014-files.md): local disk under MEDIA_ROOT, or S3-compatible object
# storage (s3://bucket/prefix?endpoint_url=...; credentials in AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY). Never served from a public URL: only through the access-checked view.
GOVHUB_STORAGE_URL = env.str("GOVHUB_STORAGE_URL", default="")
try:
    _FILE_STORAGE = storage_from_url(GOVHUB_STORAGE_URL, MEDIA_ROOT)
except StorageUrlError as _exc:
    raise ImproperlyConfigured(str(_exc)) from None
STORAGES = {
    "default": _FILE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "govhub.core.static_storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Uploads: anything larger is refused with 413 and a clear message.
GOVHUB_MAX_UPLOAD_BYTES = env.int("GOVHUB_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = GOVHUB_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Malware scanning of uploads: "none", or "clamav" (clamd's INSTREAM over
# GOVHUB_CLAMAV_URL: tcp://host:3310 or unix:///run/clamav/clamd.ctl). Default: clamav when
# its URL is set. While clamd does not answer, uploads are refused (503), not let through.
GOVHUB_CLAMAV_URL = env.str("GOVHUB_CLAMAV_URL", default="")
GOVHUB_CLAMAV_TIMEOUT = env.float("GOVHUB_CLAMAV_TIMEOUT", default=30.0)
GOVHUB_FILE_SCANNER = env.str("GOVHUB_FILE_SCANNER", default="") or (
    "clamav" if GOVHUB_CLAMAV_URL else "none"
)

# Security baseline. Production (debug off) is strict; HTTPS is assumed behind a proxy.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# The preload token only consents to the browsers' list; a domain joins it only when submitted.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env.list("GOVHUB_SILENCED_CHECKS", default=[])

# Content-Security-Policy (django-csp 4): no inline scripts, no third-party origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *env.list("GOVHUB_CSP_FORM_ACTION", default=[])],
        "frame-ancestors": ["'none'"],
    }
}

# Background tasks: the database-backed queue of django-tasks (Django's Tasks API).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else env.str("GOVHUB_TASKS_BACKEND", default="django_tasks_db.backend.DatabaseBackend")
        )
    }
}

# Leases on running tasks (docs/adr/0025-task-leases-and-cache-outages.md): each worker beats
# every GOVHUB_TASK_HEARTBEAT_SECONDS; a RUNNING task whose worker has not been seen for
# GOVHUB_TASK_LEASE_SECONDS is queued again, or failed once it was claimed
# GOVHUB_TASK_MAX_ATTEMPTS times.
GOVHUB_TASK_HEARTBEAT_SECONDS = env.float("GOVHUB_TASK_HEARTBEAT_SECONDS", default=10.0)
GOVHUB_TASK_LEASE_SECONDS = env.float("GOVHUB_TASK_LEASE_SECONDS", default=60.0)
GOVHUB_TASK_MAX_ATTEMPTS = env.int("GOVHUB_TASK_MAX_ATTEMPTS", default=3)
# How long a worker waits for the database to record a finished task's result (a restart).
GOVHUB_TASK_RESULT_PATIENCE_SECONDS = env.float(
    "GOVHUB_TASK_RESULT_PATIENCE_SECONDS", default=min(30.0, GOVHUB_TASK_LEASE_SECONDS / 2)
)
if not 0 < GOVHUB_TASK_HEARTBEAT_SECONDS * 3 <= GOVHUB_TASK_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "GOVHUB_TASK_LEASE_SECONDS must be at least three heartbeats "
        "(GOVHUB_TASK_HEARTBEAT_SECONDS), or a slow beat would release a live worker's task."
    )
if GOVHUB_TASK_RESULT_PATIENCE_SECONDS >= GOVHUB_TASK_LEASE_SECONDS:
    raise ImproperlyConfigured(
        "GOVHUB_TASK_RESULT_PATIENCE_SECONDS must be shorter than GOVHUB_TASK_LEASE_SECONDS."
    )
if GOVHUB_TASK_MAX_ATTEMPTS < 1:
    raise ImproperlyConfigured("GOVHUB_TASK_MAX_ATTEMPTS must be at least 1.")

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="GovHub <no-reply@govhub.invalid>")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# Notifications (docs/adr/0015-notifications.md): a delivery that fails is retried after
# GOVHUB_NOTIFY_RETRY_SECONDS, doubling each time up to GOVHUB_NOTIFY_RETRY_MAX_SECONDS, at most
# GOVHUB_NOTIFY_MAX_ATTEMPTS times. Text messages go through the named provider (console, file,
# http), checked at start-up.
GOVHUB_NOTIFY_RETRY_SECONDS = env.int("GOVHUB_NOTIFY_RETRY_SECONDS", default=60)
GOVHUB_NOTIFY_RETRY_MAX_SECONDS = env.int("GOVHUB_NOTIFY_RETRY_MAX_SECONDS", default=6 * 3600)
GOVHUB_NOTIFY_MAX_ATTEMPTS = env.int("GOVHUB_NOTIFY_MAX_ATTEMPTS", default=30)
# SMTP connections a worker sends one batch over at once.
GOVHUB_NOTIFY_SMTP_CONNECTIONS = env.int("GOVHUB_NOTIFY_SMTP_CONNECTIONS", default=4)
GOVHUB_SMS_PROVIDER = env.str("GOVHUB_SMS_PROVIDER", default="console")
GOVHUB_SMS_FILE = env.str("GOVHUB_SMS_FILE", default="var/sms.jsonl")
GOVHUB_SMS_URL = env.str("GOVHUB_SMS_URL", default="")
GOVHUB_SMS_TOKEN = env.str("GOVHUB_SMS_TOKEN", default="")

# Issued documents (docs/adr/0008-signed-documents.md). The public address is printed on every
# document as a QR code. Without a configured key and certificate, documents are signed with a
# self-signed development certificate made once under var/signing/: production must configure
# its own (`govhub check --deploy` warns). Previous certificates keep older documents valid
# after a key change. Unset, it is the address of the local server (HOST and PORT, which
# `make run` and `govhub serve` use), so a development document's QR code opens this server;
# production must set it (`govhub check --deploy` refuses a loopback address).
# Debug mode (`make run`) shows the same friendly error pages as production; set this to see
# Django's technical 404 and 500 pages instead (they list URL patterns and settings).
GOVHUB_DEBUG_ERROR_PAGES = env.bool("GOVHUB_DEBUG_ERROR_PAGES", default=False)
GOVHUB_PUBLIC_URL = env.str(
    "GOVHUB_PUBLIC_URL",
    default=local_url(env.str("HOST", default="127.0.0.1"), env.int("PORT", default=8000)),
)
# Where the footer offers the source (AGPL-3.0 section 13); empty: /source/, the archive of
# the code this server runs.
GOVHUB_SOURCE_URL = env.str("GOVHUB_SOURCE_URL", default="")
GOVHUB_SIGNING_KEY_FILE = env.str("GOVHUB_SIGNING_KEY_FILE", default="")
GOVHUB_SIGNING_CERT_FILE = env.str("GOVHUB_SIGNING_CERT_FILE", default="")
GOVHUB_SIGNING_KEY_PASSPHRASE = env.str("GOVHUB_SIGNING_KEY_PASSPHRASE", default="")
GOVHUB_SIGNING_PREVIOUS_CERT_FILES = env.list("GOVHUB_SIGNING_PREVIOUS_CERT_FILES", default=[])
GOVHUB_SIGNING_DEV_DIR = VAR_DIR / "signing"
# A TrueType font covering every script documents use; default: DejaVu Sans if installed.
GOVHUB_DOCUMENT_FONT = env.str("GOVHUB_DOCUMENT_FONT", default="")
GOVHUB_DOCUMENT_FONT_BOLD = env.str("GOVHUB_DOCUMENT_FONT_BOLD", default="")

# The audit log (docs/adr/0011-keyed-anchored-audit-log.md). Each entry's hash is an HMAC under
# a key kept outside the database, so whoever holds only the database cannot rewrite the chain;
# previous keys ("id:key", comma-separated) keep older entries verifiable after a rotation.
# Checkpoints of the chain's head are appended to a file outside the database
# (`govhub audit checkpoint`). Without a key, development and tests use a fixed, public one;
# with debug off the key is required (`govhub serve` refuses to start without it).
GOVHUB_AUDIT_KEY = env.str("GOVHUB_AUDIT_KEY", default="")
GOVHUB_AUDIT_KEY_ID = env.str("GOVHUB_AUDIT_KEY_ID", default="1")
if not GOVHUB_AUDIT_KEY and (DEBUG or TESTING):
    GOVHUB_AUDIT_KEY = "insecure-development-audit-key-do-not-use-in-production"
    GOVHUB_AUDIT_KEY_ID = "dev"
GOVHUB_AUDIT_PREVIOUS_KEYS = env.list("GOVHUB_AUDIT_PREVIOUS_KEYS", default=[])
GOVHUB_AUDIT_CHECKPOINT_FILE = env.path(
    "GOVHUB_AUDIT_CHECKPOINT_FILE", default=VAR_DIR / "audit" / "checkpoints.jsonl"
)

GOVHUB_DEMO = env.bool("GOVHUB_DEMO", default=False)
# Programmes run on the workflow definition of this key (govhub/programmes/isg-programme.yaml,
# the seed's ten steps); a deployment replaces it with its own file in GOVHUB_WORKFLOWS (same
# key, new version) or names another key. Steps' time limits are in the file (working days).
GOVHUB_PROGRAMME_WORKFLOW = env.str("GOVHUB_PROGRAMME_WORKFLOW", default="isg-programme")
# The commission's balance rule (step 2): members per sector, and the chair's sector.
GOVHUB_COMMISSION_BALANCE = env.json(
    "GOVHUB_COMMISSION_BALANCE", default={"min_per_sector": 1, "chair_sector": "government"}
)
# Workflows: deadlines count working days. Holidays are dates (YYYY-MM-DD, comma-separated) or
# the path of a file with one date a line; the weekend is day names. GOVHUB_WORKFLOWS lists
# definition files (YAML or JSON) that replace the shipped ones of the same key.
GOVHUB_HOLIDAYS = env.list("GOVHUB_HOLIDAYS", default=[])
GOVHUB_WEEKEND = env.list("GOVHUB_WEEKEND", default=["sat", "sun"])
GOVHUB_WORKFLOWS = env.list("GOVHUB_WORKFLOWS", default=[])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s"}
    },
    "filters": {"request_id": {"()": "govhub.core.middleware.RequestIdLogFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # PDF libraries: fontTools narrates every font subset; pyHanko warns about each
        # tampered copy someone uploads (the verdict goes back to them, not to the log).
        "fontTools": {"level": "WARNING"},
        "pyhanko": {"level": "ERROR"},
        "pyhanko_certvalidator": {"level": "ERROR"},
    },
}
GOVHUB_BENCH_BASELINE = env.bool("GOVHUB_BENCH_BASELINE", default=False)
