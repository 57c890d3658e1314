"""Settings, all read from the environment with defaults that run on SQLite.

Every variable is listed, with its default and the comment beside it here, in
`.env.example` and docs/configuration.md, both written from this file by
`python scripts/configuration.py`. A secret can also be given as `NAME_FILE`, the path of
a file holding it.
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
# Where local state lives: the SQLite database, generated secrets, downloads.
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """A setting from the environment, or from the file named by NAME_FILE."""
    path = os.environ.get(f"{name}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def _local_secret(filename: str) -> str:
    """A secret generated once into a git-ignored file, for runs without one configured."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


DEBUG = env_bool("DEBUG", False)  # Django's debug pages: never in production
# Django's signing key; generated into $VAR_DIR/secret_key when unset.
SECRET_KEY = env("SECRET_KEY") or _local_secret("secret_key")
# Host names served, comma-separated.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
# The site's .onion name when it is also served as a Tor onion service.
ONION_HOST = env("ONION_HOST")
if ONION_HOST and ONION_HOST not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(ONION_HOST)
# The public base URL, used only where an absolute link is unavoidable (Telegram, e-mail).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Other origins whose forms may post here, comma-separated.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "undersigned.core",
    "undersigned.audit",
    "undersigned.officials",
    "undersigned.campaigns",
    "undersigned.signatures",
    "undersigned.ledger",
    "undersigned.web",
    "undersigned.verification",
    "undersigned.desk",
    "undersigned.sharing",
    "undersigned.api",
    "undersigned.vault",
    "undersigned.updates",
    "undersigned.bot",
    "undersigned.jobs",  # work that spans the apps: the count job and what follows, the demo
    "captcha",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "undersigned.core.middleware.SecurityHeadersMiddleware",
    "undersigned.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "undersigned.core.middleware.CsrfMiddleware",
    "undersigned.desk.middleware.DeskMiddleware",  # DESK_MIDDLEWARE, under /desk/ only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "undersigned.core.unavailable.ServiceUnavailableMiddleware",
]
# Sessions, sign-in, the second factor and messages: staff work at the desk, and the
# public site never has a signed-in user, so public requests skip these altogether.
DESK_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

ROOT_URLCONF = "undersigned.urls"
WSGI_APPLICATION = "undersigned.wsgi.application"
ASGI_APPLICATION = "undersigned.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# SQLite by default; postgres://user@host:5432/db in production.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'undersigned.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
# Optional read replica: public pages read from it (see undersigned/core/dbrouter.py).
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=0)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["undersigned.core.dbrouter.PublicReadRouter"]
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    for alias in DATABASES:
        # Pooled connections (not persistent ones: the pool replaces CONN_MAX_AGE). They
        # are not checked before each use, which would cost every request a round trip:
        # after a PostgreSQL restart each pooled connection fails one request (a 503) and
        # is then replaced.
        DATABASES[alias]["CONN_HEALTH_CHECKS"] = env_bool("DATABASE_HEALTH_CHECKS", False)
        DATABASES[alias]["OPTIONS"] = {
            "pool": {
                # Pooled connections kept open per process.
                "min_size": env_int("DATABASE_POOL_MIN", 2),
                "max_size": env_int("DATABASE_POOL_MAX", 8),  # at most this many per process
                # Seconds to wait for a free pooled connection.
                "timeout": float(env("DATABASE_POOL_TIMEOUT", "5")),
            },
            # Seconds: give up on an unreachable PostgreSQL.
            "connect_timeout": env_int("DATABASE_CONNECT_TIMEOUT", 3),
            # Lets psycopg prepare statements (Django leaves it off). Django's own cursors
            # bind on the client and are never prepared; the signature insert asks for it.
            "prepare_threshold": 5,
            # Stops a runaway query.
            "options": f"-c statement_timeout={env_int('DATABASE_STATEMENT_TIMEOUT_MS', 30000)}",
        }
else:
    # WAL lets the web server read while the worker writes; a busy timeout queues writers.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        # secure_delete: deleted and overwritten rows (retention) are zeroed in the file.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")  # cache and rate limits; local memory when empty
# Short timeouts: a stopped Redis must slow no page down (the page cache fails open).
REDIS_CONNECT_TIMEOUT = float(env("REDIS_CONNECT_TIMEOUT", "0.25"))
REDIS_TIMEOUT = float(env("REDIS_TIMEOUT", "0.5"))  # seconds a Redis command may take
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "undersigned",
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "undersigned",
        }
    }

