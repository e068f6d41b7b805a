"""Settings shared by every environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    "home",
    "workflow",
    "roster",
    "sitebackup",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "roster.users_app.StaffUsersConfig",  # wagtail.users with the office's account forms
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_password_validators",
    "django_password_validators.password_history",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "portal.clientip.ClientAddressMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.limits.RequestBodyCap",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cache hit for an anonymous visitor needs neither.
    "home.cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.sessions.SessionLimits",
    "roster.audit.CurrentRequest",
    "roster.twofactor.SecondFactorRequired",
    "roster.middleware.BulkIdsGuard",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "portal.csp.AreaCSPMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): after 5 failures for one user name from one address, the 6th attempt
# is refused for an hour. Attempts are kept in the database, so every worker sees them.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "axes_lockout.html"
AXES_VERBOSE = False

# The number of reverse proxies in front of the app (nginx: 1). The client's address is then read from
# X-Forwarded-For (portal/clientip.py) by the lockout, the rate limits and the logs. 0 trusts no header.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
RATELIMIT_IP_META_KEY = "portal.clientip.client_ip"

# Content Security Policy (django-csp): everything from this site; inline styles (the admin's templates
# use style attributes); inline scripts only in the admin (portal/csp.py), never on the public site.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "portal.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "home.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "portal.wsgi.application"

# SQLite by default; DATABASE_URL (e.g. postgres://…) in production.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Passwords (等保 2.0 level 2): at least 10 characters, more than one character class, none of the last 5.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "portal.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 2}},
    {
        "NAME": "django_password_validators.password_history.password_validation.UniquePasswordsValidator",
        "OPTIONS": {"last_passwords": 5},
    },
]
# Personal data (个人信息保护法): the key of the hash that keeps a person recognisable after their numbers
# are pseudonymised (a secret of its own, so that rotating DJANGO_SECRET_KEY does not lose it), and how
# many years after a person's last entry ended the numbers are kept (roster/pseudonymise.py, README).
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "")  # empty: DJANGO_SECRET_KEY
PERSONAL_DATA_RETENTION_YEARS = int(os.environ.get("PERSONAL_DATA_RETENTION_YEARS", "5"))
# Where people exercise their rights (PIPL Art 17), printed on the 申报表; the web pages use 网站设置.
PERSONAL_DATA_CONTACT = os.environ.get(
    "PERSONAL_DATA_CONTACT", "区选拔管理工作办公室（地址和电话见市中首席技师门户网站“联系我们”）"
)
# Two-factor login for every staff account (roster/twofactor.py, django-otp): TOTP and recovery codes.
TWO_FACTOR_REQUIRED = True
OTP_TOTP_ISSUER = "市中首席技师"
# Sessions: 8 hours after login at most, and 30 minutes without a request (portal/sessions.py).
SESSION_COOKIE_AGE = 8 * 3600
SESSION_IDLE_SECONDS = 30 * 60

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Chinese for the few admin strings Wagtail's own catalogue leaves in English (see the .po file).
LOCALE_PATHS = [BASE_DIR / "locale"]
WAGTAILADMIN_USER_LOGIN_FORM = "portal.account.LoginForm"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = BASE_DIR / "media"
# Evidence and objection files: outside MEDIA_ROOT, served only through permission-checked views.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "private"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# One cache for every process: rate limits and page caching must hold across gunicorn workers.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / ".cache" / "django")),
        }
    }
# Template fragments and values derived from the content ({% cache %} uses this alias): kept in each
# process's memory, under keys holding the shared generation (home.cache), so a change made through
# any worker retires them in every worker.
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# The largest body any form accepts: a 20 MB evidence file or document and the form around it.
MAX_REQUEST_BYTES = 25 * 1024 * 1024

# Mail: every message (the portal's notices and Wagtail's own) is stored and handed to a background
# task (roster.mail); the task sends it through MAIL_DELIVERY_BACKEND, SMTP configured from the
# environment. Without EMAIL_HOST, development prints the mails on the worker's console.
EMAIL_BACKEND = "roster.mail.QueuedEmailBackend"
MAIL_DELIVERY_BACKEND = os.environ.get(
    "MAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "") == "1"
EMAIL_USE_SSL = os.environ.get("EMAIL_USE_SSL", "") == "1"
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "市中首席技师 <noreply@shizhong.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS goes through an adapter; no provider is reachable from here, so the default one only logs (masked).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "roster.sms.LoggingBackend")

# Django's Tasks API: Wagtail's own tasks run at once ("default"); the portal's mail, SMS and scheduled
# jobs are kept in the database ("portal") and run by `manage.py db_worker --queue-name portal`.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "portal": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["portal"]},
}

# Wagtail
WAGTAIL_SITE_NAME = "市中首席技师"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILADMIN_PERMITTED_LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_I18N_ENABLED = False
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["doc", "docx", "pdf", "xls", "xlsx", "wps", "odt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No avatars from an outside host (it would also send a hash of the user's e-mail there).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_WORKFLOW_ENABLED = True

# The issuer code used in 索引号 (administrative division code of 市中区, 枣庄市).
POLICY_INDEX_ISSUER_CODE = os.environ.get("POLICY_INDEX_ISSUER_CODE", "370402")

# The application's INFO lines (every move of an entry, who made it, from which address) are kept:
# to stderr (gunicorn/journald), and to LOG_FILE when set (rotated outside the app, see README).
_log_handlers = ["console"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"client": {"()": "portal.clientip.ClientAddressFilter"}},
    "formatters": {
        "portal": {"format": "%(asctime)s %(levelname)s %(name)s client=%(client)s %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["client"], "formatter": "portal"},
    },
    "root": {"handlers": _log_handlers, "level": "WARNING"},
    "loggers": {
        **{app: {"level": "INFO"} for app in ("portal", "home", "roster", "workflow", "sitebackup")},
        "jieba": {"level": "WARNING"},
    },
}
if os.environ.get("LOG_FILE"):
    LOGGING["handlers"]["file"] = {
        # Reopens the file after an outside rotation (logrotate), safe with several worker processes.
        "class": "logging.handlers.WatchedFileHandler",
        "filename": os.environ["LOG_FILE"],
        "encoding": "utf-8",
        "filters": ["client"],
        "formatter": "portal",
    }
    _log_handlers.append("file")
