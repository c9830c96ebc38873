"""Configuration read from the environment; ``TestConfig`` for the test suite."""

import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

from limits import parse_many

REPO_ROOT = Path(__file__).resolve().parent.parent
NHSUK_DIST = REPO_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
INSTANCE_DIR = Path(os.environ.get("WELLBEING_INSTANCE_DIR", REPO_ROOT / "instance"))
SYNONYMS_FILE = REPO_ROOT / "seed_data" / "synonyms.txt"
# The service's local time: opening hours, working days and dates on pages.
LONDON = ZoneInfo("Europe/London")


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver for them."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance_dir: Path = INSTANCE_DIR) -> str:
    """The secret key kept in ``instance/secret_key``, generated on first use."""
    path = instance_dir / "secret_key"
    if not path.exists():
        instance_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


class SettingError(ValueError):
    """A setting in the environment that cannot be read; the message names it."""


def truthy(text: str) -> bool:
    """How a yes/no setting reads from text: 1, true, yes or on."""
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _text(name: str, default: str) -> str:
    return os.environ.get(name, default)


def _flag(name: str, default: bool = False) -> bool:
    return truthy(os.environ.get(name, str(default)))


def _whole_number(name: str, default: int, minimum: int = 0, maximum: int = 65535) -> int:
    text = os.environ.get(name, str(default)).strip()
    try:
        value = int(text)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, not {text!r}") from None
    if not minimum <= value <= maximum:
        raise SettingError(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


def _rate_limit(name: str, default: str) -> str:
    """Flask-Limiter's notation, e.g. "5 per hour;20 per day", checked now rather than when used."""
    text = os.environ.get(name, default).strip()
    try:
        parse_many(text)
    except ValueError:
        raise SettingError(
            f'{name} must be limits like "5 per hour;20 per day", not {text!r}'
        ) from None
    return text


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).strip().lower()
    if value not in choices:
        raise SettingError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


