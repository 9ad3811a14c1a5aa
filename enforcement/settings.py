"""Settings for the work-safety enforcement system.

Everything deployment-specific comes from the environment (see .env.example). With nothing set, the
app runs on SQLite in var/ and Celery runs tasks in-process, so a laptop needs no services at all.
"""

from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from enforcement.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and env_bool("REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    SECRET_KEY = "insecure-dev-key-change-me"  # noqa: S105 - embedded default only
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "enforcement.orgs",
    "enforcement.audit",
    "enforcement.enterprises",
    "enforcement.documents",
    "enforcement.web",
    "enforcement.text",
    "plans",
    "cases",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "enforcement.urls"
WSGI_APPLICATION = "enforcement.wsgi.application"

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
            ],
        },
    },
]

# --- Database: DATABASE_URL (postgres://…) or SQLite in var/ -------------------------------------
_database_url = env_str("DATABASE_URL")
if _database_url:
    try:
        DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
    except Exception as exc:  # dj_database_url raises plain ValueError/KeyError on nonsense
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "enforcement.orgs.backends.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
ANONYMOUS_USER_NAME = None  # guardian: no anonymous object permissions

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploads live outside the static web root and are only served through scoped views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
ENTERPRISE_IMPORT_MAX_BYTES = env_int("ENTERPRISE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_ROWS = env_int("ENTERPRISE_IMPORT_MAX_ROWS", 50_000)
# Register exports of more rows than this are written by a Celery task instead of inside the request.
ENTERPRISE_EXPORT_INLINE_MAX = env_int("ENTERPRISE_EXPORT_INLINE_MAX", 5_000)

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "enforcement.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Modules exposing register(router) for /api/ (the core never imports domain apps directly).
API_MODULES = [
    "plans.annual.api",
    "plans.draws.api",
    "cases.inspections.api",
    "supervision.progress.api",
    "supervision.guidance.api",
]
SPECTACULAR_SETTINGS = {
    "TITLE": "安全生产行政执法监督系统 API",
    "DESCRIPTION": "Work-safety enforcement: organisations, users, enterprise register. All lists are scoped "
    "to the caller's data scope; objects outside it answer 404.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Celery: CELERY_BROKER_URL (redis://…) or tasks run in-process -----------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Hard limit stays below the broker's visibility timeout so a killed task is redelivered only after
# the worker has given up on it.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 300}
# A worker child that has grown past this (KiB) is replaced after its task: PDF rendering of a large
# document can take hundreds of MB, and the memory must not stay with the child.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", 600_000)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# R-05 每月调度: build last month's progress snapshots early on the 1st (minute hour day-of-month, cron style).
_progress_cron = env_str("MONTHLY_PROGRESS_CRON", "0 1 1").split()
if len(_progress_cron) != 3:
    raise ImproperlyConfigured("MONTHLY_PROGRESS_CRON must be 'minute hour day_of_month', e.g. '0 1 1'")
# 本月至今: the current month's figures are computed live and kept this many seconds (0: every request).
MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS = env_int("MONTHLY_PROGRESS_SO_FAR_CACHE_SECONDS", 300)
# from this many days before the end of November, a county not yet guided this year is warned of.
GUIDANCE_DEADLINE_WARNING_DAYS = env_int("GUIDANCE_DEADLINE_WARNING_DAYS", 30)
CELERY_BEAT_SCHEDULE = {
    # Documents whose render was lost (broker down at issue, worker killed) or failed are tried again.
    "resume-document-rendering": {
        "task": "documents.resume_rendering",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 4 * 60},
    },
    "monthly-progress": {
        "task": "supervision.build_monthly_progress",
        "schedule": crontab(minute=_progress_cron[0], hour=_progress_cron[1], day_of_month=_progress_cron[2]),
        # Expire before the next run so a backlog never executes twice.
        "options": {"expires": 20 * 24 * 3600},
    },
    # Photos kept from failed hazard-form submits (cases.inspections.pending) expire.
    "expire-pending-photos": {
        "task": "cases.expire_pending_photos",
        "schedule": crontab(minute=45, hour=3),
        "options": {"expires": 20 * 3600},
    },
    # Register exports older than a week and import uploads finished with a month ago are deleted.
    "cleanup-enterprise-files": {
        "task": "enterprises.cleanup_files",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 20 * 3600},
    },
}

# A photo chosen on a form whose submit failed is kept for the next submit this long, and a user keeps at
# most this many such photos (the oldest are deleted first; never fewer than one form's ten).
PENDING_PHOTO_MAX_AGE_HOURS = env_int("PENDING_PHOTO_MAX_AGE_HOURS", 24)
PENDING_PHOTOS_PER_USER = env_int("PENDING_PHOTOS_PER_USER", 30)

# Official documents: the body face (GB/T 9704: 仿宋). Comma-separated font families, first found wins.
DOCUMENT_BODY_FONT = env_str("DOCUMENT_BODY_FONT", "Noto Serif CJK SC")
# Limits of one PDF render in a worker: seconds (soft: the task fails cleanly; hard: the child is killed),
# extra memory in MiB, and how many times a document is tried before it is left failed for an administrator.
DOCUMENT_RENDER_SOFT_TIME_LIMIT = env_int("DOCUMENT_RENDER_SOFT_TIME_LIMIT", 60)
DOCUMENT_RENDER_TIME_LIMIT = env_int("DOCUMENT_RENDER_TIME_LIMIT", 90)
DOCUMENT_RENDER_MEMORY_MB = env_int("DOCUMENT_RENDER_MEMORY_MB", 512)
DOCUMENT_RENDER_MAX_ATTEMPTS = env_int("DOCUMENT_RENDER_MAX_ATTEMPTS", 3)

# Plans: approval deadline (E4: uploaded by end of March) and coverage rule parameters.
PLAN_APPROVAL_DEADLINE = env_str("PLAN_APPROVAL_DEADLINE", "03-31")
PLAN_RULES = {
    "general_coverage": (1, 3),
    "high_risk_min_visits": env_int("PLAN_HIGH_RISK_MIN_VISITS", 2),
    "low_risk_max_visits": env_int("PLAN_LOW_RISK_MAX_VISITS", 1),
    "min_officers": 2,
}
# The basis a plan document states, per plan type ("default" for the others). 安全生产法 第62条 (2021):
# 应急管理部门按照分类分级监督管理的要求制定安全生产年度监督检查计划. The disaster-prevention plans cite
# their own laws where a bureau knows which to cite: configuration, not code.
PLAN_DOCUMENT_BASIS = {
    "work_safety": "依据《中华人民共和国安全生产法》第六十二条关于应急管理部门按照分类分级监督管理的要求"
    "制定安全生产年度监督检查计划的规定，结合本地区安全生产实际，制定本计划。",
    "default": "依据有关法律法规和上级部门工作部署，结合本地区实际，制定本计划。",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
