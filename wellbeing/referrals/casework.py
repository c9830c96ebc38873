"""A link worker's work on a referral besides its status: assignment, contact attempts, case
notes, the "what matters to me" record, the care plan, connections to services, the next
contact date and corrections to the person's details.

The rules are here, so pages and any client get one answer. Only an open referral takes new
work (assignment, contact attempts, goals, connections, the next contact); notes, a connection's
outcome and corrections to the person's details are still recorded after it closes, because what
happened next is still worth knowing. None of these functions commit.
"""

from datetime import date, datetime, timedelta

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.config import LONDON
from wellbeing.database import utcnow
from wellbeing.directory.models import Service, ServiceStatus, TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    CaseNote,
    Connection,
    ConnectionOutcome,
)
from wellbeing.referrals.models import (
    ID_LENGTH,
    LIST_LIMITS,
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


def require_staff(actor: User) -> None:
    if actor.role not in STAFF:
        raise NotAllowed("Only link workers and admins may do this")


def require_open(referral: Referral, what: str) -> None:
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
    require_staff(actor)
    check_version(referral, expected_version)
    require_open(referral, "it cannot be reassigned")
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
    require_staff(actor)
    require_open(referral, "no more contact attempts can be recorded")
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


# A note's author may change it for this long; after that it is corrected by a new note.
NOTE_EDIT_WINDOW = timedelta(hours=24)
# How far ahead a next contact or a goal's target date may be set.
FURTHEST_AHEAD = timedelta(days=2 * 366)


class NoteLocked(CaseworkError):
    """A note past its edit window, or someone else's: it stays as written."""

    status = 409


def today() -> date:
    """Today in the UK, where the service works."""
    return utcnow().astimezone(LONDON).date()


def required_text(name: str, text: str | None, message: str) -> str:
    checked = checked_text(name, text)
    if checked is None:
        raise CaseworkError(message, field=name)
    return checked


def future_date(name: str, value: date | None, what: str) -> date | None:
    if value is None:
        return None
    if value < today():
        raise CaseworkError(f"The {what} must be today or later", field=name)
    if value > today() + FURTHEST_AHEAD:
        raise CaseworkError(f"The {what} must be within 2 years", field=name)
    return value


# Case notes ------------------------------------------------------------------------------------


def add_note(
    referral: Referral, actor: User, text: str | None, corrects: CaseNote | None = None
) -> CaseNote:
    """A dated note by ``actor``; with ``corrects``, a correction of an earlier note."""
    require_staff(actor)
    text = required_text("case_note", text, "Write the note")
    if corrects is not None and corrects.referral_id != referral.id:
        raise CaseworkError("Correct a note on this referral", field="corrects")
    note = CaseNote(
        author_id=actor.id,
        author_label=actor_label(actor),
        text=text,
        corrects_id=corrects.id if corrects else None,
    )
    referral.notes.append(note)
    db.session.flush()
    audit.record(
        actor,
        "referral.note_correct" if corrects else "referral.note_add",
        "referral",
        referral.id,
        {"note": note.id},
    )
    return note


def note_is_editable(note: CaseNote, actor: User, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return note.author_id == actor.id and now - note.at <= NOTE_EDIT_WINDOW


def edit_note(note: CaseNote, actor: User, text: str | None) -> CaseNote:
    """Change a note's text: its author only, within a day of writing it."""
    require_staff(actor)
    if note.author_id != actor.id:
        raise NoteLocked("Only the person who wrote a note can edit it: add a correction instead")
    if not note_is_editable(note, actor):
        raise NoteLocked("Notes can be edited for 24 hours after writing: add a correction instead")
    note.text = required_text("case_note", text, "Write the note")
    note.edited_at = utcnow()
    audit.record(actor, "referral.note_edit", "referral", note.referral_id, {"note": note.id})
    return note


def find_note(referral: Referral, note_id: object) -> CaseNote | None:
    return next((n for n in referral.notes if str(n.id) == str(note_id)), None)


# What matters to me, and the next contact ------------------------------------------------------


def _needs(need_ids: list[str]) -> list[TaxonomyTerm]:
    if len(need_ids) > LIST_LIMITS["need_ids"]:
        raise CaseworkError(
            f"Choose no more than {LIST_LIMITS['need_ids']} things to help with", field="need_ids"
        )
    wanted = {str(i) for i in need_ids if len(str(i)) <= ID_LENGTH}
    found = list(
        db.session.execute(db.select(TaxonomyTerm).where(TaxonomyTerm.id.in_(wanted))).scalars()
    )
    if len(found) != len(set(map(str, need_ids))):
        raise CaseworkError("Choose needs from the list", field="need_ids")
    if not found:
        raise CaseworkError("Choose at least one thing they would like help with", field="need_ids")
    return found


def record_what_matters(
    referral: Referral,
    actor: User,
    *,
    in_their_words: str | None,
    strengths: str | None,
    barriers: str | None,
    need_ids: list[str] | None = None,
    expected_version: int | None = None,
) -> None:
    """The "what matters to me" conversation: their words, strengths, barriers and needs."""
    require_staff(actor)
    check_version(referral, expected_version)
    require_open(referral, "its record of what matters is closed")
    values = {
        "what_matters_to_me": checked_text("what_matters_to_me", in_their_words),
        "strengths": checked_text("strengths", strengths),
        "barriers": checked_text("barriers", barriers),
    }
    needs = _needs(need_ids) if need_ids is not None else None
    with stale_checked():
        for name, value in values.items():
            setattr(referral, name, value)
        if needs is not None:
            referral.needs = needs
    audit.record(actor, "referral.what_matters", "referral", referral.id)


def set_next_contact(
    referral: Referral, actor: User, on: date | None, expected_version: int | None = None
) -> None:
    """When the link worker will next be in touch (None clears it)."""
    require_staff(actor)
    check_version(referral, expected_version)
    require_open(referral, "no next contact can be planned")
    on = future_date("next_contact_on", on, "next contact date")
    with stale_checked():
        referral.next_contact_on = on
    audit.record(
        actor,
        "referral.next_contact",
        "referral",
        referral.id,
        {"on": on.isoformat() if on else None},
    )


# Connections to community services -------------------------------------------------------------


def parse_connection_outcome(value: object) -> ConnectionOutcome:
    try:
        return ConnectionOutcome(str(value))
    except ValueError:
        names = ", ".join(o.value for o in ConnectionOutcome)
        raise CaseworkError(f"outcome must be one of {names}", field="outcome") from None


def connect(
    referral: Referral, actor: User, service_id: object, note: str | None = None
) -> Connection:
    """Connect the person to a running directory service (an "activity prescription")."""
    require_staff(actor)
    require_open(referral, "no new connections can be made")
    service = None
    if isinstance(service_id, str) and len(service_id) <= ID_LENGTH:
        service = db.session.get(Service, service_id)
    if service is None or service.status != ServiceStatus.ACTIVE:
        raise CaseworkError(
            "Choose a service from the directory that is running now", field="service_id"
        )
    if any(c.service_id == service.id and c.outcome in OPEN_OUTCOMES for c in referral.connections):
        raise CaseworkError(f"They are already connected to {service.name}", field="service_id")
    connection = Connection(
        service_id=service.id,
        service_name=service.name,
        note=checked_text("connection_note", note),
        created_by_id=actor.id,
    )
    referral.connections.append(connection)
    db.session.flush()
    audit.record(
        actor,
        "referral.connect",
        "referral",
        referral.id,
        {"connection": connection.id, "service": service.id},
    )
    return connection


# A connection still going (or not yet known) cannot be made twice.
OPEN_OUTCOMES = frozenset({None, ConnectionOutcome.STARTED, ConnectionOutcome.ATTENDING})


def record_connection_outcome(
    connection: Connection, actor: User, outcome: object, reason: str | None = None
) -> Connection:
    """Whether they started, are attending, stopped or never started, and why."""
    require_staff(actor)
    connection.outcome = parse_connection_outcome(outcome)
    connection.reason = checked_text("outcome_reason", reason)
    connection.outcome_at = utcnow()
    audit.record(
        actor,
        "referral.connection_outcome",
        "referral",
        connection.referral_id,
        {"connection": connection.id, "outcome": connection.outcome.value},
    )
    return connection


def find_connection(referral: Referral, connection_id: object) -> Connection | None:
    return next((c for c in referral.connections if str(c.id) == str(connection_id)), None)
