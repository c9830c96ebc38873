"""Referral settings as text, from the app's config (which reads them from the environment)."""

from flask import current_app

from wellbeing.config import truthy


def setting(name: str) -> str:
    """A setting's value as text (``create_app(config)`` overrides the environment's)."""
    return str(current_app.config[name])


def flag(name: str) -> bool:
    return truthy(setting(name))
