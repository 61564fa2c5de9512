"""Settings shared by every environment; everything that differs comes from the environment.

See README.md for the variables. The embedded default (SQLite, no Redis) is in
``local``; ``production`` hardens the same settings.
"""

from datetime import timedelta
from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

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
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "audit",
    "organizations",
    "notifications",
    "indicators",
    "assessments",
    "budgets",
    "monitoring",
    "rectification",
    "satisfaction",
    "dashboards",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL characters and over-deep JSON answer 400 with the field before any view runs.
    "core.middleware.InputSanityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads of public pages, dashboards and API GETs from a replica, when there are replicas.
    "perfgov.replicas.ReplicaMiddleware",
    "core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "organizations.middleware.SessionLifetimeMiddleware",
    "organizations.middleware.PasswordPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "perfgov.urls"
WSGI_APPLICATION = "perfgov.wsgi.application"

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
                "core.context_processors.navigation",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/perfgov. Default: SQLite under var/.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'perfgov.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers and one writer proceed together,
    # IMMEDIATE transactions avoid "database is locked" on lock upgrades.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# Growth (docs/operations.md, section 7): the audit purge's batch, the notification centre's retention.
AUDIT_PURGE_BATCH = env.int("AUDIT_PURGE_BATCH", default=10_000)
# Refusals of anonymous requests: one audit event per source address and window (docs/security.md).
AUDIT_ANONYMOUS_WINDOW_SECONDS = env.int("AUDIT_ANONYMOUS_WINDOW_SECONDS", default=60)
NOTIFICATION_READ_DAYS = env.int("NOTIFICATION_READ_DAYS", default=180)
NOTIFICATION_KEEP_DAYS = env.int("NOTIFICATION_KEEP_DAYS", default=365)

# Optional read replicas (docs/operations.md, "Read replicas"): comma-separated URLs of PostgreSQL
# streaming replicas that serve the read-only traffic of the public pages, dashboards and API GETs.
DATABASE_REPLICA_URLS = env.list("DATABASE_REPLICA_URLS", default=[])
DATABASE_REPLICA_MAX_LAG = env.float("DATABASE_REPLICA_MAX_LAG", default=10.0)  # seconds
DATABASE_REPLICA_HEALTH_SECONDS = env.float("DATABASE_REPLICA_HEALTH_SECONDS", default=5.0)
DATABASE_REPLICA_PIN_SECONDS = env.int("DATABASE_REPLICA_PIN_SECONDS", default=30)
# Name the database that served each response in an X-Perfgov-Database header (for checks).
DATABASE_ROUTING_HEADER = env.bool("DATABASE_ROUTING_HEADER", default=False)
for _n, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica{_n}"] = {
        **env.db_url_config(_url),
        "CONN_MAX_AGE": DATABASES["default"].get("CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 2},
        "TEST": {"MIRROR": "default"},
    }
if DATABASE_REPLICA_URLS:
    DATABASE_ROUTERS = ["perfgov.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organizations.User"

# The lockout check runs first and refuses a locked username before any password is tried.
AUTHENTICATION_BACKENDS = ["core.auth.LockoutBackend", "core.auth.RoleBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "organizations.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "organizations.passwords.CharacterClassValidator"},
    {"NAME": "organizations.passwords.PasswordHistoryValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads live outside the web root and are served only through access-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "uploads"))
MEDIA_URL = None
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- REST API -----------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "organizations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.IsAuthenticatedWithRole"],
    "DEFAULT_PAGINATION_CLASS": "core.api.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.exceptions.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "perfgov API",
    "DESCRIPTION": "Performance assessment and budget performance management. Contract: docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Distinct names for choice sets that share a field name across apps.
    "ENUM_NAME_OVERRIDES": {
        "ReportStatusEnum": "assessments.models.reports.ReportStatus",
        "PlanStatusEnum": "assessments.models.plan.Plan.Status",
        "AppealStatusEnum": "assessments.models.scores.Appeal.Status",
        "LibraryStatusEnum": "indicators.choices.LibraryStatus",
        "ProjectStatusEnum": "budgets.choices.ProjectStatus",
        "EvaluationStatusEnum": "budgets.choices.EvaluationStatus",
        "SurveyStatusEnum": "satisfaction.models.Survey.Status",
        "QuotaStatusEnum": ["open", "full", "closed"],
        "QuarterEnum": ["Q1", "Q2", "Q3", "Q4"],
        "ScorePeriodEnum": "assessments.models.scores.PERIOD_CHOICES",
        "BudgetDimensionEnum": "indicators.choices.BudgetDimension",
        "BudgetSubdimensionEnum": "indicators.choices.BudgetSubdimension",
        "BudgetActionEnum": "budgets.choices.Action",
        "ProjectGradeEnum": "budgets.choices.GRADES",
        "AppraisalStatusEnum": "budgets.models.appraisals.WorkStatus",
        "RectificationSourceEnum": "rectification.models.Source",
        "RectificationStatusEnum": "rectification.models.Status",
        "ReallocationStatusEnum": "budgets.models.reallocations.ReallocationStatus",
        "CalendarDayKindEnum": "monitoring.models.DayKind",
    },
    "AUTHENTICATION_WHITELIST": [
        "organizations.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}

# --- Celery -------------------------------------------------------------------
# REDIS_URL set: Redis is broker and cache. Absent: kombu's filesystem transport under var/,
# so the worker and beat still run as real processes on a bare machine.
REDIS_URL = env("REDIS_URL", default="")
CELERY_DATA_DIR = VAR_DIR / "celery"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 2, "socket_timeout": 5}
    # Short timeouts: a stopped or hung Redis must not hold a request (callers log and go on).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "store_processed": False,
    }
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    for _folder in ("queue", "processed"):
        (CELERY_DATA_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_DATA_DIR / "beat-schedule")
