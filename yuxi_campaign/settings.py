"""Settings, read from the environment. With no environment at all the app runs for local
development on 127.0.0.1 with a SQLite file and in-process background jobs."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from .core.jobs import beat_schedule
from .env import (
    ConfigError,
    env_bool,
    env_int,
    env_list,
    env_str,
    evidence_storage_from_env,
    exports_storage_from_env,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-local-development-key-" + "x" * 40  # noqa: S105 - only with DEBUG on
# Development tools (`generate_province`, which `make bench` runs): on by default with DEBUG only.
DEVTOOLS = env_bool("DEVTOOLS", DEBUG)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "orgs.admin_apps.CampaignAdminConfig",  # the admin as 系统管理: its site asks orgs.permissions
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "axes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "mptt",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "yuxi_campaign.core",
    "orgs",
    "indicators",
    "assessments",
    "monthly",
    "reports",
    "demo",
    *(["devtools"] if DEVTOOLS else []),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yuxi_campaign.middleware.ChineseFirstLocaleMiddleware",
    # NUL bytes, JSON nested too deep, bodies too big: 400 before any view (core/edge.py).
    "yuxi_campaign.core.edge.HostileInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a login that axes refused into the lockout page (yuxi_campaign.core.auth).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yuxi_campaign.urls"
WSGI_APPLICATION = "yuxi_campaign.wsgi.application"

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
                "assessments.context_processors.navigation",
                "monthly.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", "sqlite:///db.sqlite3"),
        base_dir=str(BASE_DIR),
        pool_size=env_int("DB_POOL_SIZE", 8),
        pool_timeout=env_int("DB_POOL_TIMEOUT", 10),
    ),
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests use a file, not shared-cache memory, so threaded race tests see real SQLite locking.
    # One file per test process, so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Password guessing (django-axes): LOGIN_FAILURE_LIMIT failed logins for one account (from any
# address) or from one address (for any account) lock that account or address for
# LOGIN_LOCKOUT_MINUTES, counted on the login page, the admin's login and the token endpoint alike.
# Even the right password is refused meanwhile; a success below the limit starts the count again.
# Administrators unlock earlier in the admin (Access attempts) or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked accounts and addresses
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own, not the pair
AXES_RESET_ON_SUCCESS = True
# The lock lasts LOGIN_LOCKOUT_MINUTES from the last counted failure, as the message says; tries
# while locked are refused without prolonging it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "yuxi_campaign.core.auth.lockout_response"
AXES_CLIENT_IP_CALLABLE = "yuxi_campaign.core.auth.client_ip"  # the throttles' address (NUM_PROXIES)
AXES_VERBOSE = False
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "landing"  # the dashboard for the department, the to-do list for the others
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files are never served from a public URL: they are streamed by a view that checks the
# caller's scope, from the storage named "evidence". EVIDENCE_STORAGE=local (the default) keeps them
# under PRIVATE_MEDIA_ROOT/evidence on this host, fine for one web host; with more than one, every
# host and worker must see the same files: EVIDENCE_STORAGE=s3 puts them in a bucket of an
# S3-compatible object store (on premises or not).
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    "evidence": evidence_storage_from_env(),
    # Background exports: beside the evidence (PRIVATE_MEDIA_ROOT/exports, or the same bucket under
    # EXPORT_S3_PREFIX), so a worker on another host writes what any web host serves.
    "exports": exports_storage_from_env(),
}
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Per assessment: the total size and the number of its evidence files.
EVIDENCE_QUOTA_BYTES = env_int("EVIDENCE_QUOTA_BYTES", 200 * 1024 * 1024)
EVIDENCE_MAX_FILES = env_int("EVIDENCE_MAX_FILES", 100)
# The clean-up job removes a file no row refers to once it is this old (an upload in progress is
# younger).
EVIDENCE_CLEANUP_GRACE_SECONDS = env_int("EVIDENCE_CLEANUP_GRACE_SECONDS", 3600)
# An export (?format=xlsx|csv) of more rows than this runs as a background job; its file is kept
# EXPORT_KEEP_HOURS, then the periodic clean-up removes it.
EXPORT_INLINE_MAX_ROWS = env_int("EXPORT_INLINE_MAX_ROWS", 10000)
EXPORT_KEEP_HOURS = env_int("EXPORT_KEEP_HOURS", 24)
# Without a Celery broker a background export runs in a thread of the web process, started once
# the request that asked for it has committed, so its page shows the progress bar moving; off, it
# runs inside that request (eager), which answers once the file is written. With a broker the
# worker runs it either way. A thread's job dies with its process (a restart leaves it "running").
EXPORT_JOBS_IN_THREAD = env_bool("EXPORT_JOBS_IN_THREAD", True)
# A request body over these (files excepted) is refused with 400 at the edge (core/edge.py). The
# largest form, a score sheet, has about 65 fields; the bulk form one per row of a page.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# With CACHE_URL (Redis) every process of every host shares the cache, so the API's throttles
# count each address once, whichever host answers; sessions are read from Redis and written
# through to the database ("cached_db"): a lost, flushed or evicted cache (it is shared with
# everything else cached) signs nobody out, and a logout is seen by every host at once. Without
# Redis the cache is per process, so sessions stay in the database alone: a per-process copy
# would let another process still honour a session after its logout. Login lockouts (axes) are
# counted in the database either way.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A list's count of a big scope (at least this many rows) is kept this long in the cache, per
# user scope and filters; smaller scopes are counted on every request.
LIST_COUNT_CACHE_MIN = env_int("LIST_COUNT_CACHE_MIN", 5000)
LIST_COUNT_CACHE_SECONDS = env_int("LIST_COUNT_CACHE_SECONDS", 30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "yuxi_campaign.core.api.Pagination",
    "DEFAULT_RENDERER_CLASSES": [
        "yuxi_campaign.core.renderers.JSONRenderer",  # DRF's, and lists whose rows the database wrote
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_PARSER_CLASSES": [
        "yuxi_campaign.core.edge.SafeJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "yuxi_campaign.core.schema.ApiSchema",
    "EXCEPTION_HANDLER": "yuxi_campaign.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "objection": env_str("OBJECTION_THROTTLE_RATE", "5/hour"),
        "token": env_str("TOKEN_THROTTLE_RATE", "10/minute"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    # Proxies in front of the app whose X-Forwarded-For is trusted for throttling (nginx: 1).
    "NUM_PROXIES": env_int("NUM_PROXIES", 0 if DEBUG else 1),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "玉溪「四级联创」 API",
    "DESCRIPTION": "Scores, reviews, notices, titles and progress of the four-level campaign.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Bodies are documented as JSON (the evidence upload declares multipart itself); HTML forms
    # are still accepted, as a courtesy, not as part of the contract.
    "PARSER_WHITELIST": ["rest_framework.parsers.JSONParser"],
    "ENUM_NAME_OVERRIDES": {
        "AssessmentActionEnum": "assessments.policy.ACTIONS",
        "TargetEnum": "assessments.models.Target",
        "ExportStatusEnum": "yuxi_campaign.core.models.ExportStatus",
        "SiteStatusEnum": "monthly.models.SiteStatus",
        "MeetingStatusEnum": "monthly.models.MeetingStatus",
    },
}

# Celery: with no broker the tasks run in process (eager), and `runserver_with_jobs` runs the
# periodic jobs in a thread; with CELERY_BROKER_URL a worker and one beat do the work.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Every periodic job, once: name → (Celery task, period in seconds). Celery beat's schedule is built
# from it (installed into django-celery-beat's tables at start, editable in the admin), and so is
# the in-process runner of `runserver_with_jobs` when there is no broker.
PERIODIC_JOBS = {
    "close-due-notices": ("assessments.tasks.close_due_notices", 300),
    "flag-overdue-rectifications": ("assessments.tasks.flag_overdue_rectifications", 3600),
    "cleanup-evidence": ("assessments.tasks.cleanup_evidence", 86400),
    # Reminders three days before a round's window closes: hourly, each sent once.
    "remind-window-closes": ("assessments.tasks.remind_window_closes", 3600),
    "cleanup-exports": ("yuxi_campaign.core.tasks.cleanup_exports", 3600),
    # 必查必评: hourly, so that the first of the month flags last month soon after midnight (once).
    "flag-missing-observations": ("monthly.tasks.flag_missing_observations", 3600),
}
CELERY_BEAT_SCHEDULE = beat_schedule(PERIODIC_JOBS)
# How often the in-process runner wakes up to see which jobs are due.
PERIODIC_JOB_SECONDS = env_int("PERIODIC_JOB_SECONDS", 60)

# Production switches: explicit, and all on when DEBUG is off.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", not DEBUG) else None
USE_X_FORWARDED_HOST = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}, "celery": {"level": "WARNING"}},
}
