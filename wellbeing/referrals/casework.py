"""A link worker's work on a referral besides its status: assignment and contact attempts.

Only an open referral takes casework: the rule is here, so pages and any client get one answer.
"""

from datetime import datetime

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.models import (
    ContactAttempt,
    ContactMethod,
    ContactOutcome,
    EventKind,
    Referral,
    ReferralEvent,
)
from wellbeing.referrals.workflow import (
    STAFF,
    ClosedReferral,
    InvalidInput,
    NotAllowed,
    actor_label,
    check_version,
    checked_text,
    stale_checked,
)


class CaseworkError(InvalidInput):
    pass


def _require_staff(actor: User) -> None:
    if actor.role not in STAFF:
        raise NotAllowed("Only link workers and admins may do this")


def _require_open(referral: Referral, what: str) -> None:
    if not referral.status.is_open:
        raise ClosedReferral(f"This referral is {referral.status.label.lower()}, so {what}")


def assignable_users() -> list[User]:
    """Active link workers, by name: the people a referral can be assigned to."""
    return list(
        db.session.execute(
            db.select(User)
            .where(User.role == Role.LINK_WORKER, User.active.is_(True))
            .order_by(User.name)
        ).scalars()
    )


def assign(
    referral: Referral, assignee: User | None, actor: User, expected_version: int | None = None
) -> ReferralEvent:
    """Give the referral to a link worker (or nobody); writes an event on the timeline."""
    _require_staff(actor)
    check_version(referral, expected_version)
    _require_open(referral, "it cannot be reassigned")
    if assignee is not None and (assignee.role is not Role.LINK_WORKER or not assignee.active):
        raise CaseworkError("Choose an active link worker", field="assignee")
    event = ReferralEvent(
        kind=EventKind.ASSIGNED,
        actor_id=actor.id,
        actor_label=actor_label(actor),
        from_status=referral.status,
        to_status=referral.status,
        note=f"Assigned to {assignee.name}" if assignee else "Unassigned",
    )
    with stale_checked():
        referral.assigned_to_id = assignee.id if assignee else None
        referral.events.append(event)
    audit.record(
        actor,
        "referral.assign",
        "referral",
        referral.id,
        {"assigned_to": assignee.id if assignee else None},
    )
    return event


def record_contact_attempt(
    referral: Referral,
    actor: User,
    method: str,
    outcome: str,
    note: str | None = None,
    at: datetime | None = None,
) -> ContactAttempt:
    """Note a call, text, email or visit and whether it reached the person."""
    _require_staff(actor)
    _require_open(referral, "no more contact attempts can be recorded")
    if method not in {m.value for m in ContactMethod}:
        raise CaseworkError("Choose how you tried to make contact", field="method")
    if outcome not in {o.value for o in ContactOutcome}:
        raise CaseworkError("Choose what happened", field="outcome")
    note = checked_text("note", note)
    at = at or utcnow()
    if at > utcnow():
        raise CaseworkError("The time of contact cannot be in the future")
    attempt = ContactAttempt(actor_id=actor.id, method=method, outcome=outcome, note=note, at=at)
    with stale_checked():
        referral.contact_attempts.append(attempt)
        if ContactOutcome(outcome).succeeded and (
            referral.first_contact_at is None or at < referral.first_contact_at
        ):
            referral.first_contact_at = at
    audit.record(actor, "referral.contact", "referral", referral.id, {"outcome": outcome})
    return attempt