class Config:
    """Every setting, declared and parsed once; secrets and locations come from the environment.

    A value that cannot be read stops the app at start-up with a ``SettingError`` naming it.
    """

    def __init__(self) -> None:
        # When unset, create_app falls back to a key generated and kept in instance/.
        self.SECRET_KEY = os.environ.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            _text("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'wellbeing.db'}")
        )
        self.RATELIMIT_STORAGE_URI = _text("RATELIMIT_STORAGE_URI", "memory://")
        self.WELLBEING_TRUST_PROXY = _flag("WELLBEING_TRUST_PROXY")
        # Host names this site answers to (comma-separated); empty accepts any (development).
        self.TRUSTED_HOSTS = [
            host.strip() for host in _text("WELLBEING_TRUSTED_HOSTS", "").split(",") if host.strip()
        ] or None
        # A signed-in staff member's session ends after this many minutes without a request.
        self.WELLBEING_SESSION_IDLE_MINUTES = _whole_number(
            "WELLBEING_SESSION_IDLE_MINUTES", 30, minimum=1, maximum=24 * 60
        )
        # Two-factor sign-in: link workers, admins and commissioners (and referrers when
        # WELLBEING_REFERRER_2FA is on) must set it up before using any page; `make run` turns it
        # off for its demo accounts.
        self.WELLBEING_REQUIRE_2FA = _flag("WELLBEING_REQUIRE_2FA", True)
        self.WELLBEING_REFERRER_2FA = _flag("WELLBEING_REFERRER_2FA")
        # Wrong two-factor codes allowed per account (only failures count).
        self.WELLBEING_2FA_RATE_LIMIT = _rate_limit(
            "WELLBEING_2FA_RATE_LIMIT", "10 per hour;20 per day"
        )
        # "Forgotten your password?" requests, per address and per email address.
        self.WELLBEING_RESET_RATE_LIMIT = _rate_limit(
            "WELLBEING_RESET_RATE_LIMIT", "5 per hour;20 per day"
        )
        self.NHSUK_FRONTEND_DIR = _text("NHSUK_FRONTEND_DIR", str(NHSUK_DIST))
        # Directory and search.
        self.WELLBEING_INDEX_DIR = _text("WELLBEING_INDEX_DIR", str(INSTANCE_DIR / "index"))
        self.WELLBEING_SYNONYMS_FILE = _text("WELLBEING_SYNONYMS_FILE", str(SYNONYMS_FILE))
        # How listings are found: by their words and their meaning together (hybrid), or by one.
        self.WELLBEING_SEARCH_MODE = _choice(
            "WELLBEING_SEARCH_MODE", "hybrid", ("hybrid", "lexical", "semantic")
        )
        # When listings are embedded after they change: in a background thread of the process
        # that indexed them, at once (inline: tests), or never (off: words only).
        self.WELLBEING_EMBEDDINGS = _choice(
            "WELLBEING_EMBEDDINGS", "background", ("background", "inline", "off")
        )
        # The ONNX model file; empty means the one installed with the app (checked by SHA-256).
        self.WELLBEING_EMBEDDING_MODEL = _text("WELLBEING_EMBEDDING_MODEL", "")
        self.WELLBEING_MODEL_THREADS = _whole_number(
            "WELLBEING_MODEL_THREADS", 1, minimum=1, maximum=64
        )
        # Where postcodes are turned into places: "local" is the postcode table (no online
        # geocoder is ever called); the setting exists so that another can be added.
        self.WELLBEING_GEOCODER = _choice("WELLBEING_GEOCODER", "local", ("local",))
        # Referrals: links in emails, the outbox's SMTP server, rate limits and casework rules.
        self.WELLBEING_BASE_URL = _text("WELLBEING_BASE_URL", "http://127.0.0.1:8000")
        self.WELLBEING_SMTP_HOST = _text("WELLBEING_SMTP_HOST", "")
        self.WELLBEING_SMTP_PORT = _whole_number("WELLBEING_SMTP_PORT", 25, minimum=1)
        self.WELLBEING_SMTP_USERNAME = _text("WELLBEING_SMTP_USERNAME", "")
        self.WELLBEING_SMTP_PASSWORD = _text("WELLBEING_SMTP_PASSWORD", "")
        self.WELLBEING_SMTP_STARTTLS = _flag("WELLBEING_SMTP_STARTTLS")
        self.WELLBEING_MAIL_FROM = _text("WELLBEING_MAIL_FROM", "wellbeing@localhost")
        self.WELLBEING_SERVICE_INBOX = _text("WELLBEING_SERVICE_INBOX", "")
        self.SELF_REFERRAL_RATE_LIMIT = _text("SELF_REFERRAL_RATE_LIMIT", "5 per hour;20 per day")
        self.STATUS_CHECK_RATE_LIMIT = _text("STATUS_CHECK_RATE_LIMIT", "10 per minute;50 per day")
        self.REFERRAL_FIRST_CONTACT_WORKING_DAYS = _whole_number(
            "REFERRAL_FIRST_CONTACT_WORKING_DAYS", 5, minimum=1, maximum=60
        )
        self.REFERRAL_NO_CONTACT_ATTEMPTS = _whole_number(
            "REFERRAL_NO_CONTACT_ATTEMPTS", 3, minimum=1, maximum=20
        )
        # Administrators are emailed when one account views more than this many different
        # referrals within an hour (at most one email per account per hour).
        self.WELLBEING_AUDIT_ALERT_REFERRALS = _whole_number(
            "WELLBEING_AUDIT_ALERT_REFERRALS", 50, minimum=1, maximum=100_000
        )
        # Only `flask seed --demo` reads it: the password of the demo accounts.
        self.WELLBEING_DEMO_PASSWORD = _text("WELLBEING_DEMO_PASSWORD", "")

    SERVICE_NAME = "Wellbeing"
    # Statement parameters are people's details: never in an error message or a log.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "hide_parameters": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60  # one working day
    WTF_CSRF_TIME_LIMIT = 8 * 60 * 60
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = "10 per minute;100 per day"
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024


class TestConfig(Config):
    """Settings for the test suite: CSRF off (one test turns it back on)."""

    def __init__(self, database_url: str, index_dir: str) -> None:
        super().__init__()
        self.SECRET_KEY = "test-only-secret-key"  # noqa: S105 - the test suite's own key
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(database_url)
        self.WELLBEING_INDEX_DIR = index_dir
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.WELLBEING_EMBEDDINGS = "inline"  # so that a test sees its listings' vectors
        # Signed-in test users need no authenticator app; the two-factor tests turn this on.
        self.WELLBEING_REQUIRE_2FA = False

    __test__ = False  # not a pytest test class
    TESTING = True
    WTF_CSRF_ENABLED = False
