"""Settings for the DVD Collection Tracker.

Every value comes from an environment variable with an embedded default that lets a
newcomer start with nothing set (SQLite, local-memory cache, DEBUG on). Values are
validated once, by the system checks in `tracker/checks/`, not at request time.
"""

from pathlib import Path

import dj_database_url

from dvdtracker.env import env_bool, env_email_url, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# The development key is public; tracker.checks refuses it whenever DEBUG is off.
DEVELOPMENT_SECRET_KEY = "django-insecure-dvdtracker-development-key-do-not-deploy"  # noqa: S105
SECRET_KEY = env_str("DJANGO_SECRET_KEY") or DEVELOPMENT_SECRET_KEY
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG is True else [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # PostgreSQL's trigram indexes for the search (tracker.postgres_only); on SQLite it does nothing.
    "django.contrib.postgres",
    "axes",
    "csp",
    "tracker",
    "alerts",
    # The REST API (api/): Django REST Framework, its list filters and its OpenAPI schema.
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "api",
    # Before allauth's apps, so that its templates (the site's look) win over allauth's plain ones.
    "accounts",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
]

MIDDLEWARE = [
    # First: every answer and log line of a request carries its X-Request-ID.
    "tracker.ops.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files from the gunicorn processes themselves (hashed, compressed) when DEBUG is off.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The navbar's alert counts, filled per request (stored pages keep placeholders); inside CommonMiddleware,
    # which then measures the filled page.
    "alerts.counts.NavCountsMiddleware",
    # django-allauth's request context; then staff without two-factor are sent to set it up (REQUIRE_STAFF_MFA).
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
    # Times in the browser's own zone (the `tz` cookie set by app.js); TIME_ZONE otherwise.
    "tracker.timezones.BrowserTimezoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dvdtracker.urls"

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

WSGI_APPLICATION = "dvdtracker.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "dvdtracker"),
            "OPTIONS": {
                "CLIENT_CLASS": "django_redis.client.DefaultClient",
                # A Redis outage degrades to "no cache" rather than failing pages.
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
            },
        }
    }
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dvdtracker"}}

# Rendered collection pages (tracker/page_cache.py) live this many seconds at most; every write to
# a DVD retires them sooner. Off (0) without Redis: a local-memory cache would not see the writes
# of other processes. The bound also caps how long a write made while Redis was unreachable
# (so that its invalidation was lost) can leave an older page in view.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 60 if REDIS_URL else 0)
# With Redis, a request reads its session from the cache rather than the database (written to both):
# one query less on every page, which under load is a large share of a request's time.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db" if REDIS_URL else "django.contrib.sessions.backends.db"
# What a deploy is (a git commit, an image tag): stored pages are kept per release. Unset, the
# project's code and templates are read once per process to tell one release from the next.
RELEASE_ID = env_str("RELEASE_ID")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dvd_list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("DJANGO_STATIC_ROOT") or BASE_DIR / "staticfiles"
# Off DEBUG, `manage.py collectstatic` writes hashed, compressed copies that WhiteNoise serves
# with far-future cache headers; it must run before the web processes start.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if DEBUG is False
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The AJAX endpoints answer a missing CSRF token in their JSON shape, pages in HTML.
CSRF_FAILURE_VIEW = "tracker.views.errors.csrf_failure"