TASKS = {
    "default": {
        # The django.tasks backend.
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Sessions exist at the desk only (DESK_MIDDLEWARE): staff sessions in the database, on a
# cookie of their own limited to /desk/, that a public page never sees.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# The staff session cookie's name.
SESSION_COOKIE_NAME = env("DESK_SESSION_COOKIE_NAME", "undersigned_desk")
SESSION_COOKIE_PATH = "/desk/"
SESSION_COOKIE_AGE = env_int("DESK_SESSION_SECONDS", 8 * 3600)  # a staff session's lifetime
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE = env_bool("SECURE", False)  # served over HTTPS: secure cookies, HSTS, redirect
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
# With SECURE: plain HTTP is sent to HTTPS.
SECURE_SSL_REDIRECT = SECURE and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE else None
# With SECURE: the HSTS lifetime.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
# Only says the site consents to the browsers' preload list; submitting it is a separate step.
SECURE_HSTS_PRELOAD = SECURE and env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "no-referrer"
X_FRAME_OPTIONS = "DENY"
# Django looks for its own CSRF middleware by name; undersigned.core.middleware.CsrfMiddleware
# extends it, and undersigned.core.checks checks that it is installed instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
# Bytes: the largest form body accepted.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 64 * 1024)

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
# Where collectstatic puts the static files.
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))  # link-preview card images
# Downloads (CSV, XLSX, JSON), written by a periodic job every EXPORT_SECONDS when what
# they show may have changed, and at least every EXPORT_MAX_AGE_SECONDS.
EXPORT_ROOT = Path(env("EXPORT_ROOT", str(VAR_DIR / "exports")))
# How often the export job looks for downloads to write.
EXPORT_SECONDS = env_int("EXPORT_SECONDS", 300)
# A download is written again at least this often.
EXPORT_MAX_AGE_SECONDS = env_int("EXPORT_MAX_AGE_SECONDS", 6 * 3600)
# At most this share of the time is spent writing one campaign's downloads: after a
# writing that took T seconds, the next waits T / EXPORT_MAX_SHARE (a million signatures
# take minutes of CPU; written every 5 minutes they would hold a core for good).
EXPORT_MAX_SHARE = float(env("EXPORT_MAX_SHARE", "0.1"))
# Whether the periodic runner starts the export job as a process of its own (nice 10).
EXPORT_IN_BACKGROUND = env_bool("EXPORT_IN_BACKGROUND", True)
# Behind nginx: the internal location that serves EXPORT_ROOT (deploy/nginx), so that
# the app names the file (X-Accel-Redirect) and nginx sends it. Empty: the app streams it.
EXPORT_ACCEL_PREFIX = env("EXPORT_ACCEL_PREFIX", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Secret links (receipts, unsubscribe, the webhook) are redacted on every handler.
    "filters": {"redact_secrets": {"()": "undersigned.core.logs.RedactSecrets"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_secrets"],
        }
    },
    # The log level of every logger.
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    # Request lines carry receipt tokens in their paths; they are never logged.
    "loggers": {
        "django.request": {"level": "ERROR"},
        "django.server": {"handlers": [], "level": "ERROR", "propagate": False},
    },
}

# Counting: how often the batched count job runs, and how long a run may hold its lock.
COUNT_INTERVAL_SECONDS = float(env("COUNT_INTERVAL_SECONDS", "1"))
COUNT_BATCH_SIZE = env_int("COUNT_BATCH_SIZE", 20000)  # count changes folded per transaction
# Public pages are cached this long; stale copies are served while a fresh one is made.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 1)
# A stale copy is served this long while a fresh one is made.
PAGE_CACHE_STALE_SECONDS = env_int("PAGE_CACHE_STALE_SECONDS", 30)
# Where the count job writes the public pages nginx sends as files (each public
# campaign's counts.json, each open campaign's page; docs/deploy.md); empty: none written,
# the app answers.
PUBLISHED_ROOT = env("PUBLISHED_ROOT", "")
# A page file whose counts moved is made again once it is this old (a page in every
# language is a render of its own; the counts file moves at every run).
PUBLISHED_PAGE_SECONDS = env_int("PUBLISHED_PAGE_SECONDS", 2)
# Workers keep the campaign behind the signing form this long (undersigned/web/signing.py).
CAMPAIGN_CACHE_SECONDS = float(env("CAMPAIGN_CACHE_SECONDS", "2"))
CSRF_FAILURE_VIEW = "undersigned.web.errors.csrf_failure"

