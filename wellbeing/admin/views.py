"""Administrators' pages: their home page here; users and the audit log in their own modules,
on the same blueprint (imported here so that registering ``bp`` serves every page)."""

from flask import render_template

from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role
from wellbeing.admin import audit_log, users
from wellbeing.admin.blueprint import bp

__all__ = ["audit_log", "bp", "users"]


@bp.get("")
@role_required(Role.ADMIN)
def home() -> str:
    """Where an administrator lands after signing in: links to what they look after."""
    return render_template("admin/home.html")
