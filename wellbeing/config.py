"""Configuration read from the environment; ``TestConfig`` for the test suite."""

import os
import secrets
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
NHSUK_DIST = REPO_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
INSTANCE_DIR = Path(os.environ.get("WELLBEING_INSTANCE_DIR", REPO_ROOT / "instance"))


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


def truthy(text: str) -> bool:
    """How a yes/no setting reads from text: 1, true, yes or on."""
    return text.strip().lower() in {"1", "true", "yes", "on"}


def _flag(name: str, default: bool = False) -> bool:
    return truthy(os.environ.get(name, str(default)))


# Referral settings, each overridable from the environment (as text, like the environment).
REFERRAL_SETTINGS = {
    "WELLBEING_BASE_URL": "http://127.0.0.1:8000",  # for links in emails
    "WELLBEING_SMTP_HOST": "",
    "WELLBEING_SMTP_PORT": "25",
    "WELLBEING_SMTP_USERNAME": "",
    "WELLBEING_SMTP_PASSWORD": "",
    "WELLBEING_SMTP_STARTTLS": "0",
    "WELLBEING_MAIL_FROM": "wellbeing@localhost",
    "WELLBEING_SERVICE_INBOX": "",
    "SELF_REFERRAL_RATE_LIMIT": "5 per hour;20 per day",
    "STATUS_CHECK_RATE_LIMIT": "10 per minute;50 per day",
    "REFERRAL_FIRST_CONTACT_WORKING_DAYS": "5",
}


class Config:
    """Production-safe defaults; every secret and location comes from the environment."""

    def __init__(self) -> None:
        env = os.environ
        # When unset, create_app falls back to a key generated and kept in instance/.
        self.SECRET_KEY = env.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            env.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'wellbeing.db'}")
        )
        self.WELLBEING_INDEX_DIR = env.get("WELLBEING_INDEX_DIR", str(INSTANCE_DIR / "index"))
        self.WELLBEING_GEOCODER = env.get("WELLBEING_GEOCODER", "local")
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.WELLBEING_TRUST_PROXY = _flag("WELLBEING_TRUST_PROXY")
        self.NHSUK_FRONTEND_DIR = env.get("NHSUK_FRONTEND_DIR", str(NHSUK_DIST))
        for name, default in REFERRAL_SETTINGS.items():
            setattr(self, name, env.get(name, default))

    SERVICE_NAME = "Wellbeing"
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
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

    __test__ = False  # not a pytest test class
    TESTING = True
    WTF_CSRF_ENABLED = False