# Signer safety (undersigned.vault, undersigned.core.ratelimit).
# The request header (e.g. X-Real-IP) holding the client address set by a trusted reverse
# proxy; empty: the socket's peer address. Addresses are only ever kept as keyed hashes.
TRUSTED_PROXY_HEADER = env("TRUSTED_PROXY_HEADER")
# Rate limits on signing, per client address and per campaign, over one window. Past the
# captcha threshold a captcha is asked; past the client limit, 429 and nothing is stored.
RATE_WINDOW_SECONDS = env_int("RATE_WINDOW_SECONDS", 600)
# Signatures from one client past which a captcha is asked.
RATE_CLIENT_CAPTCHA_AFTER = env_int("RATE_CLIENT_CAPTCHA_AFTER", 3)
RATE_CLIENT_LIMIT = env_int("RATE_CLIENT_LIMIT", 10)  # past this, 429 and nothing stored
# Complete submissions (valid forms) from one client within the window past which more are held.
RATE_CLIENT_HOLD_AFTER = env_int("RATE_CLIENT_HOLD_AFTER", 5)
# Onion visitors are counted per Tor circuit (nginx names it in TRUSTED_PROXY_HEADER),
# with these limits.
RATE_ONION_LIMIT = env_int("RATE_ONION_LIMIT", 300)
# Complete submissions past which more are held.
RATE_ONION_HOLD_AFTER = env_int("RATE_ONION_HOLD_AFTER", 100)
# Signatures on one campaign past which all are asked.
RATE_CAMPAIGN_CAPTCHA_AFTER = env_int("RATE_CAMPAIGN_CAPTCHA_AFTER", 600)
# Contacts, client hashes and unverified claims are destroyed this long after a campaign closes.
RETENTION_DAYS_AFTER_CLOSE = env_int("RETENTION_DAYS_AFTER_CLOSE", 30)
# django-simple-captcha: an image served by this site; no audio (it would need flite).
CAPTCHA_FLITE_PATH = None
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 15  # minutes
CAPTCHA_2X_IMAGE = False

# Verification desk (undersigned.desk, undersigned.verification).
# Staff sessions: SESSION_* above.
# Failed sign-ins per username and per client address within the window past which the
# sign-in form asks for a captcha (undersigned.verification.throttle).
DESK_LOGIN_ATTEMPTS = env_int("DESK_LOGIN_ATTEMPTS", 5)
# Failures per client address.
DESK_LOGIN_CLIENT_ATTEMPTS = env_int("DESK_LOGIN_CLIENT_ATTEMPTS", 20)
# The window those failures count in.
DESK_LOGIN_WINDOW_SECONDS = env_int("DESK_LOGIN_WINDOW_SECONDS", 900)
# Failures of one username from one client (or one signed-in-before browser) that lock
# that pair alone; below it, past the limits above, a captcha is asked instead.
DESK_LOGIN_LOCK_ATTEMPTS = env_int("DESK_LOGIN_LOCK_ATTEMPTS", 50)
# Password hashers, strongest first (Django's default list). The test suite names a fast one.
PASSWORD_HASHERS = env_list(
    "PASSWORD_HASHERS",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher,"
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher,"
    "django.contrib.auth.hashers.Argon2PasswordHasher,"
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher,"
    "django.contrib.auth.hashers.ScryptPasswordHasher",
)
DESK_DEVICE_DAYS = env_int("DESK_DEVICE_DAYS", 365)  # days a browser that signed in is remembered
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "undersigned")  # the name authenticator apps show
# How long the one-time code that lets a staff account enrol its authenticator stays valid.
ENROLMENT_CODE_DAYS = env_int("ENROLMENT_CODE_DAYS", 7)
# Confirmation codes: lifetime, wrong tries per signature, wrong tries per client and window.
CONFIRMATION_CODE_DAYS = env_int("CONFIRMATION_CODE_DAYS", 7)
CONFIRMATION_CODE_ATTEMPTS = env_int("CONFIRMATION_CODE_ATTEMPTS", 5)  # wrong tries per signature
# Wrong tries per client address.
CONFIRMATION_CODE_CLIENT_ATTEMPTS = env_int("CONFIRMATION_CODE_CLIENT_ATTEMPTS", 10)
# The window those tries count in.
CONFIRMATION_CODE_WINDOW_SECONDS = env_int("CONFIRMATION_CODE_WINDOW_SECONDS", 3600)
# Signatures rejected per transaction by a bulk invalidation.
INVALIDATION_BATCH_SIZE = env_int("INVALIDATION_BATCH_SIZE", 500)

