"""Who looked at or changed which record, and when: the audit trail of patient-identifiable data.

``record`` adds an ``AuditEvent`` to the session so it commits with the change it describes (or,
for a read, with the request's one commit). Details hold ids and codes, never personal data.
A domain may watch what is recorded (``add_hook``): administration alerts on many reads.
"""

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Protocol

from flask import current_app, has_request_context, request
from flask.sansio.app import App
from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.database import UTCDateTime, utcnow
from wellbeing.extensions import Model, db

ANONYMOUS = "anonymous"
# ``hook(actor_id, action)``, called after each recording, in the same transaction.
RecordHook = Callable[[int | None, str], None]


class Actor(Protocol):
    """Whoever acts: a signed-in user (``accounts.User``) or Flask-Login's anonymous user."""

    @property
    def is_authenticated(self) -> bool: ...


class AuditEvent(Model):
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


def _actor_id(actor: Actor | None) -> int | None:
    return getattr(actor, "id", None) if actor is not None and actor.is_authenticated else None


def _actor_fields(actor: Actor | None) -> dict[str, object]:
    actor_id = _actor_id(actor)
    if actor_id is None:
        return {"actor_id": None, "actor_label": ANONYMOUS}
    return {"actor_id": actor_id, "actor_label": f"user:{actor_id}"}


def add_hook(app: App, hook: RecordHook) -> None:
    """Call ``hook(actor_id, action)`` after every event this app records (before the commit)."""
    app.extensions.setdefault("audit_hooks", []).append(hook)


def _recorded(actor_id: int | None, action: str) -> None:
    for hook in current_app.extensions.get("audit_hooks", ()):
        hook(actor_id, action)


def _ip_address() -> str | None:
    return request.remote_addr if has_request_context() else None


def record(
    actor: Actor | None,
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
    _recorded(_actor_id(actor), action)
    return event


def record_many(
    actor: Actor | None, action: str, subject_type: str, subject_ids: Iterable[str]
) -> None:
    """One event per subject shown, e.g. every referral on a page of a list."""
    fields = {**_actor_fields(actor), "ip_address": _ip_address(), "at": utcnow()}
    rows = [
        {**fields, "action": action, "subject_type": subject_type, "subject_id": subject_id}
        for subject_id in subject_ids
    ]
    if rows:
        db.session.execute(db.insert(AuditEvent), rows)
        _recorded(_actor_id(actor), action)
