"""Vigil settings: every value comes from the environment (documented in docs/settings.md).

Defaults give an embedded install (SQLite file and local media under VIGIL_DATA_DIR) that needs nothing else.
DATABASE_URL=postgres://... and VIGIL_S3_* switch to PostgreSQL and an S3-compatible object store.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from vigil.lib.env import database_from_url, envbool, envint, envlist, envpath, envstr
from vigil.lib.keylayout import key_layout_problems
from vigil.places.settings_table import defaults_from_environment as operational_defaults

BASE_DIR = Path(__file__).resolve().parent.parent
# Files this process makes (the SQLite file and its journal, media, staged uploads, keys) are its own: 0600 / 0700.
os.umask(0o077)
DATA_DIR = envpath("VIGIL_DATA_DIR", BASE_DIR / "data")
DATA_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)

DEBUG = envbool("VIGIL_DEBUG", False)
# Where Django's secret key is read from when VIGIL_SECRET_KEY is not set. In production (debug off) it must exist,
# outside the data directory; only a debug install makes one in its data directory.
VIGIL_SECRET_KEY_FILE = envpath("VIGIL_SECRET_KEY_FILE", DATA_DIR / "secret_key")


def _secret_key() -> str:
    key = envstr("VIGIL_SECRET_KEY", "")
    if key:
        return key
    if envbool("VIGIL_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("VIGIL_SECRET_KEY must be set")
    path = VIGIL_SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    if not DEBUG:
        # A node that made its own key would sign sessions and tokens no other node accepts, and keep it with the data.
        raise ImproperlyConfigured(
            f"no secret key: set VIGIL_SECRET_KEY or write one to VIGIL_SECRET_KEY_FILE ({path}), "
            "see docs/deployment.md"
        )
    path.touch(mode=0o600)
    path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("VIGIL_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("VIGIL_CSRF_TRUSTED_ORIGINS", [])
SITE_URL = envstr("VIGIL_SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # serves Swagger UI from its own static files (the CSP forbids the CDN it uses otherwise)
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "vigil.accounts",
    "vigil.vault",
    "vigil.places",
    "vigil.hotline",
    "vigil.network",
    "vigil.tlog",
    "vigil.evidence",
    "vigil.cases",
    "vigil.public",
    "vigil.site",  # the public site's template tags (the debunk box on the console's incident page)
    "vigil.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vigil.lib.compression.CompressedPages",  # HTML pages compressed; see the module on BREACH
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "vigil.accounts.sessions.SessionTimeoutMiddleware",
    "vigil.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vigil.lib.errors.VigilErrorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "vigil.urls"
WSGI_APPLICATION = "vigil.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["allauth.account.auth_backends.AuthenticationBackend"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/home/"
LOGOUT_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vigil.accounts.context.roles",
                "vigil.places.context.basemap_urls",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(envstr("DATABASE_URL", ""), sqlite_default=DATA_DIR / "vigil.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds what every process and node must share: rate limits, sign-in throttles, used one-time codes,
# the settings version. The database cache by default (its table is made by `migrate`), so four workers or two
# nodes count against one limit; any Django cache backend that all nodes reach will do.
CACHES = {
    "default": {
        "BACKEND": envstr("VIGIL_CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
        "LOCATION": envstr("VIGIL_CACHE_LOCATION", "vigil_cache"),
    },
    # Rendered public pages, in each process's memory: nothing in them is private, and keeping them out of the
    # shared cache keeps a viral rumour's readers off the database (vigil.public.freshness).
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vigil-public-pages"},
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("VIGIL_TIME_ZONE", "America/Chicago")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
MEDIA_ROOT = DATA_DIR / "media"

_S3_BUCKET = envstr("VIGIL_S3_BUCKET", "")
if _S3_BUCKET:
    _media_backend = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": envstr("VIGIL_S3_ENDPOINT_URL", "") or None,
            "access_key": envstr("VIGIL_S3_ACCESS_KEY", ""),
            "secret_key": envstr("VIGIL_S3_SECRET_KEY", ""),
            "region_name": envstr("VIGIL_S3_REGION", "us-east-1"),
            "signature_version": "s3v4",
            "addressing_style": "path",
            "file_overwrite": False,
            "default_acl": None,
        },
    }
else:
    _media_backend = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(MEDIA_ROOT),
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
STORAGES = {
    "default": _media_backend,
    "staticfiles": {
        # Hashed names (cached for a year) and the compressed copies collectstatic writes; run collectstatic to deploy.
        "BACKEND": "vigil.lib.compression.StaticFiles"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Finders serve the uncompressed sources straight from static/: for development only. In production WhiteNoise serves
# what collectstatic wrote (compressed copies, hashed names).
WHITENOISE_USE_FINDERS = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

TASKS = {"default": {"BACKEND": envstr("VIGIL_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Security headers. Pages make no third-party request: everything is served from here, except map tiles
# from the operator's chosen tile server (VIGIL_MAP_TILE_URL, empty = no basemap).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("VIGIL_SECURE_COOKIES", not DEBUG and SITE_URL.startswith("https://"))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = envint("VIGIL_SESSION_SECONDS", 12 * 3600, minimum=300)
# A signed-in session unused this long is signed out (vigil/accounts/sessions.py); VIGIL_SESSION_SECONDS is the
# absolute limit, however busy the session.
VIGIL_IDLE_MINUTES = envint("VIGIL_IDLE_MINUTES", 30, minimum=1)
# HTTPS: on by default when the site's URL is https and debug is off (docs/deployment.md has the production env).
_HTTPS = not DEBUG and SITE_URL.startswith("https://")
SECURE_SSL_REDIRECT = envbool("VIGIL_SSL_REDIRECT", _HTTPS)
SECURE_HSTS_SECONDS = envint("VIGIL_HSTS_SECONDS", 365 * 86400 if _HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("VIGIL_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("VIGIL_HSTS_PRELOAD", _HTTPS)
# Behind a TLS-terminating proxy (VIGIL_PROXY_HOPS > 0) the proxy says whether the request came over https.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envint("VIGIL_PROXY_HOPS", 0, minimum=0) else None
# The health check answers plain http on the loopback for the process supervisor.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
# same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on form posts and CSRF refuses them.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

MAP_TILE_URL = envstr("VIGIL_MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = envstr("VIGIL_MAP_TILE_ATTRIBUTION", "")
MAP_CENTER = (float(envstr("VIGIL_MAP_CENTER_LAT", "44.9778")), float(envstr("VIGIL_MAP_CENTER_LON", "-93.2650")))
# An optional geocoder the network runs itself (nominatim or photon), asked when the local gazetteer finds nothing.
VIGIL_GEOCODER_URL = envstr("VIGIL_GEOCODER_URL", "")
VIGIL_GEOCODER_KIND = envstr("VIGIL_GEOCODER_KIND", "nominatim")


def _tile_origin(url: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:", *_tile_origin(MAP_TILE_URL)],
        "connect-src": [SELF],
        "font-src": [SELF],
        "media-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Logging: never request lines with addresses, never bodies. Django's request logger only logs paths of errors.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # No client address and no receipt code in any line (django.request logs "Not Found: <path>").
    "filters": {"nothing_identifying": {"()": "vigil.lib.logscrub.NothingIdentifying"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["nothing_identifying"]}
    },
    "root": {"handlers": ["console"], "level": envstr("VIGIL_LOG_LEVEL", "INFO")},
    # Django's own "django" handlers (a console one in debug mode) would print records unfiltered: every record goes
    # to the root's filtered handler instead.
    "loggers": {"django": {"handlers": [], "propagate": True}, "django.server": {"level": "WARNING"}},
}

EMAIL_BACKEND = envstr("VIGIL_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("VIGIL_FROM_EMAIL", "vigil@localhost")

# --- Vigil -------------------------------------------------------------------------------------------------------
# Keys live in files named here; `manage.py init_keys` creates them for an embedded install.
VIGIL_MASTER_KEY_FILE = envpath("VIGIL_MASTER_KEY_FILE", DATA_DIR / "keys" / "master.key")
# Web Push (VAPID, RFC 8292): the EC P-256 private key made by `init_keys`, and the contact push services may use.
VIGIL_VAPID_KEY_FILE = envpath("VIGIL_VAPID_KEY_FILE", DATA_DIR / "keys" / "vapid.pem")
VIGIL_VAPID_SUBJECT = envstr("VIGIL_VAPID_SUBJECT", "mailto:coordinators@example.org")
VIGIL_PUSH_TTL_SECONDS = envint("VIGIL_PUSH_TTL_SECONDS", 600, minimum=0, maximum=2419200)
# Only for tests and a local push service: accept http:// push endpoints (production push services are https).
VIGIL_PUSH_ALLOW_HTTP = envbool("VIGIL_PUSH_ALLOW_HTTP", False)
VIGIL_LOG_SIGNING_KEY_FILE = envpath("VIGIL_LOG_SIGNING_KEY_FILE", DATA_DIR / "keys" / "log-signing.key")
VIGIL_LOG_ORIGIN = envstr("VIGIL_LOG_ORIGIN", "vigil.example/evidence-log")
if not DEBUG:
    _key_problems = key_layout_problems(
        DATA_DIR,
        {
            "VIGIL_MASTER_KEY_FILE": VIGIL_MASTER_KEY_FILE,
            "VIGIL_LOG_SIGNING_KEY_FILE": VIGIL_LOG_SIGNING_KEY_FILE,
            "VIGIL_SECRET_KEY_FILE": None if envstr("VIGIL_SECRET_KEY", "") else VIGIL_SECRET_KEY_FILE,
        },
    )
    if _key_problems:
        raise ImproperlyConfigured("refusing to start with VIGIL_DEBUG=0: " + "; ".join(_key_problems))
VIGIL_CHECKPOINT_SECONDS = envint("VIGIL_CHECKPOINT_SECONDS", 300, minimum=1)

# Operational settings (cluster radius and window, pair size, accept timeout, check-in interval, contact retention):
# declared once in vigil/places/settings_table.py; VIGIL_<NAME> sets an install's default, coordinators change them.
VIGIL_OPERATIONAL_DEFAULTS = operational_defaults()

# Hotline
VIGIL_REPORT_RATE_PER_MINUTE = envint("VIGIL_REPORT_RATE_PER_MINUTE", 6, minimum=1)
# The service area: the zones plus this many rings of zone cells (about 0.5 km each); reports outside it are told
# where to get help instead (vigil/places/service_area.py).
VIGIL_SERVICE_MARGIN_RINGS = envint("VIGIL_SERVICE_MARGIN_RINGS", 4, minimum=0, maximum=50)
VIGIL_OUTSIDE_AREA_HELP = envstr("VIGIL_OUTSIDE_AREA_HELP", "")  # empty: a translated default
VIGIL_MAX_TEXT_CHARS = envint("VIGIL_MAX_TEXT_CHARS", 2000, minimum=100)
# Reverse proxies in front of the web server that append to X-Forwarded-For (0 = clients connect directly). Only
# used to tell reporters apart for the intake rate limit; hashed, held briefly in the cache, never stored.
VIGIL_PROXY_HOPS = envint("VIGIL_PROXY_HOPS", 0, minimum=0)
# How long an SMS reporter has to answer the follow-up questions before a new message starts a new report.
VIGIL_SMS_CONVERSATION_MINUTES = envint("VIGIL_SMS_CONVERSATION_MINUTES", 120, minimum=5)
# How long an SMS report keeps the keyed hash of its sender (to rank a sender with confirmed past reports higher).
VIGIL_SENDER_MEMORY_DAYS = envint("VIGIL_SENDER_MEMORY_DAYS", 90, minimum=1, maximum=365)

# Public side: the hotline number(s) shown on the public home, e.g. "612-555-0100,612-555-0101".
VIGIL_HOTLINE_NUMBERS = envlist("VIGIL_HOTLINE_NUMBERS", [])
# Web Push of debunks (vigil/public/push.py) signs with the same VAPID key as the observers' push (above); these are
# the push services a browser's subscription may point at (anything else is refused, so nobody can make the server
# post to an address they chose).
VIGIL_PUSH_SERVICE_HOSTS = envlist(
    "VIGIL_PUSH_SERVICE_HOSTS",
    ["fcm.googleapis.com", "updates.push.services.mozilla.com", "web.push.apple.com", ".notify.windows.com"],
)

# Network / dispatch
# Minutes after a missed check-in is due before the coordinators are alerted.
VIGIL_CHECKIN_GRACE_MINUTES = envint("VIGIL_CHECKIN_GRACE_MINUTES", 5, minimum=0)
VIGIL_NOTIFY_BACKENDS = envlist("VIGIL_NOTIFY_BACKENDS", ["inbox", "console"])

# Twilio (SMS intake and outbound SMS). Empty = SMS disabled (the webhook answers 503).
TWILIO_ACCOUNT_SID = envstr("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = envstr("TWILIO_AUTH_TOKEN", "")
TWILIO_FROM_NUMBER = envstr("TWILIO_FROM_NUMBER", "")
TWILIO_API_BASE = envstr("TWILIO_API_BASE", "https://api.twilio.com")

# Geography (H3 resolutions): reports are placed at RES_REPORT, zones and observer locations at RES_ZONE,
# anything public is coarsened to RES_PUBLIC.
VIGIL_H3_RES_REPORT = 9
VIGIL_H3_RES_ZONE = 8
VIGIL_H3_RES_PUBLIC = 7

# Evidence
VIGIL_UPLOAD_MAX_BYTES = envint("VIGIL_UPLOAD_MAX_BYTES", 4 * 1024**3, minimum=1024)
# Largest image a public-safe copy is made of (decoding and detection need several copies of its pixels in memory).
VIGIL_DERIVATIVE_MAX_PIXELS = envint("VIGIL_DERIVATIVE_MAX_PIXELS", 50_000_000, minimum=1_000_000)
# Open uploads one person may hold at once, and the bytes they may reserve in all.
VIGIL_UPLOAD_MAX_OPEN = envint("VIGIL_UPLOAD_MAX_OPEN", 4, minimum=1)
VIGIL_UPLOAD_MAX_RESERVED_BYTES = envint("VIGIL_UPLOAD_MAX_RESERVED_BYTES", 8 * 1024**3, minimum=1024)
VIGIL_UPLOAD_CHUNK_BYTES = envint("VIGIL_UPLOAD_CHUNK_BYTES", 8 * 1024**2, minimum=64 * 1024)

# Periodic jobs: (dotted path of a django-tasks task, interval in seconds), enqueued by `manage.py clock`.
VIGIL_CLOCK_JOBS: list[tuple[str, int]] = []

# Sealed fields erased on schedule by vigil.vault.retention: (model, sealed field, expiry field).
VIGIL_RETENTION: list[tuple[str, str, str]] = [("hotline.Report", "contact_sealed", "contact_expires_at")]
VIGIL_RETENTION.append(("hotline.Report", "sender_hash", "sender_expires_at"))
VIGIL_CLOCK_JOBS.append(("vigil.vault.tasks.purge_expired_secrets", 3600))
# Dispatch: escalate unanswered offers, alert on missed check-ins, forget cells of ended shifts.
VIGIL_CLOCK_JOBS.append(("vigil.network.tasks.escalate_unanswered", 15))
VIGIL_CLOCK_JOBS.append(("vigil.network.tasks.alert_missed_check_ins", 60))
VIGIL_CLOCK_JOBS.append(("vigil.network.tasks.close_ended_shifts", 300))
# Evidence log: sign a checkpoint of the tree head when it grew.
VIGIL_CLOCK_JOBS.append(("vigil.tlog.tasks.issue_checkpoint", VIGIL_CHECKPOINT_SECONDS))
# Intake: forget SMS conversations (keyed hashes of senders) nobody answered in time.
VIGIL_CLOCK_JOBS.append(("vigil.hotline.tasks.end_stale_sms_conversations", 600))
# Cases: page the next on-call attorney when nobody acknowledged an accepted case in time; locator checks due.
VIGIL_CASE_PAGE_ACK_MINUTES = envint("VIGIL_CASE_PAGE_ACK_MINUTES", 15, minimum=1, maximum=240)
VIGIL_CLOCK_JOBS.append(("vigil.cases.tasks.escalate_unacknowledged_pages", 60))
VIGIL_CLOCK_JOBS.append(("vigil.cases.tasks.send_case_reminders", 3600))
VIGIL_CLOCK_JOBS.append(("vigil.cases.tasks.purge_expired_plans", 3600))
VIGIL_PLAN_DOCUMENT_MAX_BYTES = envint("VIGIL_PLAN_DOCUMENT_MAX_BYTES", 5 * 1024**2, minimum=1024, maximum=50 * 1024**2)
# Public side: forget numbers that asked for rumour alerts by SMS and never confirmed.
VIGIL_CLOCK_JOBS.append(("vigil.public.tasks.forget_unconfirmed_subscribers", 3600))
VIGIL_CLOCK_JOBS.append(("vigil.hotline.tasks.forget_answered_requests", 3600))
# Evidence: abandon chunked uploads nobody touched for two days (their staged bytes go; nothing was logged).
VIGIL_CLOCK_JOBS.append(("vigil.evidence.tasks.expire_stale_uploads", 3600))

# Sign-in (django-allauth): staff sign in with a username and a password, then a second factor (TOTP, a passkey or
# a recovery code). Nobody signs up: coordinators invite. Changing a factor or an e-mail asks to sign in again.
ACCOUNT_ADAPTER = "vigil.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
# Links sent by e-mail (invitations, password resets) work once and expire after this.
PASSWORD_RESET_TIMEOUT = envint("VIGIL_EMAIL_LINK_HOURS", 48, minimum=1) * 3600
ACCOUNT_PRESERVE_USERNAME_CASING = False
# Failed sign-ins (a wrong password or a wrong second factor) per client (a keyed hash of its address, see
# vigil/lib/clients.py) and per account, in the shared cache: at most a few dozen guesses a day per account.
ACCOUNT_RATE_LIMITS = {
    "login_failed": (
        f"10/m/ip,{envint('VIGIL_SIGNIN_FAILURES_PER_CLIENT_DAY', 50, minimum=1)}/d/ip,"
        f"5/5m/key,{envint('VIGIL_SIGNIN_FAILURES_PER_ACCOUNT_DAY', 20, minimum=1)}/d/key"
    ),
}
MFA_ADAPTER = "vigil.vault.mfa.SealedMFAAdapter"  # TOTP secrets sealed by the vault
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
# Staff e-mail addresses are set by their coordinator, not confirmed by a mail round trip.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_RECOVERY_CODES_SHOW_ONCE = True
MFA_TOTP_ISSUER = envstr("VIGIL_TOTP_ISSUER", "Vigil")
# A code typed as its 30 s period ends still counts in the next one (RFC 6238 §5.2: one step of delay allowed).
MFA_TOTP_TOLERANCE = 1
# Passkeys need a secure context: https, or http://localhost while developing and testing.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = envbool("VIGIL_WEBAUTHN_ALLOW_INSECURE_ORIGIN", DEBUG)

# Second factor: every staff session must pass one (staff without one may only enrol); case data and evidence
# originals check it again (vigil.accounts.mfa). Off only for a throwaway local copy.
VIGIL_REQUIRE_SECOND_FACTOR = envbool("VIGIL_REQUIRE_SECOND_FACTOR", True)
VIGIL_SECOND_FACTOR_URL = "/accounts/second-factor/"

# Observers from sign-up to the field: attending a certifying training is valid this many months; reminders go out
# 30 days before it expires; the invitation link to choose a password expires after PASSWORD_RESET_TIMEOUT.
VIGIL_TRAINING_VALID_MONTHS = envint("VIGIL_TRAINING_VALID_MONTHS", 12, minimum=1, maximum=60)
VIGIL_CLOCK_JOBS.append(("vigil.network.tasks.remind_expiring_training", 86400))
