"""Parcours settings: one module, read from the environment, failing fast on bad values.

Three modes, chosen by ``PARCOURS_MODE``:

- ``production`` (the default): every secret comes from the environment; DEBUG, demo data and
  generated keys are refused.
- ``demo``: a local SQLite database and key files under ``./var/`` (created with 0600
  permissions), fictional data only. Used by ``make demo``.
- ``test``: used by the test suite (``tests/settings.py`` sets it).

See docs/operations.md for every variable.
"""

import os
import warnings
from pathlib import Path

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from parcours.core import envconfig, logs
from parcours.core.keyconfig import load_key_material

BASE_DIR = Path(__file__).resolve().parent
MODE = envconfig.choice("PARCOURS_MODE", ("production", "demo", "test"), default="production")
DATA_DIR = Path(os.environ.get("PARCOURS_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = envconfig.boolean("PARCOURS_DEBUG", default=False)

if MODE == "production":
    if DEBUG:
        raise ImproperlyConfigured(
            "PARCOURS_DEBUG must be off in production (PARCOURS_MODE=production)."
        )
    if envconfig.boolean("PARCOURS_DEMO", default=False):
        raise ImproperlyConfigured(
            "Demo mode cannot run with production settings: unset PARCOURS_DEMO or set "
            "PARCOURS_MODE=demo on a machine that holds no real data."
        )
    SECRET_KEY = envconfig.secret("PARCOURS_SECRET_KEY", required=True, min_length=50)
elif MODE == "demo":
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATA_DIR.chmod(0o700)  # the database and the key files are for the owner only
    SECRET_KEY = envconfig.secret("PARCOURS_SECRET_KEY", required=False) or envconfig.local_secret(
        DATA_DIR / "secret_key"
    )
else:
    SECRET_KEY = "test-only-secret-key-not-for-any-real-deployment-0123456789abcdef"  # noqa: S105

FIELD_KEYS = load_key_material(MODE, DATA_DIR)

ALLOWED_HOSTS = envconfig.csv(
    "PARCOURS_ALLOWED_HOSTS",
    default="" if MODE == "production" else "127.0.0.1,localhost,testserver",
)
if MODE == "production" and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Set PARCOURS_ALLOWED_HOSTS (comma-separated host names).")
CSRF_TRUSTED_ORIGINS = envconfig.csv("PARCOURS_CSRF_TRUSTED_ORIGINS", default="")

INSTALLED_APPS = [
    "django.contrib.admin.apps.SimpleAdminConfig",  # our own site: parcours.accounts.admin
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",  # used by allauth's WebAuthn pages
    "django_htmx",
    "widget_tweaks",
    "dsfr",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "parcours.core",
    "parcours.accounts",
    "parcours.audit",
    "parcours.people",
    "parcours.cases",
    "parcours.referrals",
    "parcours.conferences",
    "parcours.shelter",
    "parcours.rights",
    "parcours.identification",
    "parcours.reporting",
    "parcours.alerts",
    "parcours.access",
    "parcours.www",
    "parcours.demo",
]

MIDDLEWARE = [
    "parcours.core.logs.RequestLogMiddleware",  # first: its id and duration cover every answer
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "parcours.accounts.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "parcours.accounts.middleware.ActiveOrganisationMiddleware",
    "parcours.accounts.mfa.MfaRequiredMiddleware",
    "parcours.core.middleware.NoStoreMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parcours.urls"
WSGI_APPLICATION = "parcours.wsgi.application"

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
                "csp.context_processors.nonce",
                "parcours.accounts.context_processors.active_organisation",
                "parcours.www.common.navigation.menu",
                "parcours.alerts.context_processors.unread_notifications",
            ],
            "string_if_invalid": "" if MODE != "test" else "INVALID[%s]",
        },
    },
]
FORM_RENDERER = "dsfr.forms.DsfrDjangoTemplates"
DSFR_MARK_OPTIONAL_FIELDS = True  # mark optional fields, as the DSFR now recommends
warnings.filterwarnings("ignore", message="Transitional Django setting DSFR_MARK_OPTIONAL_FIELDS")

_default_db = "sqlite:///" + str(DATA_DIR / "parcours.sqlite3")
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or _default_db,
        conn_max_age=envconfig.integer("PARCOURS_DB_CONN_MAX_AGE", default=0, minimum=0),
        # A kept connection is checked before a request uses it: after a failover to the
        # standby, the first request of each process reconnects instead of failing.
        conn_health_checks=True,
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True  # one transaction per request
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in while locked out
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "my_cases"
LOGOUT_REDIRECT_URL = "account_login"

