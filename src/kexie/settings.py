"""The one settings module. Everything that differs between deployments comes from
the environment through the typed helpers in kexie.core.env."""

from pathlib import Path

import dj_database_url

from kexie.core.datadir import data_dir
from kexie.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent
# The one folder an installation's data lives in (kexie.core.datadir): database, uploads, static
# collection, search indexes.
DATA_DIR = data_dir()
DEBUG = env_bool("KEXIE_DEBUG", False)
# The defaults are published in the source: `kexie serve` off loopback and the WSGI entry point
# refuse them (kexie.core.crypto.default_keys_in_use); only the loopback demo keeps them.
SECRET_KEY = env_str("KEXIE_SECRET_KEY", "kexie-insecure-development-key-change-me")
# Separate key for personal-data encryption at rest (ID numbers, phones); falls back to SECRET_KEY.
FIELD_ENCRYPTION_KEY = env_str("KEXIE_FIELD_KEY", SECRET_KEY)
# Later field keys (`kexie keys rotate`) and which one is current: kexie.core.crypto.Keyring.
FIELD_KEYRING = Path(env_str("KEXIE_KEYRING", "") or DATA_DIR / "keyring.json")
ALLOWED_HOSTS = env_list("KEXIE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("KEXIE_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",  # the tasks framework of Django 6, backported (docs/dependencies.md)
    "django_tasks_db",  # its database backend: the job queue (kexie.core.jobs)
    "ninja",  # serves the OpenAPI page's Swagger UI from its own static files, not a CDN
    "kexie.core",
    "kexie.directory",
    "kexie.accounts",
    "kexie.activities",
    "kexie.reports",
    "kexie.literacy",
    "kexie.innovation",
    "kexie.tickets",
    "kexie.hotline",
    "kexie.calls",
    "kexie.honours",
    "kexie.volunteers",
    "kexie.societies",
    "kexie.opinion",
    "kexie.office",
    "kexie.bases",
    "kexie.funds",
    "kexie.stats",
]