# LOG_FORMAT=json: one JSON object per line on stdout, with request_id, user_id and imdb_id.
LOG_FORMAT = env_str("LOG_FORMAT", "plain").lower()
# Every handler has the "redact" filter, which takes configured secrets (TMDB's key travels in its
# URLs, which urllib3 logs when it retries) and credential-shaped values out of each record.
_CONSOLE = {
    "plain": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["redact"]},
    "json": {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["context", "redact"],
        "stream": "ext://sys.stdout",
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "tracker.ops.logs.JsonFormatter"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {
        "context": {"()": "tracker.ops.logs.ContextFilter"},
        "redact": {"()": "tracker.ops.logs.RedactSecrets"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": _CONSOLE["json" if LOG_FORMAT == "json" else "plain"],
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "redact"],
        },
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "tracker": {"level": env_str("TRACKER_LOG_LEVEL", "INFO")},
        # Django's own defaults for these loggers, redacted: otherwise its unfiltered console and
        # e-mail handlers would stay beside ours (its records still reach ours through the root).
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}
# The DEBUG 500 page and the admins' e-mail, with secrets redacted by value (see tracker/ops/error_reports.py).
DEFAULT_EXCEPTION_REPORTER = "tracker.ops.error_reports.RedactingExceptionReporter"

# --- YTS integration (names and defaults from the spec) ---------------------------
# One base URL, or several separated by commas: on a failed fetch the next is tried.
YTS_API_BASE_URL = env_str("YTS_API_BASE_URL", "https://yts.mx/api/v2")
YTS_CACHE_TIMEOUT = env_int("YTS_CACHE_TIMEOUT", 21600)  # 6 hours
YTS_EMPTY_CACHE_TIMEOUT = env_int("YTS_EMPTY_CACHE_TIMEOUT", 3600)  # 1 hour
YTS_DEFAULT_QUALITIES = env_list("YTS_DEFAULT_QUALITIES", ["720p", "1080p"])
YTS_MAX_DATA_AGE_HOURS = env_int("YTS_MAX_DATA_AGE_HOURS", 24)
YTS_API_TIMEOUT = env_int("YTS_API_TIMEOUT", 10)  # seconds
YTS_MAX_RETRIES = env_int("YTS_MAX_RETRIES", 3)
YTS_REFRESH_MIN_INTERVAL = env_int("YTS_REFRESH_MIN_INTERVAL", 30)  # seconds
YTS_MAX_RESPONSE_BYTES = env_int("YTS_MAX_RESPONSE_BYTES", 2_000_000)
YTS_MAX_TORRENTS = env_int("YTS_MAX_TORRENTS", 50)
# Download links are shown only for https URLs on these hosts (plus the base URLs' hosts).
YTS_ALLOWED_DOWNLOAD_HOSTS = env_list(
    "YTS_ALLOWED_DOWNLOAD_HOSTS",
    ["yts.mx", "yts.lt", "yts.am", "yts.ag", "yts.rs", "yts.do", "yts.pm", "yts.hn"],
)

# --- TMDB (The Movie Database API v3): IMDb ids, details and title search ---------------
# Either a v3 API key (sent as ?api_key=) or a v4 read access token (sent as a Bearer header).
TMDB_API_KEY = env_str("TMDB_API_KEY")
TMDB_ACCESS_TOKEN = env_str("TMDB_ACCESS_TOKEN")
TMDB_API_BASE_URL = env_str("TMDB_API_BASE_URL", "https://api.themoviedb.org/3")
TMDB_API_TIMEOUT = env_int("TMDB_API_TIMEOUT", 10)  # seconds
TMDB_MAX_RETRIES = env_int("TMDB_MAX_RETRIES", 3)
TMDB_MAX_RESPONSE_BYTES = env_int("TMDB_MAX_RESPONSE_BYTES", 1_000_000)
TMDB_SEARCH_CACHE_TIMEOUT = env_int("TMDB_SEARCH_CACHE_TIMEOUT", 86400)  # 1 day
TMDB_MOVIE_CACHE_TIMEOUT = env_int("TMDB_MOVIE_CACHE_TIMEOUT", 86400)  # a film's details, when they have an IMDb id
# Per user: the add page's searches and picks and the Auto-fetch button together (cached answers are free).
TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE = env_int("TMDB_LOOKUP_RATE_LIMIT_PER_MINUTE", 30)  # 0: no limit

