"""Referral settings: the app's config first, then the environment, then a default."""

import os

from flask import current_app

DEFAULTS: dict[str, str] = {
    "WELLBEING_BASE_URL": "http://127.0.0.1:8000",
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


def setting(name: str) -> str:
    """A setting's value as text (config set by ``create_app(config)`` wins over the env)."""
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name, DEFAULTS[name])
    return str(value)


def flag(name: str) -> bool:
    return setting(name).strip().lower() in {"1", "true", "yes", "on"}
