"""Settings from environment variables, with safe defaults.

Every setting the app reads is named here once; the README has the table. Values come from the
environment (twelve-factor); a `config` mapping passed to `create_app` overrides them (tests).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

DEVELOPMENT = "development"
PRODUCTION = "production"


class ConfigError(RuntimeError):
    """The app cannot start with these settings; the message says which one to fix."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from exc


# Published counts of equality data (cpweek/suppression.py): (setting, default, why it must
# be 2 or more). A threshold of 1 would hide only zeros; a base of 1 publishes exact numbers,
# which two reports can be subtracted from.
REPORTS_SETTINGS: tuple[tuple[str, int], ...] = (
    ("REPORTS_SUPPRESSION_THRESHOLD", 10),
    ("REPORTS_ROUNDING_BASE", 5),
)


def _at_least_two(name: str, value: object) -> int:
    """A whole number of 2 or more, or a ConfigError naming the setting."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ConfigError(f"{name} must be a whole number of 2 or more, not {value!r}")
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number of 2 or more, not {value!r}") from exc
    if number < 2:
        raise ConfigError(
            f"{name} must be a whole number of 2 or more, not {value!r}: "
            "small counts of equality data would be published"
        )
    return number


def _secret_key(env: str, instance_path: Path) -> str:
    """SECRET_KEY from the environment; in development, one generated once and kept in instance/.

    Production refuses to guess: a key made up on each start would sign people out on every
    restart and differ between workers behind a load balancer.
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        return key
    if env != DEVELOPMENT:
        raise ConfigError(
            "SECRET_KEY is not set. In production set SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_hex(32))'); for local development "
            "set CPWEEK_ENV=development and one is generated in instance/."
        )
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def normalise_database_url(url: str) -> str:
    """Accept the usual spellings of a PostgreSQL URL and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


# Seconds a rate-limit storage (Redis) has to accept a connection and to answer a command.
RATELIMIT_STORAGE_TIMEOUT = 0.5


def _ratelimit_storage_options(uri: str) -> dict:
    """Timeouts for a Redis (or Valkey) limiter storage; other storages take no such options."""
    if uri.split(":", 1)[0] in {"redis", "rediss", "redis+unix", "valkey", "valkeys"}:
        return {
            "socket_connect_timeout": RATELIMIT_STORAGE_TIMEOUT,
            "socket_timeout": RATELIMIT_STORAGE_TIMEOUT,
        }
    return {}


# Uploaded files (cpweek/files): each kind's largest file, in MB (1 MB = 1,048,576 bytes, as
# file managers count), as (kind, what people call it, setting, default). The bench needs a
# 50 MB audio file; Flask's MAX_CONTENT_LENGTH follows the largest, so a bigger upload is
# refused before it is read.
UPLOAD_LIMITS: tuple[tuple[str, str, str, int], ...] = (
    ("document", "Documents", "FILES_MAX_DOCUMENT_MB", 25),
    ("captions", "Caption files", "FILES_MAX_CAPTIONS_MB", 1),
    ("image", "Images", "FILES_MAX_IMAGE_MB", 5),
    ("audio", "Audio files", "FILES_MAX_AUDIO_MB", 200),
    ("video", "Videos", "FILES_MAX_VIDEO_MB", 1024),
)
# Room in a request for the form around the largest file (other fields, multipart headers).
UPLOAD_FORM_OVERHEAD = 1024 * 1024


def _files_settings(instance: Path) -> dict:
    """Where uploaded files are kept: a folder under instance/ (never static/), or an
    S3-compatible store for a site on several hosts (credentials from the standard AWS
    environment variables, never from here)."""
    settings: dict = {
        "CPWEEK_FILES_STORE": os.environ.get("CPWEEK_FILES_STORE", "local").strip().lower(),
        "CPWEEK_FILES_DIR": os.environ.get("CPWEEK_FILES_DIR") or str(instance / "files"),
        "CPWEEK_FILES_S3_BUCKET": os.environ.get("CPWEEK_FILES_S3_BUCKET", "").strip(),
        "CPWEEK_FILES_S3_PREFIX": os.environ.get("CPWEEK_FILES_S3_PREFIX", "").strip().strip("/"),
        "CPWEEK_FILES_S3_ENDPOINT_URL": os.environ.get("CPWEEK_FILES_S3_ENDPOINT_URL", "").strip(),
        "CPWEEK_FILES_S3_REGION": os.environ.get("CPWEEK_FILES_S3_REGION", "").strip(),
    }
    # Every other request (a form without files, a CSV import): refused past this, unread.
    settings["FORM_MAX_BYTES"] = _int("FORM_MAX_BYTES", 10 * 1024 * 1024)
    for _kind, _words, setting, default in UPLOAD_LIMITS:
        settings[setting] = _int(setting, default)
    return settings


def max_content_length(config: dict) -> int:
    """The largest request body Werkzeug reads: the largest file any kind takes, plus the form."""
    largest = max(int(config[setting]) for _kind, _words, setting, _default in UPLOAD_LIMITS)
    return largest * 1024 * 1024 + UPLOAD_FORM_OVERHEAD


def load_config(instance_path: str, overrides: dict | None = None) -> dict:
    """The whole configuration as a dict: environment first, then explicit overrides."""
    overrides = dict(overrides or {})
    instance = Path(instance_path)
    env = overrides.get("CPWEEK_ENV") or os.environ.get("CPWEEK_ENV", PRODUCTION).strip()
    if env not in (DEVELOPMENT, PRODUCTION):
        raise ConfigError(f"CPWEEK_ENV must be 'development' or 'production', not {env!r}")
    production = env == PRODUCTION

    config: dict = {
        "CPWEEK_ENV": env,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'cpweek.sqlite'}"
        ),
        "CPWEEK_BASE_URL": os.environ.get("CPWEEK_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "CPWEEK_TIMEZONE": os.environ.get("CPWEEK_TIMEZONE", "Europe/London"),
        "CPWEEK_HELP_PHONE": os.environ.get("CPWEEK_HELP_PHONE", "020 7946 0123"),
        "CPWEEK_HELP_EMAIL": os.environ.get("CPWEEK_HELP_EMAIL", "coproductionweek@example.org"),
        # Mail: with no MAIL_SERVER, messages are written to MAIL_OUTBOX instead of sent.
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", ""),
        "MAIL_PORT": _int("MAIL_PORT", 587),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS", True),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "Co-production Week <no-reply@example.org>"
        ),
        "MAIL_OUTBOX": os.environ.get("MAIL_OUTBOX") or str(instance / "outbox"),
        # The mail worker (`flask send-mail`): tries, waits between them (doubling from
        # MAIL_RETRY_SECONDS up to MAIL_RETRY_MAX_SECONDS), batch size, how often --watch looks,
        # when a claim left by a dead worker is taken over, how long sent mail is kept.
        "MAIL_MAX_ATTEMPTS": _int("MAIL_MAX_ATTEMPTS", 8),
        "MAIL_RETRY_SECONDS": _int("MAIL_RETRY_SECONDS", 30),
        "MAIL_RETRY_MAX_SECONDS": _int("MAIL_RETRY_MAX_SECONDS", 3600),
        "MAIL_BATCH_SIZE": _int("MAIL_BATCH_SIZE", 50),
        "MAIL_POLL_SECONDS": _int("MAIL_POLL_SECONDS", 2),
        "MAIL_CLAIM_TIMEOUT": _int("MAIL_CLAIM_TIMEOUT", 900),
        "MAIL_KEEP_SENT_DAYS": _int("MAIL_KEEP_SENT_DAYS", 7),
        # Rate limits live in Redis when configured so every worker and host shares them.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        # When that storage stops answering, each worker counts limits in its own memory until
        # it answers again (logged once, naming the storage) instead of failing the request:
        # sign-in, registration and password reset must not depend on Redis being up.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Flask-Limiter's own headers would put a Retry-After of the limit's whole window
        # (e.g. 3595 s) on every response, error pages included; the 429 page sets its own
        # (cpweek/errors.py), and a 503 only the database's.
        "RATELIMIT_HEADERS_ENABLED": False,
        # The Retry-After (seconds) of the 503 page shown while the database cannot be
        # reached; never more than 60, whatever is set.
        "DATABASE_UNAVAILABLE_RETRY_AFTER": min(_int("DATABASE_UNAVAILABLE_RETRY_AFTER", 30), 60),
        "SIGN_IN_LIMIT_PER_ADDRESS_AND_EMAIL": os.environ.get(
            "SIGN_IN_LIMIT_PER_ADDRESS_AND_EMAIL", "5 per 15 minutes"
        ),
        "SIGN_IN_LIMIT_PER_ADDRESS": os.environ.get("SIGN_IN_LIMIT_PER_ADDRESS", "50 per hour"),
        # Generous: an office behind one address may register a whole team.
        "REGISTRATION_LIMIT_PER_ADDRESS": os.environ.get(
            "REGISTRATION_LIMIT_PER_ADDRESS", "100 per hour"
        ),
        # Suggestions to an evidence collection (form posts) from one client address.
        "SUGGESTION_LIMIT_PER_ADDRESS": os.environ.get(
            "SUGGESTION_LIMIT_PER_ADDRESS", "20 per hour"
        ),
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 3600),
        # Werkzeug's scrypt (memory-hard KDF); tests pass a cheaper cost to stay fast.
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Number of reverse proxies in front of the app whose X-Forwarded-* headers to trust.
        "PROXY_COUNT": _int("PROXY_COUNT", 0),
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 30,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # Reciprocity: warn before approving when a contributor's fees and vouchers in one tax
        # year would pass this (the trading allowance, £1,000: shared DOMAIN.md).
        "FEE_WARNING_THRESHOLD_PENCE": _int("FEE_WARNING_THRESHOLD_PENCE", 100_000),
        # Receipts: PDF, PNG or JPEG up to this size, kept in the database.
        "RECEIPT_MAX_BYTES": _int("RECEIPT_MAX_BYTES", 5 * 1024 * 1024),
        # Feedback after an event: the form takes answers for this many days from the day
        # after the event (UK time), and the link is sent only while it is open.
        "FEEDBACK_OPEN_DAYS": _int("FEEDBACK_OPEN_DAYS", 14),
        # The public impact report's figures are worked out at most once in this many seconds
        # per worker (0: every request); organisers' report is always worked out afresh.
        "REPORTS_PUBLIC_CACHE_SECONDS": _int("REPORTS_PUBLIC_CACHE_SECONDS", 60),
    }
    config.update(_files_settings(instance))
    for name, default in REPORTS_SETTINGS:
        config[name] = os.environ.get(name, "").strip() or default
    config.update(overrides)
    if not 1 <= int(config["FEEDBACK_OPEN_DAYS"]) <= 365:
        raise ConfigError(
            "FEEDBACK_OPEN_DAYS must be a number of days from 1 to 365, not "
            f"{config['FEEDBACK_OPEN_DAYS']!r}"
        )
    if not 0 <= int(config["REPORTS_PUBLIC_CACHE_SECONDS"]) <= 3600:
        raise ConfigError(
            "REPORTS_PUBLIC_CACHE_SECONDS must be a number of seconds from 0 to 3600, not "
            f"{config['REPORTS_PUBLIC_CACHE_SECONDS']!r}"
        )
    # Checked after the overrides, so a bad value passed to create_app is refused as well.
    for name, _default in REPORTS_SETTINGS:
        config[name] = _at_least_two(name, config[name])
    config.setdefault("MAX_CONTENT_LENGTH", max_content_length(config))
    # A Redis that accepts connections and never answers must not hold a request for long:
    # half a second to connect and to answer, then the in-memory fallback takes over.
    config.setdefault(
        "RATELIMIT_STORAGE_OPTIONS", _ratelimit_storage_options(config["RATELIMIT_STORAGE_URI"])
    )
    if "SECRET_KEY" not in overrides:
        config["SECRET_KEY"] = _secret_key(env, instance)
    return config