# --- Barcode lookup (the scan page): a provider with UPCitemdb's API shape; off when unset ---------
# The lookup endpoint itself, e.g. https://api.upcitemdb.com/prod/trial/lookup (100 a day, no key)
# or https://api.upcitemdb.com/prod/v1/lookup with UPC_LOOKUP_KEY (sent as its user_key header).
UPC_LOOKUP_URL = env_str("UPC_LOOKUP_URL")
UPC_LOOKUP_KEY = env_str("UPC_LOOKUP_KEY")
UPC_LOOKUP_TIMEOUT = env_int("UPC_LOOKUP_TIMEOUT", 5)  # seconds: someone is waiting in a shop
UPC_LOOKUP_MAX_RETRIES = env_int("UPC_LOOKUP_MAX_RETRIES", 0)
UPC_LOOKUP_MAX_RESPONSE_BYTES = env_int("UPC_LOOKUP_MAX_RESPONSE_BYTES", 500_000)
UPC_LOOKUP_CACHE_TIMEOUT = env_int("UPC_LOOKUP_CACHE_TIMEOUT", 30 * 86400)  # a code names one product for ever
UPC_LOOKUP_EMPTY_CACHE_TIMEOUT = env_int("UPC_LOOKUP_EMPTY_CACHE_TIMEOUT", 86400)
# The trial plan allows about one call a second (shared through Redis when set; 0: no limit).
UPC_LOOKUP_MAX_REQUESTS_PER_SECOND = env_int("UPC_LOOKUP_MAX_REQUESTS_PER_SECOND", 1)

# --- Background work ------------------------------------------------------------------
# With REDIS_URL, Celery workers on Redis do background refreshes and the nightly batch.
# Without it there is no worker: batch work runs inline and the detail page's background
# refresh runs on a small pool of threads in the web process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or REDIS_URL or "memory://"
BACKGROUND_REFRESH = env_str("BACKGROUND_REFRESH") or ("celery" if CELERY_BROKER_URL != "memory://" else "threads")
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
CELERY_TASK_ACKS_LATE = True  # a worker killed mid-task leaves the message to be re-run
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task whose whole worker died (host lost, SIGKILL) goes back to the queue once it has been
# unacknowledged this long; it must outlast the longest task and countdown (docs/deployment.md).
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": CELERY_VISIBILITY_TIMEOUT,
    # kombu sweeps for such tasks every interval x throttle seconds; by default 10 x 10.
    "unacked_restore_interval": env_int("CELERY_UNACKED_RESTORE_INTERVAL", 10),
    "unacked_restore_throttle": 1,
}
YTS_BATCH_REFRESH_CRON = env_str("YTS_BATCH_REFRESH_CRON", "30 4 * * *")  # minute hour day month weekday
YTS_BATCH_CONCURRENCY = env_int("YTS_BATCH_CONCURRENCY", 8)
YTS_MAX_REQUESTS_PER_SECOND = env_int("YTS_MAX_REQUESTS_PER_SECOND", 5)  # 0: no limit
# A web request waits at most this long for its turn under that pace, then answers "busy" (429).
YTS_PACING_MAX_WAIT_SECONDS = env_float("YTS_PACING_MAX_WAIT_SECONDS", 0.5)
YTS_BACKGROUND_THREADS = env_int("YTS_BACKGROUND_THREADS", 2)
# After a failed refresh, pages wait this long before trying YTS again in the background.
YTS_FAILURE_BACKOFF_SECONDS = env_int("YTS_FAILURE_BACKOFF_SECONDS", 300)

# --- Security baseline: CSP, login guessing, per-user endpoint limits ----------------------
# No inline script or style anywhere: every handler lives in static/tracker/app.js.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Bootstrap draws form arrows and the navbar toggler as data: SVG images.
        "img-src": ["'self'", "data:", "https://image.tmdb.org"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)  # failed logins per username and address
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours, as django-axes counts
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0)  # set to 1 behind one reverse proxy