# Telegram bot: token from @BotFather; its username for t.me links on campaign pages; the
# Bot API server (a local one, or a test double); the secret path and header of the webhook.
TELEGRAM_BOT_TOKEN = env("TELEGRAM_BOT_TOKEN")
TELEGRAM_BOT_USERNAME = env("TELEGRAM_BOT_USERNAME").lstrip("@")  # for t.me links on campaign pages
# The Bot API server.
TELEGRAM_API_URL = env("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
TELEGRAM_WEBHOOK_SECRET = env("TELEGRAM_WEBHOOK_SECRET")  # the webhook's secret path and header
# Staff hear of new signatures waiting at most this often per campaign.
TELEGRAM_STAFF_NOTIFY_SECONDS = env_int("TELEGRAM_STAFF_NOTIFY_SECONDS", 300)

# E-mail, for updates to subscribers.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")  # the SMTP server
EMAIL_PORT = env_int("EMAIL_PORT", 25)  # the SMTP server's port
EMAIL_HOST_USER = env("EMAIL_HOST_USER")  # the SMTP user name, if the server asks for one
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")  # the SMTP user's password
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)  # whether to use STARTTLS with the SMTP server
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)  # whether to use TLS from the start (SMTPS)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20)  # seconds before a mail server counts as unreachable
# Where the file backend (EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend,
# as `make demo` sets it) writes each e-mail instead of sending it.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
# The sender of every mail.
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "undersigned <noreply@localhost>")
# Attempts at one delivery before a temporary failure counts as final.
UPDATES_MAX_ATTEMPTS = env_int("UPDATES_MAX_ATTEMPTS", 5)
# Addresses given with a signature wait for a job that runs this often, apart from signing.
UPDATES_REQUEST_SECONDS = env_int("UPDATES_REQUEST_SECONDS", 900)
# Days an e-mail confirmation link stays valid.
UPDATES_CONFIRM_DAYS = env_int("UPDATES_CONFIRM_DAYS", 7)

# The public log (undersigned.ledger). The checkpoint signing key is the base64 of a 32-byte
# Ed25519 seed (`manage.py ledger_key --new` makes one); generated into VAR_DIR when unset.
LEDGER_SIGNING_KEY = env("LEDGER_SIGNING_KEY")
# How often the log catches up with the counts.
LEDGER_INTERVAL_SECONDS = float(env("LEDGER_INTERVAL_SECONDS", "5"))
LEDGER_BATCH_SIZE = env_int("LEDGER_BATCH_SIZE", 10000)  # entries appended per transaction
# Entries carry their batch's time rounded down to this many seconds.
LEDGER_TIME_ROUNDING_SECONDS = env_int("LEDGER_TIME_ROUNDING_SECONDS", 60)
# How long readers and proxies may cache the log's public endpoints.
LEDGER_CACHE_SECONDS = env_int("LEDGER_CACHE_SECONDS", 10)
# Where a static mirror of the public pages and log lives (export_site), named on each
# checkpoint's citable page so a citation can be checked away from this site; empty: none.
MIRROR_URL = env("MIRROR_URL").rstrip("/")

# Matching signatures to the registry of officials (undersigned.officials.matching): a best
# candidate at or above the auto threshold, ahead of the next by the margin, is matched
# without a person; one at or above the review threshold goes to a verifier; below, no match.
MATCH_AUTO_THRESHOLD = float(env("MATCH_AUTO_THRESHOLD", "0.88"))
# At or above: a verifier decides.
MATCH_REVIEW_THRESHOLD = float(env("MATCH_REVIEW_THRESHOLD", "0.7"))
# The lead over the next candidate an automatic match needs.
MATCH_AUTO_MARGIN = float(env("MATCH_AUTO_MARGIN", "0.05"))
