"""Settings for every way the portal runs, driven by the environment.

Embedded (the README's run command): SQLite in WAL mode under var/, Celery on kombu's filesystem transport
unless REDIS_URL is set. Tests: DATABASE_URL and REDIS_URL point at the throwaway PostgreSQL and Redis that
scripts/test starts. Production: config.settings_production on top of this module.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PORTAL_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# A development key, refused by config.settings_production.
DEV_SECRET_KEY = "django-insecure-dev-only-contracteerportaal"
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    "csp",
    # Our apps, in their import order (ARCHITECTURE.md): each imports only those above it.
    "core",
    "insurers",
    "providers",
    "accounts",
    "contracting",
    "consultations",
    "surveys",
    "monitor",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a login refused for too many failures into the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("CONN_MAX_AGE", 0)))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the worker writes; IMMEDIATE transactions take the write lock up
    # front, so two sweeps serialise instead of failing half-way (SQLite ignores select_for_update).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # SQLite cannot build Membership's NULLS NOT DISTINCT constraint; membership_create's get_or_create keeps
    # memberships unique there, and PostgreSQL (production, tests) has the real constraint.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth -----------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
OTP_TOTP_ISSUER = "Contracteerportaal huisartsenzorg"

# Login throttling (django-axes, one home: accounts/throttle.py). Wrong passwords are counted per e-mail address
# (whether or not it has an account, so a lockout reveals nothing) and per client address, independently: five
# within the cool-off lock that address or that account for the cool-off, also against the right password.
# Attempts during a lockout do not extend it, so the time the login page names is the time it lifts.
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Never axes' reset-on-success: it deletes every attempt of the account OR the address, so logging in to one
# account would unlock an address that is guessing at others. accounts.throttle forgets only the user's own.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_CALLABLE = "accounts.throttle.login_username"
AXES_CLIENT_IP_CALLABLE = "accounts.throttle.client_ip_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
# How many reverse proxies in front of the app append to X-Forwarded-For (production: the TLS proxy). With 0
# the client address is REMOTE_ADDR; never trust the header without a proxy that sets it.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))

# --- I18n and time --------------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns at every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/media/"

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Contracteerportaal <noreply@contracteerportaal.nl>")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# Seconds before a hanging mail server counts as a failed attempt (Django waits forever by default).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 20))
# The notification outbox gives up on a mail after this many attempts that failed on the mail itself (its
# recipient refused for now, its content refused); a recipient refused for good (5xx) it gives up at once. A
# mail server that is down never makes it give up: that mail waits until the server is back.
NOTIFICATION_MAIL_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATION_MAIL_MAX_ATTEMPTS", 10))
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")

# --- Celery ---------------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
else:
    # Embedded mode: no broker to install. Worker and beat share this folder as their queue.
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'broker' / 'results'}"
    (VAR_DIR / "broker" / "results").mkdir(parents=True, exist_ok=True)
CELERY_TIMEZONE = "Europe/Amsterdam"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    # Only sweeps are scheduled, never one task per deadline: a sweep catches up whatever fell due.
    "contracting-sweep-milestones": {
        "task": "contracting.tasks.sweep_milestones_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # The mail outbox: every notice whose mail is due (new, or a retry whose time has come). Requests only
    # write notices; nothing in a request talks to the broker.
    "accounts-send-due-notification-emails": {
        "task": "accounts.tasks.send_due_notification_emails_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # The NZa monitor: runs whose worker died are marked failed, queued runs nobody started are run.
    "monitor-sweep-runs": {
        "task": "monitor.tasks.monitor_sweep_runs_task",
        "schedule": crontab(minute="*"),
        "options": {"expires": 55},
    },
    # Every unpublished contract year's figures, computed again at night (Amsterdam time, CELERY_TIMEZONE).
    "monitor-recompute-nightly": {
        "task": "monitor.tasks.monitor_recompute_nightly_task",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 3 * 3600},
    },
}

# --- API ------------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "accounts.authentication.ApiTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
}
# An API token lasts 30 days; one issued with a TOTP code (it may sign) lasts a working day, like a verified
# browser session. Then the client asks for a new one.
API_TOKEN_LIFETIME = timedelta(days=int(os.environ.get("API_TOKEN_DAYS", 30)))
API_TOKEN_TWO_FACTOR_LIFETIME = timedelta(hours=int(os.environ.get("API_TOKEN_TWO_FACTOR_HOURS", 12)))
SPECTACULAR_SETTINGS = {
    "TITLE": "Contracteerportaal huisartsenzorg API",
    "DESCRIPTION": "Contracting under Good Contracting Practices: contract years, organisations, offers.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from this server (drf-spectacular-sidecar), not a CDN: /api/docs/ works without internet and
    # under the Content-Security-Policy below. No validator badge: it would load an image from swagger.io.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Several models have a field called "status"; name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "OfferStatusEnum": "contracting.models.Offer.Status",
        "FollowRequestStatusEnum": "contracting.models.FollowRequest.Status",
        "StandardContractStatusEnum": "contracting.models.StandardContract.Status",
        "ContractAddendumKindEnum": "contracting.models.ContractAddendum.Kind",
        "ContractAddendumStatusEnum": "contracting.models.ContractAddendum.Status",
        "NegotiationStatusEnum": "contracting.models.Negotiation.Status",
        "NegotiationStepKindEnum": "contracting.models.NegotiationStep.Kind",
        "NegotiationStepSideEnum": "contracting.models.NegotiationStep.Side",
        "StepAttachmentKindEnum": "contracting.models.StepAttachment.Kind",
        "RequestKindEnum": "contracting.models.Request.Kind",
        "RequestOutcomeEnum": "contracting.models.Request.Outcome",
        "RequestStatusEnum": "contracting.models.Request.Status",
    },
}

# --- Security defaults (production tightens these) ------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(timedelta(hours=10).total_seconds())
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts and styles only from files of this site, never inline, so an
# injected <script> or on*= attribute does not run. Pages keep their CSS and JS in static/ (a test checks the
# templates); htmx is told not to inject its indicator <style> (meta htmx-config in base.html). Everywhere, not
# only in production, so the browser tests run under the same policy; django-csp leaves DEBUG error pages alone.
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
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Permissions-Policy (django-permissions-policy): no page of the portal needs these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in ("accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
                    "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
                    "screen-wake-lock", "serial", "usb", "xr-spatial-tracking")
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every login at INFO; its warnings (failures, lockouts) are the ones worth reading.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
