"""Who looked at or changed which record, and when: the audit trail of patient-identifiable data.

``record`` adds an ``AuditEvent`` to the session so it commits with the change it describes (or,
for a read, with the request's one commit). Details hold ids and codes, never personal data.
"""

from collections.abc import Iterable, Mapping
from datetime import datetime

from flask import Blueprint, has_request_context, render_template, request
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role, User
from wellbeing.database import UTCDateTime, utcnow
from wellbeing.extensions import db

ANONYMOUS = "anonymous"


class AuditEvent(db.Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # "user:12" or "anonymous": kept even if the account is later deleted.
    actor_label: Mapped[str] = mapped_column(String(50))
    action: Mapped[str] = mapped_column(String(50), index=True)
    subject_type: Mapped[str] = mapped_column(String(50))
    subject_id: Mapped[str | None] = mapped_column(String(36), index=True)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    detail: Mapped[dict[str, object] | None] = mapped_column(JSON)

    actor: Mapped[User | None] = relationship()


def _actor_fields(actor: User | None) -> dict[str, object]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None, "actor_label": ANONYMOUS}
    return {"actor_id": actor.id, "actor_label": f"user:{actor.id}"}


def _ip_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: str | None,
    detail: Mapping[str, object] | None = None,
) -> AuditEvent:
    """Add one audit event to the session (the caller commits)."""
    event = AuditEvent(
        **_actor_fields(actor),
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        ip_address=_ip_address(),
        detail=dict(detail) if detail else None,
    )
    db.session.add(event)
    return event


def record_many(
    actor: User | None, action: str, subject_type: str, subject_ids: Iterable[str]
) -> None:
    """One event per subject shown, e.g. every referral on a page of a list."""
    fields = {**_actor_fields(actor), "ip_address": _ip_address(), "at": utcnow()}
    rows = [
        {**fields, "action": action, "subject_type": subject_type, "subject_id": subject_id}
        for subject_id in subject_ids
    ]
    if rows:
        db.session.execute(db.insert(AuditEvent), rows)


bp = Blueprint("audit", __name__, url_prefix="/admin")
PER_PAGE = 50


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
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit.html", page=page, filters=filters)


def _subject_id(text: str) -> str:
    """Admins may paste a referral's reference (WB-...) instead of its id."""
    from wellbeing.referrals.models import Referral  # referrals build on audit, not the reverse

    if not text.upper().startswith("WB"):
        return text
    from wellbeing.referrals.services import normalise_reference

    found = db.session.execute(
        db.select(Referral.id).where(Referral.reference == normalise_reference(text))
    ).scalar_one_or_none()
    return found or text
