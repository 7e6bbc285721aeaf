"""Settings for the DVD Collection Tracker.

Every value comes from an environment variable with an embedded default that lets a
newcomer start with nothing set (SQLite, local-memory cache, DEBUG on). Values are
validated once, by the system checks in `tracker/checks.py`, not at request time.
"""

from pathlib import Path

import dj_database_url

from dvdtracker.env import env_bool, env_int, env_list, env_str

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
    "axes",
    "csp",
    "tracker",
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
_CONSOLE = {
    "plain": {"class": "logging.StreamHandler", "formatter": "plain"},
    "json": {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["context"],
        "stream": "ext://sys.stdout",
    },
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "tracker.ops.logs.JsonFormatter"},
    },
    "filters": {"context": {"()": "tracker.ops.logs.ContextFilter"}},
    "handlers": {"console": _CONSOLE["json" if LOG_FORMAT == "json" else "plain"]},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"tracker": {"level": env_str("TRACKER_LOG_LEVEL", "INFO")}},
}

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
# unacknowledged this long; it must outlast the longest task and countdown (see README).
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
YTS_PACING_MAX_WAIT_SECONDS = env_int("YTS_PACING_MAX_WAIT_SECONDS", 2)
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
