"""Settings for the AI vendor governance service.

One file, driven entirely by environment variables. With nothing set it runs the
embedded default: SQLite in ./var, Celery tasks executed in-process, debug on. Production
sets DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and DEBUG=0 (see docker-compose.yml).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {value!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

# The development key is deliberately marked insecure: `manage.py check --deploy` flags it,
# so a production deployment cannot run on it unnoticed.
SECRET_KEY = env("SECRET_KEY") or "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "axes",
    "csp",
    "governance.accounts",
    "governance.vendors",
    "governance.questionnaires",
    "governance.assessments",
    "governance.reports",
    "governance.respondents",
    "governance.screening",
    "governance.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "csp.middleware.CSPMiddleware",
    "governance.headers.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "governance.accounts.middleware.ActiveOrganisationMiddleware",
    # Last, so that a lockout answers before any view runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "governance.urls"
WSGI_APPLICATION = "governance.wsgi.application"

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
                "governance.accounts.context_processors.organisation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL")
if not DATABASE_URL:
    # The embedded default keeps its database beside the code, in ./var (git-ignored).
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASE_URL = f"sqlite:///{VAR_DIR / 'db.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; WAL plus a busy timeout lets the in-process tasks and
    # the request that enqueued them share the file without "database is locked".
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
# Redis is on the request path (throttles, the list cache, enqueueing), but nothing needs it
# to answer: when it is unreachable, requests go on without it (governance/resilience.py).
# Short timeouts bound what the first request after an outage waits; then the breaker
# skips Redis for REDIS_BREAKER_SECONDS before trying again.
REDIS_CONNECT_TIMEOUT = env_float("REDIS_CONNECT_TIMEOUT", 0.5)
REDIS_SOCKET_TIMEOUT = env_float("REDIS_SOCKET_TIMEOUT", 2.0)
REDIS_BREAKER_SECONDS = env_int("REDIS_BREAKER_SECONDS", 30)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "governance"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis the embedded default runs every task in-process, right after the commit
# that enqueued it, so `make run` needs nothing else installed.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None  # job state lives in our own rows, not in Celery's backend
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# Every queue is declared, so a plain `celery -A governance worker` (no -Q) consumes all of
# them; docker-compose still runs dedicated pools with -Q (scoring,default / reports).
CELERY_TASK_QUEUES = (Queue("default"), Queue("scoring"), Queue("reports"))
CELERY_TASK_ROUTES = {
    "governance.assessments.tasks.*": {"queue": "scoring"},
    "governance.reports.tasks.*": {"queue": "reports"},
}
SCORING_TIME_LIMIT = env_int("SCORING_TIME_LIMIT", 120)
REPORT_TIME_LIMIT = env_int("REPORT_TIME_LIMIT", 300)
# Renderings an organisation may start per hour (web and API together); a request answered
# by an existing report does not count.
REPORT_REQUESTS_PER_HOUR = env_int("REPORT_REQUESTS_PER_HOUR", 60)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A submit must not hang for long when Redis is down: fail fast, keep the row, and let
# the periodic sweep enqueue it once the broker is back. One immediate retry replaces a
# pooled connection that a Redis restart left dead; two connect timeouts at most.
CELERY_BROKER_CONNECTION_TIMEOUT = env_float(
    "CELERY_BROKER_CONNECTION_TIMEOUT", REDIS_CONNECT_TIMEOUT
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    # A publish to a Redis that accepted the connection but stopped answering would
    # otherwise wait forever. Longer than the 1 s BRPOP poll, so consumers are unaffected.
    "socket_timeout": REDIS_SOCKET_TIMEOUT,
}
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-assessments": {
        "task": "governance.assessments.tasks.sweep_stale_assessments",
        "schedule": env_int("SWEEP_INTERVAL_SECONDS", 60),
    },
    "sweep-stale-reports": {
        "task": "governance.reports.tasks.sweep_stale_reports",
        "schedule": env_int("SWEEP_INTERVAL_SECONDS", 60),
    },
    "sweep-screenings": {
        "task": "governance.screening.tasks.sweep_screenings",
        "schedule": env_int("SCREENING_SWEEP_SECONDS", 900),
    },
}

# --- Auth ------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Sessions and login lockouts live in the database, never in the cache, so signing in and
# staying signed in do not depend on Redis.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429  # axes' default, named here because the API answers with it
# API clients get the lockout as JSON; browsers still get the template above.
AXES_LOCKOUT_CALLABLE = "governance.api.auth.lockout_response"

# Invitations: how long a link works, and where links in e-mails point (the address users
# open the site at; a request's Host header is not trusted for links sent by mail).
INVITATION_MAX_AGE_DAYS = env_int("INVITATION_MAX_AGE_DAYS", 7)
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

# --- E-mail ----------------------------------------------------------------------------------
# With EMAIL_HOST set, mail goes out over SMTP; the embedded default prints it to the console.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
EMAIL_BACKEND = env("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "governance@localhost")

# --- REST API --------------------------------------------------------------------------------
# Seconds a cached API list page may live. Pages are keyed by the data versions of the
# caller's organisations, so expiry only reclaims space; 0 turns the cache off.
API_LIST_CACHE_SECONDS = env_int("API_LIST_CACHE_SECONDS", 300)

# A JSON body larger or deeper than this is refused with a 400 before it is parsed further.
# The largest body the API takes, a questionnaire definition, is a few hundred kB and a
# handful of levels deep.
API_MAX_JSON_BYTES = env_int("API_MAX_JSON_BYTES", 1024 * 1024)
API_MAX_JSON_DEPTH = env_int("API_MAX_JSON_DEPTH", 32)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "governance.api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "governance.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["governance.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "token": env("API_THROTTLE_RATE", "6000/min"),
        "auth": env("API_AUTH_THROTTLE_RATE", "30/min"),
    },
    "DEFAULT_PARSER_CLASSES": [
        "governance.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "governance.api.errors.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "AI Vendor Governance API",
    "DESCRIPTION": "Vendor profiles, questionnaires, assessments, scoring and audit reports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "VendorStatusEnum": "governance.vendors.models.VendorStatus",
        "QuestionnaireStatusEnum": "governance.questionnaires.models.QuestionnaireStatus",
        "AssessmentStatusEnum": "governance.assessments.models.AssessmentStatus",
        "FindingStatusEnum": "governance.assessments.models.FindingStatus",
        "ReportStatusEnum": "governance.reports.models.ReportStatus",
        "RatingEnum": "governance.assessments.models.Rating",
        "ReportKindEnum": "governance.reports.models.ReportKind",
        "OfferingKindEnum": "governance.vendors.models.OfferingKind",
        # Business criticality and finding severity share low/medium/high/critical.
        "LevelEnum": "governance.vendors.models.Criticality",
    },
}

# --- Files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded evidence and rendered reports are private: there is no public MEDIA_URL route;
# every file goes out through a view that checks the organisation.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Watchlist screening: the largest list file accepted (the full Consolidated Screening List
# is a few tens of MB) and the name similarity (0-100) from which a listed party is a hit.
WATCHLIST_MAX_BYTES = env_int("WATCHLIST_MAX_BYTES", 200 * 1024 * 1024)
SCREENING_MATCH_THRESHOLD = env_int("SCREENING_MATCH_THRESHOLD", 88)
# Vendors the periodic sweep screens per run when their screening is out of date (new
# vendors, renamed vendors, a new list in force): about 25 ms each against a full list.
SCREENING_SWEEP_BATCH = env_int("SCREENING_SWEEP_BATCH", 500)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Internationalisation --------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Security --------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False  # the small local JS reads it for fetch() requests
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# Scripts, fonts, frames and connections only from this site: the pages load app.js and
# the Swagger UI its bundle and initialiser from /static/ and /api/docs/, never inline.
# Styles allow inline attributes, which the templates and the rendered reports use for
# widths; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page uses are switched off, for this site and anything it embeds.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The health probe is plain HTTP inside the container network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