MIDDLEWARE = [
    "kexie.core.requestlog.RequestLogMiddleware",  # outermost: times the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kexie.core.scoping.ScopeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kexie.accounts.middleware.IdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kexie.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "kexie.urls"
# Django's form renderer with <select> written in Python (same HTML; kexie.core.renderers).
FORM_RENDERER = "kexie.core.renderers.KexieFormRenderer"
WSGI_APPLICATION = "kexie.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

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
                "kexie.core.context_processors.kexie",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("KEXIE_DATABASE_URL", f"sqlite:///{DATA_DIR / 'kexie.sqlite3'}"),
        conn_max_age=env_int("KEXIE_DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})
    # Several server threads and processes share the file: WAL lets readers go on while one writes,
    # IMMEDIATE takes the write lock when a transaction starts (no deadlock on upgrade from a read
    # lock), and a writer waits up to KEXIE_SQLITE_TIMEOUT seconds instead of "database is locked".
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("KEXIE_SQLITE_TIMEOUT", 20),
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("KEXIE_PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "kexie.accounts.validators.CharacterClassValidator"},
    {"NAME": "kexie.accounts.validators.CommonPatternValidator"},
]

# Security baseline (等保 level 2), each configurable.
LOGIN_MAX_FAILURES = env_int("KEXIE_LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_MINUTES = env_int("KEXIE_LOGIN_LOCK_MINUTES", 15)
SESSION_IDLE_TIMEOUT_MINUTES = env_int("KEXIE_SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = env_int("KEXIE_SESSION_MAX_AGE", 8 * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_COOKIES = env_bool("KEXIE_SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind HTTPS (README "Configuration"): HSTS once every visitor comes over HTTPS, the redirect
# where kexie itself sees plain HTTP, and the proxy header only when a reverse proxy in front
# sets X-Forwarded-Proto (otherwise any client could claim HTTPS with it).
SECURE_HSTS_SECONDS = env_int("KEXIE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("KEXIE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = env_bool("KEXIE_SSL_REDIRECT", False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # monitors ask over plain HTTP on the machine itself
if env_bool("KEXIE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
UPLOAD_MAX_BYTES = env_int("KEXIE_UPLOAD_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES
# A workbook is a zip: refuse one that would unpack to more than this (a "zip bomb").
SPREADSHEET_MAX_UNPACKED_BYTES = env_int("KEXIE_SPREADSHEET_MAX_UNPACKED_MB", 1024) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
UPLOAD_ALLOWED_EXTENSIONS = env_list(
    "KEXIE_UPLOAD_EXTENSIONS", [".xlsx", ".csv", ".jpg", ".jpeg", ".png", ".pdf", ".docx"]
)
IMPORT_MAX_ROWS = env_int("KEXIE_IMPORT_MAX_ROWS", 1_000_000)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # kexie's own CSS/JS and the vendored assets
# `kexie serve` collects the static files into the data directory at start; WhiteNoise serves them
# compressed, with hashed names and far-future cache headers. Elsewhere (tests, `manage.py
# runserver`, a WSGI server started before any collectstatic) the finders still find them.
STATIC_ROOT = Path(env_str("KEXIE_STATIC_ROOT", "") or DATA_DIR / "static")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if not DEBUG else 0  # for the names without a hash
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "kexie.core.staticfiles.Storage"},
}
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("KEXIE_MEDIA_ROOT", "") or DATA_DIR / "media")
SEARCH_INDEX_DIR = DATA_DIR / "indexes"
for _folder in (DATA_DIR, STATIC_ROOT):
    try:
        _folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        pass  # a read-only or absent folder is reported by the command that needs it

# Background jobs (kexie.core.jobs, docs/operations.md "Background jobs"): a queue in the database,
# run by `kexie worker` (and the worker `kexie serve` starts).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOBS_DIR = Path(env_str("KEXIE_JOBS_DIR", "") or DATA_DIR / "jobs")  # job inputs and results
JOB_WORKER_TIMEOUT = env_int("KEXIE_JOB_WORKER_TIMEOUT", 120)  # seconds without heartbeat: dead
# Uploads larger than this are imported by a background job (smaller ones at once, in the page).
IMPORT_JOB_BYTES = env_int("KEXIE_IMPORT_JOB_KB", 256) * 1024
# Exports of more records than this are written by a background job.
EXPORT_JOB_ROWS = env_int("KEXIE_EXPORT_JOB_ROWS", 5000)
# The literacy survey's estimates of more responses than this are computed by a background job.
LITERACY_JOB_RESPONSES = env_int("KEXIE_LITERACY_JOB_RESPONSES", 2000)
# The address the public reaches this installation at (no trailing slash): certificates print the
# QR code and link of their check page with it, and the check-in screen its phone link.
KEXIE_PUBLIC_URL = env_str("KEXIE_PUBLIC_URL", "http://127.0.0.1:8000")
# The public certificate check: at most this many look-ups per client address per window (seconds).
KEXIE_VERIFY_RATE = env_int("KEXIE_VERIFY_RATE", 20)
KEXIE_VERIFY_WINDOW = env_int("KEXIE_VERIFY_WINDOW", 600)
# Check-in: a check-out is still taken this long after a session's end (the hours stop at the end).
KEXIE_CHECKOUT_GRACE_MINUTES = env_int("KEXIE_CHECKOUT_GRACE_MINUTES", 30)
# Notifications: the sender of e-mails, and the class that sends SMS (kexie.core.notifications).
DEFAULT_FROM_EMAIL = env_str("KEXIE_FROM_EMAIL", "kexie@localhost")
EMAIL_BACKEND = env_str("KEXIE_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("KEXIE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("KEXIE_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("KEXIE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("KEXIE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("KEXIE_EMAIL_TLS", False)
KEXIE_SMS_BACKEND = env_str("KEXIE_SMS_BACKEND", "kexie.core.notifications.LogSMSBackend")

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# One JSON line per request (kexie.core.requestlog), a file a day in the data directory's logs/.
REQUEST_LOG = env_bool("KEXIE_REQUEST_LOG", True)
REQUEST_LOG_DIR = Path(env_str("KEXIE_LOG_DIR", "") or DATA_DIR / "logs")
REQUEST_LOG_RETENTION_DAYS = env_int("KEXIE_REQUEST_LOG_DAYS", 190)  # 等保 level 2: six months at least
REQUEST_LOG_MAX_BYTES = env_int("KEXIE_REQUEST_LOG_MAX_MB", 100) * 1024 * 1024
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "requests": {"class": "kexie.core.requestlog.DailyFileHandler"},
    },
    "root": {"handlers": ["console"], "level": env_str("KEXIE_LOG_LEVEL", "WARNING")},
    "loggers": {
        "kexie.requests": {
            "handlers": ["requests"],
            "level": "INFO" if REQUEST_LOG else "WARNING",
            "propagate": False,
        }
    },
}
AUTHENTICATION_BACKENDS = ["kexie.accounts.backends.RoleBackend"]