# Sign-in and second factors (django-allauth): username and password, then TOTP or WebAuthn.
ACCOUNT_ADAPTER = "parcours.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
MFA_ADAPTER = "parcours.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TRUST_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = MODE != "production"  # http://127.0.0.1 in the demo
MFA_TOTP_ISSUER = "Parcours"
MFA_TOTP_TOLERANCE = 1  # accept the code of the previous or next 30 s step (clock skew)
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell users by e-mail when a factor or password changes
_proxy_count = envconfig.integer("PARCOURS_PROXY_COUNT", default=0, minimum=0)
ALLAUTH_TRUSTED_PROXY_COUNT = _proxy_count
# Shared by every web process: used-TOTP-code markers, lock-outs, rate limits.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "parcours_cache",
    }
}
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if MODE == "test":
    # Fast hashing in tests only; the browser tests still sign in through the real form.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "parcours.accounts.passwords.CnilPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
FORMAT_MODULE_PATH = ["parcours.formats"]  # English dates written day first (parcours/formats)
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MODE == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = MODE != "production"
WHITENOISE_AUTOREFRESH = MODE != "production"  # no scan of STATIC_ROOT outside production

# Sessions and cookies: 30 minutes idle, an absolute limit (parcours.accounts.sessions).
SESSION_MAX_AGE = envconfig.integer("PARCOURS_SESSION_MAX_SECONDS", default=10 * 3600, minimum=1)
SESSION_IDLE_TIMEOUT = envconfig.integer(
    "PARCOURS_SESSION_IDLE_SECONDS",
    default=30 * 60,
    minimum=1,
    maximum=SESSION_MAX_AGE,
    maximum_from="PARCOURS_SESSION_MAX_SECONDS",
)
SESSION_COOKIE_AGE = SESSION_MAX_AGE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Throttling of sign-in (django-axes): five failures for one user name from one address lock
# that pair for 15 minutes. Unknown user names are locked the same way (no enumeration).
AXES_FAILURE_LIMIT = envconfig.integer("PARCOURS_SIGNIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = envconfig.integer("PARCOURS_SIGNIN_COOLOFF_MINUTES", default=15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # keep failures only
AXES_LOCKOUT_TEMPLATE = "www/account/locked_out.html"
AXES_IPWARE_PROXY_COUNT = _proxy_count
AXES_VERBOSE = False

# Headers
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if MODE == "production":
    SECURE_SSL_REDIRECT = envconfig.boolean("PARCOURS_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# Outgoing mail (notifications hold references and links, never names).
# The site's address, for the absolute links of the e-mails: required in production (https),
# the demo's own address otherwise (``parcours demo`` serves http://localhost:8000/).
BASE_URL = os.environ.get(
    "PARCOURS_BASE_URL", "" if MODE == "production" else "http://localhost:8000"
).rstrip("/")
if MODE == "production" and not BASE_URL.startswith("https://"):
    raise ImproperlyConfigured(
        "PARCOURS_BASE_URL must be the site's https address in production (the e-mails' links "
        f"start with it); got {BASE_URL!r}."
    )
DEFAULT_FROM_EMAIL = os.environ.get(
    "PARCOURS_EMAIL_FROM", "Parcours <parcours@localhost>" if MODE != "production" else ""
)
if MODE == "production" and not DEFAULT_FROM_EMAIL:
    raise ImproperlyConfigured(
        "PARCOURS_EMAIL_FROM must name the service's sender in production, e.g. "
        "'Parcours <parcours@example.gouv.fr>'."
    )
EMAIL_HOST = os.environ.get("PARCOURS_EMAIL_HOST", "localhost")
EMAIL_PORT = envconfig.integer("PARCOURS_EMAIL_PORT", default=25, minimum=1, maximum=65535)
EMAIL_HOST_USER = os.environ.get("PARCOURS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = envconfig.secret("PARCOURS_EMAIL_PASSWORD", required=False)
EMAIL_USE_TLS = envconfig.boolean("PARCOURS_EMAIL_TLS", default=MODE == "production")
EMAIL_TIMEOUT = 10
# How e-mails leave: "smtp" (the server above) or "console" (printed; the demo's and the tests'
# default). Production sends by SMTP only: printed e-mails would end up in its logs.
_email_transport = envconfig.choice(
    "PARCOURS_EMAIL_BACKEND",
    ("smtp", "console"),
    default="smtp" if MODE == "production" else "console",
)
if MODE == "production" and _email_transport != "smtp":
    raise ImproperlyConfigured(
        "PARCOURS_EMAIL_BACKEND must be smtp in production (console would print the e-mails, "
        "links included, into the logs)."
    )
EMAIL_BACKEND = f"django.core.mail.backends.{_email_transport}.EmailBackend"
# The outbox (parcours.alerts.notify): e-mails are sent by ``parcours worker`` only, one claimed
# row at a time. A claim older than this belongs to a worker that died while sending (killed,
# its machine lost): the e-mail is taken over and sent again, with the same Message-ID. It must
# be far longer than any send (EMAIL_TIMEOUT per exchange with the server), or a live worker's
# e-mail would be taken over: at least a minute in production.
OUTBOX_STALE_CLAIM_SECONDS = envconfig.integer(
    "PARCOURS_OUTBOX_STALE_CLAIM_SECONDS",
    default=15 * 60,
    minimum=60 if MODE == "production" else 1,
    maximum=24 * 3600,
)

# Logs (parcours.core.logs, structlog): JSON lines in production, console lines in the demo and
# tests; one line per request with its id, never a personal field (docs/operations.md, "Logs").
LOGGING = logs.logging_config(json=MODE == "production")

# Django admin: staff only, behind the second factor, never at the default /admin/.
ADMIN_PATH = os.environ.get("PARCOURS_ADMIN_PATH", "gestion-interne/").strip("/") + "/"
if ADMIN_PATH in ("admin/", "/") or not ADMIN_PATH.replace("-", "").replace("/", "").isalnum():
    raise ImproperlyConfigured(
        "PARCOURS_ADMIN_PATH must be a simple path other than admin/ (letters, digits, dashes)."
    )

# Lost contact: days without a reached contact before a case is marked "contact lost".
CONTACT_LOST_DAYS = envconfig.integer("PARCOURS_CONTACT_LOST_DAYS", default=30, minimum=1)
# The alert rules' thresholds over their defaults (parcours.alerts.rules.DEFAULTS), by rule:
# e.g. {"repeated_refusals": {"count": 3, "days": 7}, "danger_without_shelter": {"hours": 24}}.
ALERT_THRESHOLDS: dict = {}

# Identification: the reflection period after identification by the police or gendarmerie
# (CESEDA, former R316-1 and R316-2: 30 days; the Council of Europe Convention, art. 13: at least
# 30). It must equal the rights catalogue's "reflection_ends" time limit (checked at start). The
# referent is alerted REFLECTION_ALERT_DAYS before its end; a minor's referent is reminded
# TURNING_18_NOTICE_MONTHS before the 18th birthday (young-adult support, residence at 18).
REFLECTION_PERIOD_DAYS = envconfig.integer(
    "PARCOURS_REFLECTION_PERIOD_DAYS", default=30, minimum=30, maximum=365
)
REFLECTION_ALERT_DAYS = envconfig.integer(
    "PARCOURS_REFLECTION_ALERT_DAYS", default=5, minimum=1, maximum=29
)
TURNING_18_NOTICE_MONTHS = envconfig.integer(
    "PARCOURS_TURNING_18_NOTICE_MONTHS", default=6, minimum=1, maximum=12
)

# The journal: the worker seals the entries written since its last round into signed batches of
# at most JOURNAL_BATCH_MAX entries, and appends each batch's root to JOURNAL_ROOTS_FILE (one JSON
# line each; put it where the database's administrators cannot rewrite it: another disk, a
# write-once mount, a copy shipped off the machine). Empty: no file (the test mode's default).
JOURNAL_BATCH_MAX = envconfig.integer(
    "PARCOURS_JOURNAL_BATCH_MAX", default=10000, minimum=1, maximum=1000000
)
JOURNAL_ROOTS_FILE = os.environ.get(
    "PARCOURS_JOURNAL_ROOTS_FILE", "" if MODE == "test" else str(DATA_DIR / "journal-roots.jsonl")
)

# Public reports: at most REPORT_RATE_LIMIT per address every REPORT_RATE_WINDOW_MINUTES.
REPORT_RATE_LIMIT = envconfig.integer("PARCOURS_REPORT_RATE_LIMIT", default=5, minimum=1)
REPORT_RATE_WINDOW_MINUTES = envconfig.integer(
    "PARCOURS_REPORT_RATE_WINDOW_MINUTES", default=60, minimum=1, maximum=1440
)

# Break-glass: how long a coordinator's exceptional access to a case lasts.
# Safe shelter: the distance kept from every danger zone when ranking places, and the age after
# which a facility's availability is shown as stale and ranked lower.
SAFE_DISTANCE_KM = envconfig.integer(
    "PARCOURS_SAFE_DISTANCE_KM", default=150, minimum=0, maximum=1000
)
AVAILABILITY_STALE_HOURS = envconfig.integer(
    "PARCOURS_AVAILABILITY_STALE_HOURS", default=48, minimum=1
)

BREAK_GLASS_HOURS = envconfig.integer(
    "PARCOURS_BREAK_GLASS_HOURS", default=3, minimum=1, maximum=24
)

# Retention (docs/retention.md): a closed case stays active for ARCHIVE_DAYS, then is archived;
# ANONYMISE_DAYS after closure the person's identifying data is erased for good.
RETENTION_ANONYMISE_DAYS = envconfig.integer(
    "PARCOURS_RETENTION_ANONYMISE_DAYS", default=1825, minimum=2
)
RETENTION_ARCHIVE_DAYS = envconfig.integer(
    "PARCOURS_RETENTION_ARCHIVE_DAYS",
    default=730,
    minimum=1,
    maximum=RETENTION_ANONYMISE_DAYS - 1,  # archived strictly before anonymised
    maximum_from="PARCOURS_RETENTION_ANONYMISE_DAYS",
)
