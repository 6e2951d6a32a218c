"""Configuration: classes, then ``instance/config.py``, then ``INTRANET_*`` environment variables.

Nothing here is read at import time by the rest of the app: ``create_app`` resolves the final
mapping once, so tests and production can differ only by what they pass in.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]  # the repository: intranet/platform/config.py


class Config:
    """Embedded default: one process, SQLite in ``instance/``, Whoosh index on disk."""

    SECRET_KEY: str | None = None
    DATABASE_URL = f"sqlite:///{ROOT / 'instance' / 'intranet.db'}"
    # PostgreSQL connections per process: SQLAlchemy's default (5 + 10) queued a web server's
    # hundreds of threads for 30 s under load (bench/README.md, Capacity). The server's
    # max_connections must exceed (pool + overflow) x processes (web servers and workers).
    DATABASE_POOL_SIZE = 20
    DATABASE_MAX_OVERFLOW = 10
    DATABASE_POOL_TIMEOUT = 10.0  # seconds a request waits for a connection, then 503 + Retry-After
    SEARCH_INDEX_DIR = str(ROOT / "search_index")
    UPLOAD_DIR = str(ROOT / "instance" / "uploads")
    SEARCH_INDEXER_THREAD = True  # drain the search outbox in a thread of the web process
    SEARCH_INDEXER_POLL = 1.0  # seconds; commits in this process wake it at once
    SEARCH_INDEXER_GATHER = 0.25  # seconds of commits batched after a round that found work
    # The outbox is a log every host's indexer follows: rows are kept this long, then purged by
    # age (a host whose cursor falls behind them rebuilds its index); keep it above a rebuild's time.
    SEARCH_OUTBOX_RETENTION_HOURS = 24.0
    SEARCH_OUTBOX_PURGE_SECONDS = 600.0  # indexers purge this often; 0: `flask search purge` (cron)
    # SQLite: WAL checkpoints every this many seconds from a thread of the web process, not inside
    # whichever request's commit fills the log (intranet/checkpoint.py); 0: SQLite's own.
    SQLITE_CHECKPOINT_SECONDS = 1.0
    # Several web processes (scale-out): one Redis shares what a single process keeps in memory.
    # Set REDIS_URL (INTRANET_REDIS_URL=redis://host:6379/0) and presence, typing and focus
    # (platform.presence), the rate limits (flask-limiter's and the inbox webhook's) and the
    # Socket.IO message queue all go through it (``scale_out``); start-up fails clearly when that
    # Redis does not answer (platform.redis_store). Unset: one process, everything in its memory.
    REDIS_URL: str | None = None
    REDIS_KEY_PREFIX = "intranet:"  # keeps several deployments on one Redis apart
    REDIS_CHECK_IN_TESTS = False  # the start-up check runs unless TESTING; True: under tests too
    PRESENCE_TTL_SECONDS = 60  # a socket's shared presence outlives a crashed worker this long at most
    # None: REDIS_URL's when set; "": no queue. A redis:// queue set without REDIS_URL (as
    # deploy/intranet.env.example does) is taken as REDIS_URL too.
    SOCKETIO_MESSAGE_QUEUE: str | None = None
    # "auto": gevent in a process gunicorn's gevent worker patched (the scale-out servers, deploy/),
    # else threading; never left to Flask-SocketIO, which would pick eventlet (``socketio_async_mode``).
    SOCKETIO_ASYNC_MODE = "auto"
    # False: a client's socket events (catch_up, presence, typing...) run in its socket's own thread,
    # in order, instead of a new thread per event; after a restart 1,000 catch-ups started 1,000
    # threads at once. The server never uses ``call()``, which needs True.
    SOCKETIO_ASYNC_HANDLERS = False
    SELF_REGISTRATION_DOMAINS: tuple[str, ...] = ()
    # Hosts of the company network the server may fetch from or post to (feeds, reply webhooks):
    # "host", "host:port", "[v6]:port" or a network "10.1.0.0/16". Every other private, loopback,
    # link-local or reserved address is refused (platform/outbound.py).
    OUTBOUND_ALLOW: tuple[str, ...] = ()
    # Mail (platform/mail): no MAIL_SERVER, nothing is sent and mails wait in the outbox. Port 465
    # is implicit TLS; MAIL_USE_TLS is STARTTLS on another port.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_FROM = "Intranet <intranet@localhost>"
    MAIL_SENDER_THREAD = True  # send from a thread of the web process (`flask mail worker`: its own)
    MAIL_SENDER_POLL = 5.0  # seconds; a commit that queues mail in this process wakes it at once
    MAIL_TIMEOUT_SECONDS = 20.0  # per SMTP connection and command
    MAIL_RETRY_SECONDS = 30.0  # first retry after this; doubled each time, capped at an hour
    MAIL_MAX_ATTEMPTS = 8  # then the mail is marked failed (the admin page lists it)
    MAIL_LEASE_SECONDS = 300.0  # a sender's claim on the mails of its round; past it, another may
    MAIL_BATCH = 20  # mails claimed and sent per round and SMTP connection
    MAIL_DELAY_SECONDS = 600  # a notification still unread this long after it happened is mailed (0: at once)
    MAIL_JOBS_SECONDS = 30.0  # the senders look for notifications and digests due this often (0: cron)
    INVITATION_DAYS = 7  # an administrator's invitation link works once, this many days
    REGISTRATION_HOURS = 48  # a self-registration's confirmation link works once, this many hours
    MAIL_BASE_URL: str | None = None  # links in mails, e.g. https://intranet.acme.example (None: localhost)
    BABEL_DEFAULT_LOCALE = "en"
    LANGUAGES = ("en", "fr")
    # The company's time zone (an IANA name): the times of people who chose none on their profile,
    # and the day of the daily jobs. An unknown name stops the start.
    TIMEZONE = "Europe/Paris"
    MAX_CONTENT_LENGTH = 40 * 1024 * 1024  # a post's files and fields; nginx's client_max_body_size
    JSON_MAX_BYTES = 1024 * 1024  # a JSON request body (uploads: MAX_CONTENT_LENGTH); 413 beyond
    MAX_POST_LENGTH = 20_000
    MAX_COMMENT_LENGTH = 5_000
    MAX_MESSAGE_LENGTH = 10_000
    MAX_CONVERSATION_OTHERS = 50  # people besides the one starting a conversation
    TOKEN_CACHE_SECONDS = 30.0  # a known API token is re-read at most this often (auth.user_for_token)
    PRESENCE_BATCH_SECONDS = 0.5  # presence changes are sent in batches (0: one by one, at once)
    PRESENCE_BURST_SECONDS = 3.0  # the next batch's wait after a big one (a reconnection wave)
    MAX_AVATAR_BYTES = 2 * 1024 * 1024
    # per shared file (the request itself: MAX_CONTENT_LENGTH): a 24-50 MP phone photo is 6-15 MB
    MAX_ATTACHMENT_BYTES = 15 * 1024 * 1024
    MAX_ATTACHMENTS = 5  # files per post
    # The text of a shared PDF or Office file is read by a child process with these limits
    # (platform/extract.py); past one, the file stays downloadable but is not searchable by content.
    EXTRACT_MEMORY_MB = 256  # address space of the child
    EXTRACT_CPU_SECONDS = 20
    EXTRACT_SECONDS = 40  # wall clock, then the child is killed; a PDF stops reading at half of it
    EXTRACT_MAX_PDF_PAGES = 500  # pages of a PDF read for the index (the first ones)
    # Photos (JPEG, PNG, WebP, GIF) are decoded on upload by a child with these limits
    # (platform/imaging.py): refused past them; stored re-encoded without metadata.
    IMAGE_MAX_PIXELS = 40_000_000  # as declared by the header, all frames of an animation together
    IMAGE_MAX_SIDE = 12_000  # pixels, the longest side (a panorama)
    IMAGE_MAX_FRAMES = 300  # of an animated GIF or WebP
    IMAGE_DISPLAY_SIDE = 3840  # longest side of the stored copy (larger photos are scaled down)
    IMAGE_THUMB_SIDE = 640  # longest side of a thumbnail or a PDF's first-page preview
    IMAGE_MEMORY_MB = 768  # address space of the child: a 40 MP photo decodes to 160 MB
    IMAGE_SECONDS = 60  # wall clock of the child (a busy server is slow), then the upload is refused
    PREVIEW_PDF_CPU_SECONDS = 3  # drawing a PDF's first page; past it the PDF has no preview
    FEED_PAGE_SIZE = 20
    PASSWORD_HASH_METHOD = "scrypt"
    RATELIMIT_STORAGE_URI = "memory://"  # REDIS_URL's when that is set (``scale_out``)
    RATELIMIT_ENABLED = True  # explicit: Flask-Limiter otherwise keeps the last app's choice
    LOGIN_RATE_LIMIT = "10 per minute"
    INBOX_WEBHOOK_RATE_LIMIT = "6000 per minute"  # per source: a runaway sender cannot flood us
    INBOX_WEBHOOK_MAX_BYTES = 1024 * 1024
    INBOX_SCHEDULER = True  # poll feeds and check SLAs in a thread; off for several workers (cron)
    INBOX_SCHEDULER_SECONDS = 60
    # who matches and triages stored webhook comments: "thread" (a worker thread of this process),
    # "inline" (the request, after storing), "external" (`flask --app wsgi inbox process --loop`)
    INBOX_PROCESSING = "thread"
    # Proxies in front of the app whose X-Forwarded-For/-Proto/-Host to believe (nginx: 1). 0 behind
    # none: a client could claim any address. Behind nginx without it, every client has nginx's
    # address and shares one login rate limit.
    TRUSTED_PROXIES = 0
    READYZ_SEARCH_LAG_SECONDS = 60.0  # /readyz says "lagging" (still 200) past this indexing lag
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # Server-side logins (platform/sessions.py): a login unused this long ends unless remembered;
    # "remember me" lasts this many days from its last use; last use is recorded at most this often.
    SESSION_IDLE_HOURS = 168
    REMEMBER_DAYS = 30
    SESSION_TOUCH_SECONDS = 300
    PASSWORD_RESET_SECONDS = 3600  # a reset link's lifetime (and it works once)
    PASSWORD_RESET_RATE_LIMIT = "5 per minute"  # reset requests per client address
    PASSWORD_RESET_ADDRESS_LIMIT = "3 per hour"  # reset mails per e-mail address asked for
    # Per-account login throttle (platform/throttle.py): after this many failures in a row, each
    # further one doubles the wait, from LOGIN_DELAY_BASE seconds up to LOGIN_DELAY_MAX.
    LOGIN_FREE_FAILURES = 3
    LOGIN_DELAY_BASE = 1
    LOGIN_DELAY_MAX = 300
    REMEMBER_COOKIE_HTTPONLY = True  # Flask-Login's own cookie is never set; flags in case it were
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_CHECK_DEFAULT = False  # checked in one before_request hook, skipped for token auth
    WTF_CSRF_TIME_LIMIT = None
    GENERATE_SECRET_KEY = True  # no key configured: make one in instance/secret_key (never in code)
    # Single sign-on (README "Single sign-on"). LDAP / Active Directory: off while LDAP_URL is "".
    # Sign-in searches LDAP_USER_FILTER ({login}: what was typed, escaped) under LDAP_BASE_DN bound
    # as LDAP_BIND_DN, then binds as the entry found with the password typed.
    LDAP_URL = ""  # ldap://dc1.acme.example or ldaps://dc1.acme.example:636
    LDAP_START_TLS = False  # upgrade ldap:// with StartTLS before any bind
    LDAP_CA_FILE = ""  # CA bundle for ldaps:// and StartTLS ("": the system's)
    LDAP_BIND_DN = ""
    LDAP_BIND_PASSWORD = ""
    LDAP_BASE_DN = ""
    LDAP_USER_FILTER = "(&(objectClass=inetOrgPerson)(|(uid={login})(mail={login})))"
    LDAP_SYNC_FILTER = "(objectClass=inetOrgPerson)"  # who `directory sync` reads (everyone employed)
    LDAP_ATTR_ID = "entryUUID"  # stable id; Active Directory: objectGUID
    LDAP_ATTR_NAME = "cn"  # Active Directory: displayName
    LDAP_ATTR_EMAIL = "mail"
    LDAP_ATTR_JOB_TITLE = "title"
    LDAP_ATTR_DEPARTMENT = "departmentNumber"  # Active Directory: department
    LDAP_TIMEOUT = 10.0  # seconds, to connect and per operation
    # OpenID Connect (Authorization Code with PKCE): off while OIDC_ISSUER is "". The provider's
    # discovery document is read from OIDC_ISSUER + /.well-known/openid-configuration; register
    # <this site>/login/oidc/callback as the redirect URI. Claims are read from the ID token.
    OIDC_ISSUER = ""  # e.g. https://login.microsoftonline.com/<tenant>/v2.0, https://kc.acme.example/realms/acme
    OIDC_CLIENT_ID = ""
    OIDC_CLIENT_SECRET = ""
    OIDC_SCOPES = "openid email profile"
    OIDC_PROVIDER_NAME = "OpenID Connect"  # the login page's button: "Sign in with <name>"
    OIDC_CLAIM_ID = "sub"
    OIDC_CLAIM_NAME = "name"
    OIDC_CLAIM_EMAIL = "email"  # Entra ID without an e-mail claim: preferred_username
    OIDC_CLAIM_JOB_TITLE = "job_title"
    OIDC_CLAIM_DEPARTMENT = "department"
    # False (INTRANET_LOCAL_PASSWORDS=off): people sign in only through LDAP or OpenID Connect; the
    # login form hides its password fields (unless LDAP asks for the directory's password) and the
    # password pages and endpoints (register, change, forgot, reset, token for a password) answer 403,
    # except for BREAK_GLASS_ADMIN, whose local password keeps working (/login?local=1).
    LOCAL_PASSWORDS = True
    # An administrator's e-mail that may always sign in with its local password (even with
    # LOCAL_PASSWORDS off) and that `directory sync` never deactivates.
    BREAK_GLASS_ADMIN = ""


class TestingConfig(Config):
    TESTING = True
    SEARCH_INDEXER_THREAD = False  # tests drain the outbox synchronously
    SQLITE_CHECKPOINT_SECONDS = 0.0  # no thread per test app (tests/test_checkpoint.py runs it)
    SECRET_KEY = "testing-secret"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast tests; production keeps scrypt
    INBOX_SCHEDULER = False
    MAIL_SENDER_THREAD = False  # tests send synchronously (tests/mail_helpers.py)
    INBOX_PROCESSING = "inline"  # a test sees the cases as soon as the webhook answered


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True  # the remember-me cookie follows it
    REMEMBER_COOKIE_SECURE = True
    GENERATE_SECRET_KEY = False  # refuse to start without a secret chosen by the administrator


def _coerce(value: str, current: Any) -> Any:
    """Turn an environment string into the type of the default it overrides."""
    if isinstance(current, bool):
        return value.lower() in {"1", "true", "yes", "on"}
    if isinstance(current, int):
        return int(value)
    if isinstance(current, float):  # e.g. INTRANET_PRESENCE_BATCH_SECONDS=2 (was kept a string)
        return float(value)
    if isinstance(current, tuple):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    return value


def load_config(base: type[Config], overrides: dict[str, Any] | None, instance_path: str) -> dict:
    """Merge class defaults, instance/config.py, INTRANET_* env vars and explicit overrides."""
    values = {k: getattr(base, k) for k in dir(base) if k.isupper()}
    instance_file = Path(instance_path) / "config.py"
    if instance_file.exists():
        scope: dict[str, Any] = {}
        exec(compile(instance_file.read_text(), str(instance_file), "exec"), scope)
        values.update({k: v for k, v in scope.items() if k.isupper()})
    for key, raw in os.environ.items():
        if key.startswith("INTRANET_"):
            name = key.removeprefix("INTRANET_")
            values[name] = _coerce(raw, values.get(name))
    values.update(overrides or {})
    scale_out(values)
    if not values.get("SECRET_KEY"):
        if not values.get("GENERATE_SECRET_KEY"):
            raise RuntimeError("Set INTRANET_SECRET_KEY (or SECRET_KEY in instance/config.py).")
        values["SECRET_KEY"] = _instance_secret(Path(instance_path))
    return values


def scale_out(values: dict[str, Any]) -> None:
    """One setting for Redis: ``REDIS_URL`` also serves as the Socket.IO message queue (unless that
    is set: "" for none) and as the rate limits' storage (unless set to something other than
    ``memory://``). A redis:// message queue set alone, as older configurations do, is taken as
    ``REDIS_URL``: several processes sharing events must share presence and limits too."""
    queue = values.get("SOCKETIO_MESSAGE_QUEUE")
    if not values.get("REDIS_URL") and isinstance(queue, str) and queue.startswith(("redis://", "rediss://")):
        values["REDIS_URL"] = queue
    url = values.get("REDIS_URL")
    if not url:
        return
    if queue is None:
        values["SOCKETIO_MESSAGE_QUEUE"] = url
    if values.get("RATELIMIT_STORAGE_URI") in (None, "", "memory://"):
        values["RATELIMIT_STORAGE_URI"] = url


def _instance_secret(folder: Path) -> str:
    """A random key kept in ``instance/secret_key`` (0600), so sessions survive restarts."""
    path = folder / "secret_key"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def config_class() -> type[Config]:
    """Pick the class from INTRANET_ENV: production, testing or (default) development."""
    env = os.environ.get("INTRANET_ENV", "development")
    return {"production": ProductionConfig, "testing": TestingConfig}.get(env, Config)


def socketio_async_mode(config: dict[str, Any]) -> str:
    """Flask-SocketIO's async mode for this process, always explicit (DESIGN §10).

    "auto" follows the server: gunicorn's gevent worker monkey-patches the process before it
    loads the app, and then every open page is a greenlet, not 3-4 threads (bench/README.md,
    Capacity); otherwise (gthread, ``flask run``, the workers' CLI) threading. gevent needs
    PostgreSQL: SQLite's busy handler sleeps in C, holding up every greenlet of the process,
    the lock's holder included, for its whole timeout."""
    mode = config["SOCKETIO_ASYNC_MODE"]
    if mode == "auto":
        monkey = sys.modules.get("gevent.monkey")
        mode = "gevent" if monkey is not None and monkey.is_module_patched("socket") else "threading"
    if mode not in ("threading", "gevent"):
        raise RuntimeError(f"SOCKETIO_ASYNC_MODE is {mode!r}: use auto, threading or gevent.")
    if mode == "gevent" and str(config["DATABASE_URL"]).startswith("sqlite"):
        raise RuntimeError("The gevent worker needs PostgreSQL (INTRANET_DATABASE_URL): with SQLite, "
                           "run gunicorn's default gthread worker (--threads N).")
    return mode
