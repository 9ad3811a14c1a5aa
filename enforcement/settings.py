"""Settings for the work-safety enforcement system.

Everything deployment-specific comes from the environment (see .env.example). With nothing set, the
app runs on SQLite in var/ and Celery runs tasks in-process, so a laptop needs no services at all.
"""

import datetime
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from enforcement.env import env_bool, env_int, env_json, env_list, env_str
from enforcement.production import require_production_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Production mode: one flag for every check that must hold on a real deployment (a real SECRET_KEY, no
# demo accounts). REQUIRE_SECRET_KEY is its older name, still honoured.
PRODUCTION = env_bool("PRODUCTION", env_bool("REQUIRE_SECRET_KEY", False))
SECRET_KEY = env_str("SECRET_KEY")
if PRODUCTION:
    require_production_secret_key(SECRET_KEY)
elif not SECRET_KEY:
    SECRET_KEY = "insecure-dev-key-change-me"  # noqa: S105 - embedded default only, refused in production
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # First: its createsuperuser replaces Django's (it validates the password given by environment too).
    "enforcement.accounts",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "axes",
    "csp",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "django_celery_beat",
    "pgtrigger",
    "enforcement.orgs",
    "enforcement.audit",
    "enforcement.enterprises",
    "enforcement.documents",
    "enforcement.workdays",
    "enforcement.rules",
    "enforcement.web",
    "enforcement.text",
    "enforcement.notifications",
    "plans",
    "cases",
    "supervision",
]

MIDDLEWARE = [
    # First: an oversized body is refused before anything reads it (enforcement/body_limit.py).
    "enforcement.body_limit.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # First, so that every audit row written while serving a request (login included) carries its address.
    "enforcement.audit.client_address.ClientAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "enforcement.accounts.sessions.IdleTimeoutMiddleware",
    "enforcement.accounts.first_login.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Stored bidi overrides (from before the input refused them) never reverse text on a page.
    "enforcement.text.middleware.NeutraliseBidiMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a request flagged as locked out into the lockout answer.
    "axes.middleware.AxesMiddleware",
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
                "enforcement.notifications.context_processors.notifications",
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
    # First: refuses a locked-out username or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "enforcement.orgs.backends.RoleBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# 等保2.0 8.1.4.1 身份鉴别 a): passwords of some complexity — at least 8 characters mixing letters, digits
# and symbols, not like the account's own names, not a common password. Every path that sets a password
# runs these (web, admin, createsuperuser, changepassword).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "enforcement.accounts.passwords.CharacterClassesValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login protection (等保2.0 8.1.4.1 身份鉴别 b): 登录失败处理, 连接超时自动退出) -------------------
# django-axes: the 5th failure in a row locks the username AND, independently, the address it came from
# (each a lockout parameter of its own), on the web login, the admin login and the API token endpoint.
AXES_FAILURE_LIMIT = 5
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "enforcement.accounts.lockout.lockout_response"
# Logins, failures and lockouts are in the audit log (enforcement/audit/security.py); axes need not repeat each
# one on stderr (and its start-up banner on every manage.py command).
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
# The address locked is the client's, read the one way the audit log reads it (X-Forwarded-For believed only
# from TRUSTED_PROXIES): behind nginx every request comes from the proxy, and locking the proxy's address
# would lock out everybody after five strangers' failures.
AXES_CLIENT_IP_CALLABLE = "enforcement.audit.client_address.client_address"
# A session ends after this many idle minutes and when the browser closes; requests move the end forward
# (enforcement.accounts.sessions.IdleTimeoutMiddleware, at most one session write a minute).
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
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
# Stored files (uploads, issued PDFs, evidence): MEDIA_ROOT by default; S3-compatible object storage (MinIO, a
# cloud's OSS/COS/OBS) when S3_BUCKET is set, so that several web and worker machines share the same files. Files
# are never public there either: they are served only through scoped views (no presigned links are handed out).
S3_BUCKET = env_str("S3_BUCKET")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "region_name": env_str("S3_REGION") or None,
            "location": env_str("S3_PREFIX"),
            # MinIO and most S3-compatible services want path-style URLs (http://minio:9000/bucket/key).
            "addressing_style": env_str("S3_ADDRESSING_STYLE", "path"),
            "default_acl": None,
            "file_overwrite": False,
        },
    }
