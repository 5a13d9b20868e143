"""IAM Console settings: one file, read from the environment.

DATABASE_URL   database (default: SQLite file db.sqlite3 beside manage.py, WAL mode)
SECRET_KEY     signing key (default: generated once into .secret_key, mode 0600, git-ignored)
SECRET_KEY_FALLBACKS  comma-separated previous SECRET_KEYs (still accepted, Django's rotation)
FIELD_ENCRYPTION_KEYS comma-separated keys for stored secrets, newest first (docs/secrets.md)
DEBUG          "true" for development only (default off)
ALLOWED_HOSTS  comma-separated (default: localhost names)
REDIS_URL      use Redis for throttle counters, the cache and sessions (default: the database)
SIGNUP_OPEN    "false" turns public sign-up off (default on: one account per student)
SIGNUP_LIMIT_PER_ADDRESS  accounts one address may create per hour (default 5; raise it
               for a class behind one NAT address)
PRACTICE_DIRECTORY_KEY_FILE  Example Corp's signing key (default: generated once into
               .practice_directory_key, mode 0600, git-ignored)
HTTPS          "true" when served over TLS: secure cookies, https redirect, HSTS
S3_DATA_DIR    where the practice S3 keeps object bytes (default: ~/.local/share/iamconsole/s3,
               outside the repository); STORAGES["s3"] may name any Django storage instead
S3_MAX_OBJECT_BYTES / S3_MAX_ACCOUNT_BYTES  practice S3 size limits (default 100 MiB / 1 GiB)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from iamconsole import private_files

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"{name} must be true or false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    return [item.strip() for item in value.split(",") if item.strip()] if value else default


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    return private_files.read_or_create(BASE_DIR / ".secret_key", lambda: secrets.token_urlsafe(50))


SECRET_KEY = _secret_key()
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])
# Stored secrets: the first key encrypts, all of them (and SECRET_KEY and its fallbacks)
# decrypt; see accounts/crypto.py and docs/secrets.md.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
DEBUG = env_bool("DEBUG", False)

# The AWS API's signature checks: "enforce" (default) or "off" for test suites, where
# signatures are not checked and unknown keys act as root of account 123456789012 (README,
# "Use the AWS CLI and boto3"). "off" needs DEBUG or the explicit opt-in below.
IAM_API_AUTH = os.environ.get("IAM_API_AUTH", "enforce").strip().lower()
IAM_API_AUTH_OFF_I_UNDERSTAND = env_bool("IAM_API_AUTH_OFF_I_UNDERSTAND", False)
# How long the event history keeps events (CloudTrail's Event history: 90 days).
EVENT_HISTORY_DAYS = int(os.environ.get("EVENT_HISTORY_DAYS", "90"))
if IAM_API_AUTH not in ("enforce", "off"):
    raise ImproperlyConfigured('IAM_API_AUTH must be "enforce" or "off".')
if IAM_API_AUTH == "off" and not (DEBUG or IAM_API_AUTH_OFF_I_UNDERSTAND):
    raise ImproperlyConfigured(
        "IAM_API_AUTH=off turns off every signature check of the AWS API. Set DEBUG=true or "
        "IAM_API_AUTH_OFF_I_UNDERSTAND=true to run like that (never on a shared server)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SIGNUP_OPEN = env_bool("SIGNUP_OPEN", True)
SIGNUP_LIMIT_PER_ADDRESS = int(os.environ.get("SIGNUP_LIMIT_PER_ADDRESS") or 5)

# The otpauth issuer shown in authenticator apps (AWS uses "Amazon Web Services").
MFA_ISSUER = os.environ.get("MFA_ISSUER", "IAM Console")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "accounts",
    "policies",
    "classroom",
    "ec2",
    "s3",
    "console",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Signed AWS API requests are answered here, before sessions and CSRF (api/).
    "api.middleware.AwsApiMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "iamconsole.middleware.RejectNulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "iamconsole.middleware.ConsoleMiddleware",
]

ROOT_URLCONF = "iamconsole.urls"
WSGI_APPLICATION = "iamconsole.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "iamconsole.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist (CONN_MAX_AGE 60, as for PostgreSQL): opening one costs ~1.5 ms
    # (Django registers its SQL functions and runs the PRAGMAs), a third of an API call.
    # WAL lets readers and one writer work at once; IMMEDIATE takes the write lock up
    # front so two concurrent transactions queue instead of failing on upgrade.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The file holds live sessions: private from creation (its -wal and -shm follow).
    private_files.protect_sqlite(DATABASES["default"]["NAME"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Throttle counters live in Redis when REDIS_URL is set, else in a table (domain.kernel.throttle):
# never in a cache, which may cull them before they expire.
REDIS_URL = os.environ.get("REDIS_URL", "")
if redis_url := REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "iamconsole_cache",
        }
    }
# Sessions (and the messages and wizard state they carry) live in Redis when there is one:
# no session-table query and write on every request, and every app server behind a load
# balancer sees the same session. Without Redis they stay in the database, which every app
# server shares as well. A Redis restart signs everyone out (sessions are not in the DB).
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

AUTH_USER_MODEL = "accounts.Principal"
# Example Corp, the built-in practice identity provider (directory/): its signing key and
# certificate, generated on first use into this private file (mode 0600, git-ignored).
PRACTICE_DIRECTORY_KEY_FILE = Path(
    os.environ.get("PRACTICE_DIRECTORY_KEY_FILE", BASE_DIR / ".practice_directory_key")
)

AUTHENTICATION_BACKENDS = ["accounts.backends.ConsoleBackend"]
LOGIN_URL = "signin"
LOGIN_REDIRECT_URL = "dashboard"

PASSWORD_HASHERS = [
    "accounts.hashers.ConsoleArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# IAM console sessions last 12 hours, as AWS's do.
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HTTPS=true when the console is served over TLS (usually behind a proxy that sets
# X-Forwarded-Proto): secure cookies, redirects to https and HSTS.
HTTPS = env_bool("HTTPS", False)
SECURE_COOKIES = env_bool("SECURE_COOKIES", HTTPS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))
# Subdomain HSTS and preloading commit a whole domain (often a school's) to HTTPS: that is
# the operator's decision, not this application's.
SILENCED_SYSTEM_CHECKS = ["security.W005", "security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "s3": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": os.environ.get(
                "S3_DATA_DIR", str(Path.home() / ".local" / "share" / "iamconsole" / "s3")
            )
        },
    },
}
S3_MAX_OBJECT_BYTES = int(os.environ.get("S3_MAX_OBJECT_BYTES", str(100 * 1024 * 1024)))
S3_MAX_ACCOUNT_BYTES = int(os.environ.get("S3_MAX_ACCOUNT_BYTES", str(1024 * 1024 * 1024)))
WHITENOISE_USE_FINDERS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
