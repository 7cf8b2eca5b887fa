"""Application settings.

Each class is a complete set of defaults; every key can then be overridden from the
environment with a ``TRACKER_`` prefix (``TRACKER_DATABASE_URL`` sets
``DATABASE_URL``), see ``tracker.create_app``. Values given as environment variables
are parsed as JSON where they can be (``TRACKER_MAX_CONTENT_LENGTH=2000000`` is an int,
``TRACKER_RATELIMIT_ENABLED=false`` a bool) and kept as strings otherwise.
"""
from __future__ import annotations


class Config:
    # The instance folder: the default SQLite database, the generated secret key and
    # VAPID key. None means instance/ beside the code; set it to keep data elsewhere
    # (the code can then be read-only).
    INSTANCE_PATH: str | None = None
    # Database: None means "SQLite file in the instance folder".
    DATABASE_URL: str | None = None
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Seconds a SQLite connection waits for another writer before giving up.
    SQLITE_BUSY_TIMEOUT = 15

    # None means "generate once and keep in instance/secret_key".
    SECRET_KEY: str | None = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True

    # Number of trusted reverse proxies in front of the app (X-Forwarded-For etc.).
    PROXY_FIX = 0

    # Largest accepted request body, bytes (413 above it).
    MAX_CONTENT_LENGTH = 1_000_000

    # Password hashing (werkzeug method string) and the login/register limit.
    PASSWORD_HASH_METHOD = "scrypt"
    AUTH_RATE_LIMIT = "10 per minute;50 per hour"
    RATELIMIT_ENABLED = True
    # Where rate-limit counters live: "database://" (this app's database, shared by
    # every worker process; tracker.rate_limit_storage), "redis://host:6379/0", or
    # "memory://" (one process only: each worker would count alone).
    RATELIMIT_STORAGE_URI = "database://"
    RATELIMIT_HEADERS_ENABLED = True

    # CSRF: checked by tracker.auth for cookie-authenticated unsafe requests.
    WTF_CSRF_CHECK_DEFAULT = False
    WTF_CSRF_HEADERS = ["X-CSRF-Token", "X-CSRFToken"]
    WTF_CSRF_TIME_LIMIT = None

    # "on" runs the APScheduler background scheduler inside this process.
    SCHEDULER = "off"

    # --- Reminders and Web Push (tracker/reminders) ---
    # VAPID keys: None means "generate once into instance/vapid_private_key".
    VAPID_PRIVATE_KEY: str | None = None
    VAPID_PUBLIC_KEY: str | None = None
    # The contact push services see in the VAPID JWT (mailto: or https:).
    VAPID_SUBJECT = "mailto:reminders@backstretch.example"
    # Extra push endpoint hosts (comma list) beside the known push services; plain
    # http only for loopback hosts named here (local test receivers).
    PUSH_ENDPOINT_HOSTS = ""
    PUSH_TIMEOUT = 10.0          # seconds per push request
    PUSH_TTL = 3600              # seconds a push service keeps a push (at least 3600)
    PUSH_MAX_ATTEMPTS = 3        # per device, for 429 / 5xx / network errors
    PUSH_BACKOFF = 0.5           # seconds before the first retry, doubled each time
    PUSH_RETRY_AFTER_MAX = 60    # a longer Retry-After is given up on, not waited for
    PUSH_CONCURRENCY = 256       # pushes in flight at once
    # Occurrences older than this after downtime are skipped, not sent late.
    REMINDER_GRACE_MINUTES = 15
    # A claimed occurrence still unsent this long after its claim (its dispatcher died)
    # is claimed again and re-sent. Keep it above the longest send (PUSH_TIMEOUT x
    # PUSH_MAX_ATTEMPTS plus back-off), or a slow send could be doubled.
    REMINDER_LEASE_SECONDS = 300
    REMINDER_BATCH = 1000        # reminders claimed per transaction
    REMINDERS_MAX = 20           # per person
    PUSH_SUBSCRIPTIONS_MAX = 20  # devices per person
    DELIVERY_KEEP_DAYS = 90      # the maintenance job deletes older delivery rows

    # API documentation (flask-smorest).
    API_TITLE = "Backstretch API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"

    # Sharing (issue 12): largest export file POST /api/v1/import and the Settings
    # upload accept, bytes (413 above it; other requests keep MAX_CONTENT_LENGTH).
    IMPORT_MAX_BYTES = 4_000_000
    # Imports per person (API and the Settings upload together): each holds SQLite's
    # write lock while it writes.
    IMPORT_RATE_LIMIT = "10 per hour"

    # Response compression (Flask-Compress, issue 10): brotli where the browser asks
    # for it, gzip otherwise; small bodies are not worth it.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_MIN_SIZE = 500
    # --- Accounts (issue 6) ---
    # Failed guesses at one account: sign-ins by email from one client address, reset
    # requests by email and wrong passwords in password-confirmed actions by user from
    # any address; on top of AUTH_RATE_LIMIT.
    ACCOUNT_RATE_LIMIT = "10 per 15 minutes;50 per day"
    # Failed sign-ins at one account from every address together (a few addresses
    # cannot lock the owner out; many are still bounded).
    ACCOUNT_LOGIN_CEILING = "50 per 15 minutes;200 per day"
    # Attempts to change the email of one signed-in person: each sends a mail to the
    # address asked for (a confirmation link, or a notice to the account that has it).
    EMAIL_CHANGE_RATE_LIMIT = "5 per hour;10 per day"
    # Seconds a password-reset link stays valid.
    PASSWORD_RESET_MAX_AGE = 3600
    # Seconds a link confirming a new email address stays valid.
    EMAIL_CONFIRM_MAX_AGE = 86400
    # Where links in emails point (e.g. https://stretch.example.org), never the Host a
    # request came with. None: SERVER_NAME if set, else http://127.0.0.1:5000;
    # production refuses to start with a MAIL_SERVER and no PUBLIC_URL.
    PUBLIC_URL: str | None = None
    # SMTP for password-reset mail (Flask-Mailman); no server = no mail, and the
    # reset page says to ask whoever runs the server.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USE_SSL = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "Backstretch <no-reply@localhost>"
    MAIL_TIMEOUT = 10
    # Messages waiting for the background sender; above it one is dropped (logged).
    MAIL_QUEUE_SIZE = 100
    # Real SMTP in every mode (Flask-Mailman would keep mail in memory when testing;
    # the tests talk to a real SMTP server instead).
    MAIL_BACKEND = "smtp"

    # Pagination of list endpoints.
    PAGE_SIZE_DEFAULT = 50
    PAGE_SIZE_MAX = 200

    # Figures derived from a person's log, kept per worker process under their data
    # version (tracker.versioning), so never stale: answers of GET /api/v1/progress,
    # Today's figures (streak, plan, today's entries; the log form reads its plan
    # and the stretch library under the same size), and pages of GET /api/v1/sessions and /checkins (their JSON,
    # at most PAGE_SIZE_MAX sessions each). 0 turns a cache off.
    PROGRESS_CACHE_SIZE = 256
    TODAY_CACHE_SIZE = 1024
    LIST_CACHE_SIZE = 256


class DevelopmentConfig(Config):
    SCHEDULER = "on"


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    # Cheaper hash parameters keep the suite fast; the algorithm is the same.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    AUTH_RATE_LIMIT = "5 per minute"


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