# Uploads live outside the static web root and are only served through scoped views.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "uploads")))
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
# Request bodies (enforcement/body_limit.py): every route accepts at most REQUEST_BODY_MAX_BYTES, the forms and
# API operations that take several files at once (a hazard's ten 15 MB photos) REQUEST_UPLOAD_MAX_BYTES.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 2 * 1024 * 1024)
REQUEST_UPLOAD_MAX_BYTES = env_int("REQUEST_UPLOAD_MAX_BYTES", 160 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_BYTES = env_int("ENTERPRISE_IMPORT_MAX_BYTES", 20 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_ROWS = env_int("ENTERPRISE_IMPORT_MAX_ROWS", 50_000)
# Bounded parsing of an imported workbook (enterprises.import_guard): checked on the zip before opening it.
# A 50,000-row register is ~40 MB of XML at a compression ratio of ~10-20; the bombs are 200 MB at 400-1000.
ENTERPRISE_IMPORT_MAX_UNZIPPED_BYTES = env_int("ENTERPRISE_IMPORT_MAX_UNZIPPED_BYTES", 150 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_MEMBER_BYTES = env_int("ENTERPRISE_IMPORT_MAX_MEMBER_BYTES", 100 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_RATIO = env_int("ENTERPRISE_IMPORT_MAX_RATIO", 100)
ENTERPRISE_IMPORT_MAX_MEMBERS = env_int("ENTERPRISE_IMPORT_MAX_MEMBERS", 500)
ENTERPRISE_IMPORT_MAX_SHARED_STRINGS = env_int("ENTERPRISE_IMPORT_MAX_SHARED_STRINGS", 600_000)
# openpyxl keeps the whole shared-strings table in memory: ~10 MB for 50,000 real rows.
ENTERPRISE_IMPORT_MAX_SHARED_STRINGS_BYTES = env_int("ENTERPRISE_IMPORT_MAX_SHARED_STRINGS_BYTES", 40 * 1024 * 1024)
ENTERPRISE_IMPORT_MAX_COLUMNS = env_int("ENTERPRISE_IMPORT_MAX_COLUMNS", 100)
# Parsing runs in a Celery task: refused after this many seconds of reading, killed at the hard limit,
# and under this much extra memory (MiB) in a worker child.
ENTERPRISE_IMPORT_PARSE_SECONDS = env_int("ENTERPRISE_IMPORT_PARSE_SECONDS", 60)
ENTERPRISE_IMPORT_PARSE_TIME_LIMIT = env_int("ENTERPRISE_IMPORT_PARSE_TIME_LIMIT", 120)
ENTERPRISE_IMPORT_PARSE_MEMORY_MB = env_int("ENTERPRISE_IMPORT_PARSE_MEMORY_MB", 512)
# Writing a confirmed batch: hard time limit (a 10,000-row batch takes seconds); a claim older than this
# is abandoned (its worker was killed) and the sweep queues the batch again, up to MAX_ATTEMPTS tries.
ENTERPRISE_IMPORT_APPLY_TIME_LIMIT = env_int("ENTERPRISE_IMPORT_APPLY_TIME_LIMIT", 300)
ENTERPRISE_IMPORT_MAX_ATTEMPTS = env_int("ENTERPRISE_IMPORT_MAX_ATTEMPTS", 3)
# Register exports of more rows than this are written by a Celery task instead of inside the request.
ENTERPRISE_EXPORT_INLINE_MAX = env_int("ENTERPRISE_EXPORT_INLINE_MAX", 5_000)

# The client's address (audit log, login lockout): X-Forwarded-For is believed only from these addresses or
# networks (the reverse proxy in front of gunicorn); otherwise REMOTE_ADDR. Empty: no proxy is trusted.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
# One export of the auditors' search is bounded; a larger one asks for narrower conditions.
AUDIT_EXPORT_MAX_ROWS = env_int("AUDIT_EXPORT_MAX_ROWS", 100_000)
# Retention: audit rows are never purged (网络安全法 第二十一条 requires ≥ 6 months; the rows are evidence
# of enforcement records kept far longer), so there is no retention setting to get wrong.

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a missing, expired or revoked token is answered 401 with "WWW-Authenticate: Token".
        "enforcement.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Applied by the token endpoint only (enforcement.accounts.tokens): tokens asked for per address and
    # per username, successful or not (failures are locked out by django-axes after 5).
    "DEFAULT_THROTTLE_RATES": {
        "token_anon": env_str("TOKEN_THROTTLE_ANON", "10/min"),
        "token_user": env_str("TOKEN_THROTTLE_USER", "10/min"),
    },
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON nested too deep or with infinite numbers is the client's error (400), never a 500.
    "DEFAULT_PARSER_CLASSES": [
        "enforcement.api.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Protected deletions answer 409; anything unexpected is a JSON 500 with an error id (enforcement/api/errors.py).
    "EXCEPTION_HANDLER": "enforcement.api.errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "enforcement.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# Modules exposing register(router) for /api/ (the core never imports domain apps directly).
API_MODULES = [
    "enforcement.enterprises.import_api",
    "plans.annual.api",
    "plans.draws.api",
    "cases.inspections.api",
    "cases.penalties.api",
    "cases.penalties.evidence_api",
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
    # The schema and the docs pages are for signed-in users (issue 9 item 2).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Choice sets several fields share get one name each in the schema.
    "ENUM_NAME_OVERRIDES": {
        "PenaltyCaseStateEnum": "cases.penalties.models.PenaltyCase.State",
        "StepRecordKindEnum": "cases.penalties.models.StepRecord.Kind",
        "StepRecordOutcomeEnum": "cases.penalties.models.StepRecord.Outcome",
        "PenaltyCaseOutcomeEnum": "cases.penalties.models.PenaltyCase.Outcome",
        "CasePartyKindEnum": "cases.penalties.models.CaseParty.Kind",
        "EvidenceKindEnum": "cases.penalties.models.Evidence.Kind",
    },
}
# API tokens (django-rest-knox): stored as a SHA-512 digest, valid for API_TOKEN_TTL_HOURS, sent as
# "Authorization: Token <token>".
REST_KNOX = {
    "TOKEN_TTL": datetime.timedelta(hours=env_int("API_TOKEN_TTL_HOURS", 10)),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
    "TOKEN_LIMIT_PER_USER": env_int("API_TOKENS_PER_USER", 20),
}

# --- Celery: CELERY_BROKER_URL (redis://…) or tasks run in-process -----------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# acks_late alone acknowledges a message whose worker child was SIGKILLed (OOM killer, a crash): Celery
# treats WorkerLostError as a failure. With this the message goes back to the queue at once and its
# redelivery re-claims the job it held (enforcement/jobs.py: same task id = same claim token).
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Hard time limits (seconds; soft = hard - 30: the task fails cleanly with a message first). The default
# serves the workbook import; the long jobs that recover through a claim have their own, sized to their
# measured cost (bench/README.md) so that a lost claim is taken over after minutes, not a quarter hour.
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = CELERY_TASK_TIME_LIMIT - 30
# The monthly job at province size (100 counties, 200,000 enterprises) takes 4-10 s: 180 s is ample.
MONTHLY_PROGRESS_TIME_LIMIT = env_int("MONTHLY_PROGRESS_TIME_LIMIT", 180)
# A register export writes ~3,000 rows/s (10,000 in 3-4 s): 300 s covers a 200,000-row province.
ENTERPRISE_EXPORT_TIME_LIMIT = env_int("ENTERPRISE_EXPORT_TIME_LIMIT", 300)
# Claims of runs and exports taken this many times (each a killed or lost attempt) end as failed.
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
# Recovery arithmetic (Redis broker):
# - a child killed (OOM, crash): rejected and redelivered at once (above) -> seconds.
# - the whole worker killed: its unacknowledged message comes back only after the visibility timeout, which
#   must exceed the hard limit of the longest task, or a task still running would be delivered a second
#   time: max(600, 300, 180, 90) + 60 = 660 s. Runs and exports do not wait for that: their claim is
#   abandoned after their own hard limit + 30 s, and the sweep (beat, every minute) queues them again, so a
#   run is back after at most 180 + 30 + 60 = 270 s, an export after 300 + 30 + 60 = 390 s (the 16 minutes
#   measured before were a 900 s visibility timeout plus kombu's restore cycle).
# - a message lost by the broker (restart without persistence, down at send): the row stays "queued" and
#   the same sweep sends it again after 2 minutes (enforcement/jobs.py QUEUE_GRACE).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": max(CELERY_TASK_TIME_LIMIT, MONTHLY_PROGRESS_TIME_LIMIT, ENTERPRISE_EXPORT_TIME_LIMIT) + 60
}
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
    # Monthly runs and register exports whose claim was abandoned (worker killed) or whose message was lost
    # are queued again, or recorded as failed after JOB_MAX_ATTEMPTS (enforcement/jobs.py).
    "resume-monthly-progress-runs": {
        "task": "supervision.resume_monthly_runs",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "resume-enterprise-exports": {
        "task": "enterprises.resume_exports",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    # Register imports whose parse or write was lost (broker restarted, worker killed) are queued again.
    "resume-enterprise-imports": {
        "task": "enterprises.resume_imports",
        "schedule": crontab(minute="*"),
        "options": {"expires": 50},
    },
    "monthly-progress": {
        "task": "supervision.build_monthly_progress",
        "schedule": crontab(minute=_progress_cron[0], hour=_progress_cron[1], day_of_month=_progress_cron[2]),
        # Expire before the next run so a backlog never executes twice.
        "options": {"expires": 20 * 24 * 3600},
    },
    # The audit log's hash chain is walked every night; a broken link is logged as an ERROR (audit/tasks.py).
    "verify-audit-chain": {
        "task": "audit.verify_chain",
        "schedule": crontab(minute=30, hour=2),
        "options": {"expires": 20 * 3600},
    },
    # Penalty cases: missed deadlines marked and notified once, reminders of those due soon (cases/penalties/tasks.py).
    # Shortly after midnight in Beijing, so that "due before today" is the day that has just begun.
    "penalties-mark-overdue": {
        "task": "penalties.mark_overdue",
        "schedule": crontab(minute=20, hour=0),
        "options": {"expires": 20 * 3600},
    },
    # Photos kept from failed hazard-form submits (cases.inspections.pending) expire.
    "expire-pending-photos": {
        "task": "cases.expire_pending_photos",
        "schedule": crontab(minute=45, hour=3),
        "options": {"expires": 20 * 3600},
    },
    # Evidence uploads abandoned half-way are deleted with their chunks; lost assembly jobs are queued again.
    "sweep-evidence-uploads": {
        "task": "cases.sweep_evidence_uploads",
        "schedule": crontab(minute="*/10"),
        "options": {"expires": 9 * 60},
    },
    # Register exports older than a week and import uploads finished with a month ago are deleted.
    "cleanup-enterprise-files": {
        "task": "enterprises.cleanup_files",
        "schedule": crontab(minute=30, hour=3),
        "options": {"expires": 20 * 3600},
    },
}

# The daily deadline job reminds a case's officers of a deadline this many calendar days before it expires.
PENALTY_DEADLINE_REMINDER_DAYS = env_int("PENALTY_DEADLINE_REMINDER_DAYS", 3)

# A photo chosen on a form whose submit failed is kept for the next submit this long, and a user keeps at
# most this many such photos (the oldest are deleted first; never fewer than one form's ten).
PENDING_PHOTO_MAX_AGE_HOURS = env_int("PENDING_PHOTO_MAX_AGE_HOURS", 24)
PENDING_PHOTOS_PER_USER = env_int("PENDING_PHOTOS_PER_USER", 30)

# Evidence of penalty cases: the largest file per kind, in MB; big files are uploaded in chunks of at most
# EVIDENCE_CHUNK_MB that resume after a dropped connection; an upload untouched for EVIDENCE_UPLOAD_EXPIRY_HOURS
# is abandoned and its chunks deleted (cases.penalties.tasks sweep, every 10 minutes).
EVIDENCE_PHOTO_MAX_MB = env_int("EVIDENCE_PHOTO_MAX_MB", 15)
EVIDENCE_DOCUMENT_MAX_MB = env_int("EVIDENCE_DOCUMENT_MAX_MB", 30)
EVIDENCE_AUDIO_MAX_MB = env_int("EVIDENCE_AUDIO_MAX_MB", 500)
EVIDENCE_VIDEO_MAX_MB = env_int("EVIDENCE_VIDEO_MAX_MB", 4096)
EVIDENCE_CHUNK_MB = env_int("EVIDENCE_CHUNK_MB", 8)
EVIDENCE_UPLOAD_EXPIRY_HOURS = env_int("EVIDENCE_UPLOAD_EXPIRY_HOURS", 48)
# Assembling a 4 GB video from its chunks (read and written once: seconds on a disk, a minute or two on object
# storage) runs in a worker under this hard limit, which the broker's visibility timeout must exceed.
EVIDENCE_ASSEMBLE_TIME_LIMIT = env_int("EVIDENCE_ASSEMBLE_TIME_LIMIT", CELERY_TASK_TIME_LIMIT)
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] < EVIDENCE_ASSEMBLE_TIME_LIMIT + 60:
    raise ImproperlyConfigured("EVIDENCE_ASSEMBLE_TIME_LIMIT must stay below the broker's visibility timeout - 60 s")
EVIDENCE_ASSEMBLE_MAX_ATTEMPTS = env_int("EVIDENCE_ASSEMBLE_MAX_ATTEMPTS", 3)
# 保管期限 printed on the case file's cover (机关文件材料归档范围和文书档案保管期限规定: 永久 / 定期30年 / 定期10年).
CASE_FILE_RETENTION = env_str("CASE_FILE_RETENTION", "定期30年")
CASE_FILE_RETENTION_MAJOR = env_str("CASE_FILE_RETENTION_MAJOR", "永久")

# Official documents: the body face (GB/T 9704: 仿宋). Comma-separated font families, first found wins.
DOCUMENT_BODY_FONT = env_str("DOCUMENT_BODY_FONT", "Noto Serif CJK SC")
# Limits of one PDF render in a worker: seconds (soft: the task fails cleanly; hard: the child is killed),
# extra memory in MiB, and how many times a document is tried before it is left failed for an administrator.
DOCUMENT_RENDER_SOFT_TIME_LIMIT = env_int("DOCUMENT_RENDER_SOFT_TIME_LIMIT", 60)
DOCUMENT_RENDER_TIME_LIMIT = env_int("DOCUMENT_RENDER_TIME_LIMIT", 90)
DOCUMENT_RENDER_MEMORY_MB = env_int("DOCUMENT_RENDER_MEMORY_MB", 512)
DOCUMENT_RENDER_MAX_ATTEMPTS = env_int("DOCUMENT_RENDER_MAX_ATTEMPTS", 3)

# Penalty documents (行政处罚法 第59、67条): per issuing organisation (by full name) the bank and account where fines
# are paid, the review body and court the decision names, and the bureau's address, contact and telephone — JSON,
# e.g. {"河川市东城区应急管理局": {"bank": "…", "account": "…"}}. See cases/penalties/documents/issuer.py.
PENALTY_ISSUER_DETAILS = env_json("PENALTY_ISSUER_DETAILS", {})

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

# Served over HTTPS (HTTPS=true; SECURE_COOKIES is its older name): cookies only travel encrypted and
# browsers are told to use HTTPS only from now on (HSTS).
HTTPS = env_bool("HTTPS", env_bool("SECURE_COOKIES", False))
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
if HTTPS:
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HSTS_PRELOAD", False)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    if env_bool("TRUST_X_FORWARDED_PROTO", False):  # only behind a proxy that sets it itself
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy on every answer (django-csp): scripts only from our own static files, never
# inline (templates use static/js); the API docs pages set their own, looser policy for styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