# Publishing a task must not hang a web request when the broker is down: the business write
# has committed and the periodic catch-up job picks the work up (see core.tasks.enqueue).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_TIMEOUT = 2

# --- E-mail -------------------------------------------------------------------
EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="perfgov <noreply@perfgov.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Sessions and cookies (docs/security.md: idle 30 min, absolute 12 h) ---------------
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 3600)
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Authentication policy (docs/security.md, Authentication; docs/security.md) ---------
# Passwords: no reuse of the last PASSWORD_HISTORY_COUNT; expiry after PASSWORD_EXPIRY_DAYS (0: never).
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
PASSWORD_EXPIRY_DAYS = env.int("PASSWORD_EXPIRY_DAYS", default=90)
# Lockout (django-axes): more than LOGIN_FAILURES_ALLOWED consecutive failures for one username
# lock it for LOGIN_LOCKOUT_MINUTES, on the browser login and on the token endpoint alike.
LOGIN_FAILURES_ALLOWED = env.int("LOGIN_FAILURES_ALLOWED", default=5)
LOGIN_LOCKOUT_MINUTES = env.int("LOGIN_LOCKOUT_MINUTES", default=30)
AXES_ENABLED = True
AXES_FAILURE_LIMIT = LOGIN_FAILURES_ALLOWED + 1  # axes locks when failures reach the limit
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 suggests also locking by address. Not here: a government office reaches the system
# through one NAT address, and six typos across a whole office would lock everyone out. The count
# is per username whatever the address, user agent or cookie, so rotating them does not help.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
# A refused attempt during a lock neither extends it nor counts again: the lock ends on time.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "organizations.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "audit.services.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # successes and failures are in the audit log already
AXES_ENABLE_ADMIN = False  # the security administrator unlocks accounts on /org/security/
AXES_VERBOSE = False
# Two-factor login (TOTP): required for these roles (users of other roles may enrol).
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["supervisor", "finance", "admin", "security_admin", "auditor"]
)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="perfgov")
# The password step of a two-step login stays valid this long for the second step.
OTP_PENDING_SECONDS = 300
# A user whose role requires two-factor login enrols only with a one-time code the security
# administrator issues; it is valid this many hours.
OTP_ENROLMENT_CODE_HOURS = env.int("OTP_ENROLMENT_CODE_HOURS", default=72)

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# --- perfgov ------------------------------------------------------------------
PERFGOV_CITY_NAME = env("PERFGOV_CITY_NAME", default="")

# --- Imports (django-import-export): one transaction, all rows or none ------------
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=90)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Satisfaction surveys (satisfaction app) -----------------------------------------
# Key of the HMAC-SHA256 that turns a phone number (used only to refuse duplicate answers)
# into a hash; the number itself is never stored. Set a long random value in production and
# keep it: changing it lets numbers answer again. Empty: a key derived from SECRET_KEY.
SATISFACTION_PHONE_HASH_KEY = env("SATISFACTION_PHONE_HASH_KEY", default="")
# Published results hide every group (area, region, department, question) with fewer answers.
SATISFACTION_MIN_GROUP_SIZE = env.int("SATISFACTION_MIN_GROUP_SIZE", default=30)
# Flood limits on the public pages, counted in the cache (Redis when REDIS_URL is set, else
# per process): submissions per address, attempts per code, unknown codes tried per address.
SATISFACTION_SUBMITS_PER_ADDRESS = env.int("SATISFACTION_SUBMITS_PER_ADDRESS", default=60)
SATISFACTION_SUBMITS_WINDOW_SECONDS = env.int("SATISFACTION_SUBMITS_WINDOW_SECONDS", default=600)
SATISFACTION_ATTEMPTS_PER_CODE = env.int("SATISFACTION_ATTEMPTS_PER_CODE", default=10)
SATISFACTION_CODE_WINDOW_SECONDS = env.int("SATISFACTION_CODE_WINDOW_SECONDS", default=3600)
SATISFACTION_BAD_CODES_PER_ADDRESS = env.int("SATISFACTION_BAD_CODES_PER_ADDRESS", default=20)
SATISFACTION_BAD_CODES_WINDOW_SECONDS = env.int("SATISFACTION_BAD_CODES_WINDOW_SECONDS", default=3600)
SATISFACTION_MAX_TEXT_LENGTH = env.int("SATISFACTION_MAX_TEXT_LENGTH", default=1000)
SATISFACTION_MAX_CODES_PER_BATCH = env.int("SATISFACTION_MAX_CODES_PER_BATCH", default=5000)

# Amounts grouped by thousands with a comma in Chinese too (2,396,300.00 元), as finance writes them.
FORMAT_MODULE_PATH = ["perfgov.formats"]
