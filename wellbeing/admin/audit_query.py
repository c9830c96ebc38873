"""The audit log as people read it: filters typed by an administrator (UK dates, an account's
email address, an action, a referral's reference), the events they select, and each event told
with the actor's name and email and the referral's reference, on the page and in a CSV file."""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TypeVar

from sqlalchemy import Select
from wtforms import Field

from wellbeing.accounts.models import User, normalise_email
from wellbeing.accounts.services import find_user_by_email
from wellbeing.admin.blueprint import uk_time
from wellbeing.admin.forms import AuditFilterForm
from wellbeing.audit import ANONYMOUS, AuditEvent
from wellbeing.config import LONDON
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.lookup import REFERENCE
from wellbeing.referrals.models import Referral
from wellbeing.working_days import uk_day

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
FIRST_YEAR = 2000
ACTOR_LABEL = re.compile(r"user:([0-9]{1,9})")
# Who acted, when no account did: where the change came from (the event's detail says).
NOBODY = {"cli": "Command line", "alert": "Automatic alert"}
NOT_SIGNED_IN = "Not signed in"
T = TypeVar("T")
CSV_HEAD = [
    "When (UK time)",
    "When (UTC)",
    "Actor",
    "Actor name",
    "Actor email",
    "Action",
    "Subject type",
    "Subject id",
    "Referral reference",
    "IP address",
    "Detail",
]


@dataclass(frozen=True)
class AuditFilters:
    start: date | None = None
    end: date | None = None  # inclusive
    actor: str | None = None  # an actor label: "user:12" or "anonymous"
    action: str | None = None
    referral_id: str | None = None
    reference: str | None = None

    def detail(self) -> dict[str, str]:
        """The filters for the audit log's own audit event: codes and ids, never an email."""
        values = {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "actor": self.actor,
            "action": self.action,
            "reference": self.reference,
        }
        return {name: value for name, value in values.items() if value}


def action_choices() -> list[tuple[str, str]]:
    """Every action the log holds, for the filter's list."""
    actions = db.session.execute(
        db.select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    ).scalars()
    return [("", "Any action"), *((action, action) for action in actions)]


def _day(text: str | None) -> date:
    """A UK date as typed: 30/11/2026 or 2026-11-30; ValueError with the message to show."""
    for fmt in DATE_FORMATS:
        try:
            day = datetime.strptime((text or "").strip(), fmt).date()
        except ValueError:
            continue
        last_year = uk_day(utcnow()).year + 1
        if not FIRST_YEAR <= day.year <= last_year:
            raise ValueError(f"Enter a date from {FIRST_YEAR} to {last_year}")
        return day
    raise ValueError("Enter a real date, like 30/11/2026")


def _actor(text: str) -> str:
    """The actor label for what was typed: an account's email address (or its label)."""
    if text.lower() == ANONYMOUS or ACTOR_LABEL.fullmatch(text.lower()):
        return text.lower()
    if "@" not in text:
        raise ValueError("Enter the email address of an account, like name@example.org")
    user = find_user_by_email(text)
    if user is None:
        raise ValueError(f"No account has the email address {normalise_email(text)}")
    return f"user:{user.id}"


def _show_email(form: AuditFilterForm, actor: str | None) -> None:
    """A link's "user:12" shows in the form as the account's email address."""
    if actor and actor.startswith("user:"):
        account = db.session.get(User, int(actor.removeprefix("user:")))
        if account is not None:
            form.actor.data = account.email


def _referral(text: str) -> tuple[str, str]:
    """(id, reference) of the referral with this reference, typed in any case, with or
    without its WB- prefix."""
    match = REFERENCE.fullmatch(text)
    if match is None:
        raise ValueError("Enter a reference like WB-7K3QF2")
    reference = "WB-" + match.group(1).upper()
    found = db.session.execute(
        db.select(Referral.id).where(Referral.reference == reference)
    ).scalar_one_or_none()
    if found is None:
        raise ValueError(f"No referral has the reference {reference}")
    return found, reference


def _read(field: Field, reader: Callable[[str], T]) -> T | None:
    """What the field holds, read; None when empty or wrong (with the message at the field)."""
    text = (field.data or "").strip()
    if field.errors or not text:
        return None
    try:
        return reader(text)
    except ValueError as error:
        field.errors.append(str(error))
        return None