# Per user, across all their DVDs: the Refresh and Auto-fetch buttons together.
ENDPOINT_RATE_LIMIT_PER_MINUTE = env_int("ENDPOINT_RATE_LIMIT_PER_MINUTE", 20)

# --- Import, export, statistics and magnet links ------------------------------------------
# Import matches titles on TMDB at this pace (shared through Redis when set; 0: no limit).
TMDB_MAX_REQUESTS_PER_SECOND = env_int("TMDB_MAX_REQUESTS_PER_SECOND", 20)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 5_000_000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
# A TMDB film is picked for a row by itself only at or above this confidence (percent).
IMPORT_MATCH_THRESHOLD = env_int("IMPORT_MATCH_THRESHOLD", 60)
IMPORT_JOB_RETENTION_DAYS = env_int("IMPORT_JOB_RETENTION_DAYS", 7)
# The currency a purchase price is in unless the form says otherwise (ISO 4217).
DEFAULT_CURRENCY = env_str("DEFAULT_CURRENCY", "EUR").upper()
# Shared collection and wish-list pages opened per visitor's address per minute (0: no limit).
SHARED_PAGE_RATE_LIMIT_PER_MINUTE = env_int("SHARED_PAGE_RATE_LIMIT_PER_MINUTE", 60)
# Public trackers written into magnet links beside each torrent's download link.
YTS_MAGNET_TRACKERS = env_list(
    "YTS_MAGNET_TRACKERS",
    [
        "udp://tracker.opentrackr.org:1337/announce",
        "udp://open.demonii.com:1337/announce",
        "udp://open.stealth.si:80/announce",
        "udp://tracker.torrent.eu.org:451/announce",
        "udp://exodus.desync.com:6969/announce",
        "udp://tracker.openbittorrent.com:6969/announce",
    ],
)

# --- Production: HTTPS, proxies, JSON logs, metrics ------------------------------------------
# Off DEBUG these default to the safe side; `manage.py check --deploy` lists what is left.
_PRODUCTION = DEBUG is False
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", _PRODUCTION)
# Behind a proxy that terminates TLS and sets X-Forwarded-Proto (and strips it from clients).
TRUST_X_FORWARDED_PROTO = env_bool("DJANGO_SECURE_PROXY_SSL_HEADER", False)
if TRUST_X_FORWARDED_PROTO is True:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Probes and scrapers talk plain HTTP to the app servers; a redirect would only confuse them.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if _PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", _PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", _PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# /metrics answers a staff session, or this token as `Authorization: Bearer <token>`.
METRICS_TOKEN = env_str("METRICS_TOKEN")

# --- Accounts: sign-in, invitations, password reset, two-factor (accounts/, django-allauth) -------
# Mail for password resets, address checks and invitations, from EMAIL_URL (smtp://user:pass@host:587/?tls=True).
# Without it: printed to the console in development; off DEBUG, dropped (a reset link is a credential
# and must not land in the logs), which `check --deploy` mentions.
EMAIL_URL = env_str("EMAIL_URL")
_EMAIL = env_email_url("EMAIL_URL")
EMAIL_BACKEND = _EMAIL.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG is True
    else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_HOST = _EMAIL.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _EMAIL.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _EMAIL.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _EMAIL.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _EMAIL.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _EMAIL.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = _EMAIL.get("EMAIL_TIMEOUT") or 10
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "DVD Collection Tracker <webmaster@localhost>")

# Open sign-up; off, a new account needs an invitation from a staff user (valid INVITATION_DAYS days).
ALLOW_SIGNUP = env_bool("ALLOW_SIGNUP", False)
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
# An address is checked by e-mail but not required: a household member may have none.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_SESSION_REMEMBER = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[DVD Collection] "
# A reset asked for an address no account has sends nothing (the page answers the same either way).
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# django-axes (above) is the one lock on password guessing; allauth's own would answer differently.
ACCOUNT_RATE_LIMITS = {"login_failed": False}

