"""Administrators' pages: their home page and the audit log."""

from flask import Blueprint, render_template, request

from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role, User
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.query_args import page_number_or_first
from wellbeing.referrals.models import Referral
from wellbeing.referrals.services import normalise_reference

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
PER_PAGE = 50


@bp.get("")
@role_required(Role.ADMIN)
def home() -> str:
    """Where an administrator lands after signing in: links to what they look after."""
    return render_template("admin/home.html")


@bp.get("/audit")
@role_required(Role.ADMIN)
def audit_log() -> str:
    """The audit log, newest first; filter by subject id, actor id or action."""
    query = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    filters = {key: request.args.get(key, "").strip() for key in ("subject", "actor", "action")}
    if filters["subject"]:
        query = query.where(AuditEvent.subject_id == _subject_id(filters["subject"]))
    if filters["actor"]:
        query = query.where(AuditEvent.actor_label == filters["actor"])
    if filters["action"]:
        query = query.where(AuditEvent.action == filters["action"])
    page = db.paginate(
        query, page=page_number_or_first(request.args), per_page=PER_PAGE, error_out=False
    )
    actor_ids = {event.actor_id for event in page.items if event.actor_id is not None}
    actors = db.session.execute(db.select(User).where(User.id.in_(actor_ids))).scalars()
    return render_template(
        "admin/audit.html", page=page, filters=filters, actors={u.id: u for u in actors}
    )


def _subject_id(text: str) -> str:
    """Admins may paste a referral's reference (WB-...) instead of its id."""
    if not text.upper().startswith("WB"):
        return text
    found = db.session.execute(
        db.select(Referral.id).where(Referral.reference == normalise_reference(text))
    ).scalar_one_or_none()
    return found or text