def read_filters(form: AuditFilterForm) -> AuditFilters | None:
    """The filters, or None with a message at each field that cannot be used."""
    form.action.choices = action_choices()
    form.validate()
    start, end = _read(form.start, _day), _read(form.end, _day)
    actor, referral = _read(form.actor, _actor), _read(form.reference, _referral)
    if start and end and end < start:
        form.end.errors.append("The To date must be the same as or after the From date")
    if any(field.errors for field in form):
        return None
    _show_email(form, actor)
    if referral:
        form.reference.data = referral[1]  # shown as it is written: WB-7K3QF2
    return AuditFilters(
        start=start,
        end=end,
        actor=actor,
        action=form.action.data or None,
        referral_id=referral[0] if referral else None,
        reference=referral[1] if referral else None,
    )


def uk_midnight(day: date) -> datetime:
    """The UTC moment at which this UK day starts."""
    return datetime.combine(day, time(0), tzinfo=LONDON).astimezone(UTC)


def events_query(filters: AuditFilters) -> Select[AuditEvent]:
    """The events the filters select, newest first."""
    query = db.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if filters.start:
        query = query.where(AuditEvent.at >= uk_midnight(filters.start))
    if filters.end:
        query = query.where(AuditEvent.at < uk_midnight(filters.end + timedelta(days=1)))
    if filters.actor == ANONYMOUS:
        query = query.where(AuditEvent.actor_id.is_(None), AuditEvent.actor_label == ANONYMOUS)
    elif filters.actor:
        query = query.where(AuditEvent.actor_id == int(filters.actor.removeprefix("user:")))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.referral_id:
        query = query.where(
            AuditEvent.subject_type == "referral", AuditEvent.subject_id == filters.referral_id
        )
    return query


@dataclass(frozen=True)
class EventView:
    """One event as people read it."""

    event: AuditEvent
    actor: User | None
    reference: str | None  # of a referral subject
    subject_user: User | None  # of an account subject

    @property
    def when(self) -> str:
        return uk_time(self.event.at, seconds=True)

    @property
    def who(self) -> str:
        if self.actor is not None:
            return self.actor.name
        if self.event.actor_id is not None:
            return self.event.actor_label
        via = (self.event.detail or {}).get("via")
        return NOBODY.get(via, NOT_SIGNED_IN) if isinstance(via, str) else NOT_SIGNED_IN

    @property
    def detail_text(self) -> str:
        return json.dumps(self.event.detail, sort_keys=True) if self.event.detail else ""

    def csv_row(self) -> list[str]:
        event = self.event
        return [
            event.at.astimezone(LONDON).strftime("%Y-%m-%d %H:%M:%S"),
            event.at.astimezone(UTC).isoformat(timespec="seconds"),
            event.actor_label,
            self.who,
            self.actor.email if self.actor else "",
            event.action,
            event.subject_type,
            event.subject_id or "",
            self.reference or "",
            event.ip_address or "",
            self.detail_text,
        ]


def _ids(events: list[AuditEvent], subject_type: str) -> set[str]:
    return {e.subject_id for e in events if e.subject_type == subject_type and e.subject_id}


def _user_id(event: AuditEvent) -> int | None:
    """The account an event is about, if it is about one."""
    subject = event.subject_id or ""
    if event.subject_type == "user" and subject.isdigit() and len(subject) < 10:
        return int(subject)
    return None


def describe(events: list[AuditEvent]) -> list[EventView]:
    """The events with their actors, referral references and account subjects, looked up in
    three queries, whatever the number of events."""
    user_ids = {e.actor_id for e in events if e.actor_id is not None}
    user_ids |= {user_id for e in events if (user_id := _user_id(e)) is not None}
    users = {
        user.id: user
        for user in db.session.execute(db.select(User).where(User.id.in_(user_ids))).scalars()
    }
    references = {
        row.id: row.reference
        for row in db.session.execute(
            db.select(Referral.id, Referral.reference).where(
                Referral.id.in_(_ids(events, "referral"))
            )
        )
    }
    return [
        EventView(
            event=event,
            actor=users.get(event.actor_id) if event.actor_id is not None else None,
            reference=references.get(event.subject_id or "")
            if event.subject_type == "referral"
            else None,
            subject_user=users.get(user_id) if (user_id := _user_id(event)) else None,
        )
        for event in events
    ]