# Single sign-on through one OpenID Connect provider (Authelia, Authentik, Keycloak, Google…).
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "single sign-on")
OIDC_SERVER_URL = env_str("OIDC_SERVER_URL")  # the issuer; its /.well-known/openid-configuration is read
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")
# A first sign-in by someone with no account here creates one; off, it needs an invitation.
OIDC_AUTO_SIGNUP = env_bool("OIDC_AUTO_SIGNUP", False)
# Hide the password form: everyone signs in through the provider.
OIDC_ONLY = env_bool("OIDC_ONLY", False)
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "sso"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "APPS": [
            {
                "provider_id": "oidc",
                "name": OIDC_PROVIDER_NAME,
                "client_id": OIDC_CLIENT_ID,
                "secret": OIDC_CLIENT_SECRET,
                "settings": {"server_url": OIDC_SERVER_URL},
            }
        ]
        if OIDC_SERVER_URL
        else [],
    }
}
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = env_int("OIDC_TIMEOUT", 10)  # seconds

# Two-factor sign-in: authenticator-app codes (TOTP) and one-time recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "DVD Collection Tracker"
# Staff (who can reach /admin/ and make invitations) must set up two-factor before anything else.
REQUIRE_STAFF_MFA = env_bool("REQUIRE_STAFF_MFA", False)
MFA_ADAPTER = "accounts.adapters.MFAAdapter"

# --- The REST API (/api/v1/, api/): personal access tokens, JSON errors, an OpenAPI schema --------
# Per token (a session counts as one more), apart from the pages' own limits; 0: no limit.
API_RATE_LIMIT_PER_MINUTE = env_int("API_RATE_LIMIT_PER_MINUTE", 120)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so that a request with neither answers 401 with `WWW-Authenticate: Bearer`.
        "api.auth.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "api.auth.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.ApiSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    # ?format= is the export's own parameter (csv or json), not a choice of renderer.
    "URL_FORMAT_OVERRIDE": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "DVD Collection Tracker API",
    "DESCRIPTION": "Your collection, its torrents, statistics, export and imports. "
    "Authenticate with `Authorization: Bearer <token>` (a token from Settings → API tokens) "
    "or with the site's session cookie and CSRF token.",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "DiskTypeEnum": "tracker.models.DiskType",
        "MediaTypeEnum": "tracker.models.MediaType",
        "DVDStatusEnum": "tracker.models.Status",
        "ImportStatusEnum": "tracker.models.imports.ImportStatus",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.add_links"],
}

# --- Upgrade alerts (alerts/): a better quality of a film you own, by feed, push or e-mail ----------
# Fernet key(s) that encrypt the Apprise URLs people give (they hold tokens and passwords); several,
# comma-separated, to rotate: the first encrypts, any decrypts. Unset with DEBUG off: no push or e-mail.
NOTIFY_ENCRYPTION_KEY = env_list("NOTIFY_ENCRYPTION_KEY", [])
# Let Apprise URLs point at loopback and private addresses (a self-hosted ntfy or Gotify on the LAN);
# off, such URLs are refused, so that accounts cannot make the server probe its own network.
NOTIFY_ALLOW_PRIVATE_TARGETS = env_bool("NOTIFY_ALLOW_PRIVATE_TARGETS", False)
# The site's address, for links in messages (e.g. https://dvds.example.org); unset, messages carry none.
NOTIFY_SITE_URL = env_str("NOTIFY_SITE_URL")
# When beat sends digests that are due and retries failed sends (cron runs `manage.py send_notifications`).
NOTIFY_SEND_CRON = env_str("NOTIFY_SEND_CRON", "*/10 * * * *")
NOTIFY_MAX_CHANNELS = env_int("NOTIFY_MAX_CHANNELS", 5)  # Apprise URLs per person
