"""Imports every model so that the metadata (and Alembic) sees all tables."""

from wellbeing.accounts.models import ApiToken, User

__all__ = ["ApiToken", "User"]
