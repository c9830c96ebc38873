"""A referral for one person, its timeline of events, contact attempts and outgoing messages.

Person details live on the referral itself: each referral is a snapshot of what the referrer
or resident told us at the time, and nothing else in the service is keyed on a person.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.accounts.models import User
from wellbeing.database import UUID_STR, UTCDateTime, enum_type, new_uuid, utcnow
from wellbeing.directory.models import Service, TaxonomyTerm
from wellbeing.extensions import Model, db

if TYPE_CHECKING:
    from wellbeing.referrals.case_models import CareGoal, CaseNote, Connection, OutcomeMeasure


class ReferralStatus(StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    CLOSED_NO_CONTACT = "closed_no_contact"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


STATUS_LABELS = {
    ReferralStatus.SUBMITTED: "Submitted",
    ReferralStatus.ACCEPTED: "Accepted",
    ReferralStatus.IN_PROGRESS: "In progress",
    ReferralStatus.ON_HOLD: "On hold",
    ReferralStatus.COMPLETED: "Completed",
    ReferralStatus.DECLINED: "Declined",
    ReferralStatus.CANCELLED: "Cancelled",
    ReferralStatus.CLOSED_NO_CONTACT: "Closed: no contact",
}
OPEN_STATUSES = frozenset(
    {
        ReferralStatus.SUBMITTED,
        ReferralStatus.ACCEPTED,
        ReferralStatus.IN_PROGRESS,
        ReferralStatus.ON_HOLD,
    }
)


class ReferralSource(StrEnum):
    GP = "gp"
    PROFESSIONAL = "professional"
    SELF = "self"
    LINK_WORKER = "link_worker"

    @property
    def label(self) -> str:
        return {
            "gp": "GP practice",
            "professional": "Other professional",
            "self": "Self-referral",
            "link_worker": "Link worker",
        }[self.value]


class Urgency(StrEnum):
    ROUTINE = "routine"
    URGENT = "urgent"


class ContactMethod(StrEnum):
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"


class ContactOutcome(StrEnum):
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    LEFT_MESSAGE = "left_message"
    WRONG_DETAILS = "wrong_details"

    @property
    def succeeded(self) -> bool:
        return self is ContactOutcome.REACHED


referral_need = Table(
    "referral_need",
    db.metadata,
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "taxonomy_term_id", ForeignKey("taxonomy_term.id", ondelete="RESTRICT"), primary_key=True
    ),
)

referral_suggested_service = Table(
    "referral_suggested_service",
    db.metadata,
    Column("referral_id", ForeignKey("referral.id", ondelete="CASCADE"), primary_key=True),
    Column("service_id", ForeignKey("service.id", ondelete="CASCADE"), primary_key=True),
)


# The person's details, named the same in the forms, ``ReferralDraft`` and the JSON API.
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "nhs_number",
    "postcode",
    "email",
    "phone",
    "preferred_contact",
    "language",
    "interpreter_needed",
)
# The bounds of everything a person or client sends about a referral: one table each, read by the
# forms, the domain checks, the JSON API and its OpenAPI document alike.
#
# The most characters each text field takes. Only the fields in MULTI_LINE_FIELDS may hold line
# breaks and tabs; every other one is a single line (names, contact details, codes, choices).
TEXT_LIMITS = {
    "given_name": 100,
    "family_name": 100,
    "nhs_number": 20,  # 10 digits, typed with spaces or dashes
    "postcode": 16,
    "phone": 30,
    "email": 254,
    "preferred_contact": 20,
    "language": 100,
    "what_matters": 5000,
    "urgency": 20,
    "risk_note": 2000,
    "referrer_phone": 30,
    "reason": 2000,
    "note": 2000,
    "service_search": 200,
    "reference": 20,
    # Casework: the link worker's record of the conversation, the plan and what came of it.
    "case_note": 5000,
    "what_matters_to_me": 5000,
    "strengths": 2000,
    "barriers": 2000,
    "goal": 500,
    "connection_note": 2000,
    "outcome_reason": 2000,
    "summary": 5000,
    "search": 100,
}
MULTI_LINE_FIELDS = frozenset(
    {
        "what_matters",
        "risk_note",
        "reason",
        "note",
        "case_note",
        "what_matters_to_me",
        "strengths",
        "barriers",
        "connection_note",
        "outcome_reason",
        "summary",
    }
)
# The most ids each list takes: needs from the taxonomy, directory services suggested.
LIST_LIMITS = {"need_ids": 50, "suggested_service_ids": 20}
# Ids are UUID strings; a longer one is unknown without a look in the database.
ID_LENGTH = 36
# A referral's version is an INTEGER column.
MAX_VERSION = 2**31 - 1
# The most referrals a page of the API's list holds (pages themselves: query_args.MAX_PAGE).
MAX_PER_PAGE = 100


class Referral(Model):
    __tablename__ = "referral"
    __table_args__ = (
        # Nobody is referred without their consent to share: the row cannot exist otherwise.
        CheckConstraint("consent_given = true", name="consent_given"),
        CheckConstraint("reference LIKE 'WB-%'", name="reference_format"),
        CheckConstraint("risk_flag OR risk_note IS NULL", name="risk_note_needs_flag"),
    )

    id: Mapped[str] = mapped_column(UUID_STR, primary_key=True, default=new_uuid)
    reference: Mapped[str] = mapped_column(String(9), unique=True)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_type(ReferralStatus, "status"), default=ReferralStatus.SUBMITTED, index=True
    )
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[ReferralSource] = mapped_column(enum_type(ReferralSource, "source"))
    urgency: Mapped[Urgency] = mapped_column(
        enum_type(Urgency, "urgency", length=10), default=Urgency.ROUTINE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the link worker plans to be in touch next: their caseload is ordered by it.
    next_contact_on: Mapped[date | None] = mapped_column(Date, index=True)

    # The person referred.
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    nhs_number: Mapped[str | None] = mapped_column(String(10), index=True)
    postcode: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str | None] = mapped_column(String(20))
    email: Mapped[str | None] = mapped_column(String(254))
    preferred_contact: Mapped[ContactMethod | None] = mapped_column(
        enum_type(ContactMethod, "preferred_contact")
    )
    language: Mapped[str | None] = mapped_column(String(100))
    interpreter_needed: Mapped[bool] = mapped_column(Boolean, default=False)

    # Why: needs from the taxonomy plus their own words.
    what_matters: Mapped[str] = mapped_column(Text)
    risk_flag: Mapped[bool] = mapped_column(Boolean, default=False)
    risk_note: Mapped[str | None] = mapped_column(Text)

    # The link worker's record of the "what matters to me" conversation (the needs above are
    # refined there too), and on completion the outcome summary: the message back to the referrer.
    what_matters_to_me: Mapped[str | None] = mapped_column(Text)
    strengths: Mapped[str | None] = mapped_column(Text)
    barriers: Mapped[str | None] = mapped_column(Text)
    outcome_summary: Mapped[str | None] = mapped_column(Text)

    consent_given: Mapped[bool] = mapped_column(Boolean)
    consent_recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    consent_recorded_by: Mapped[str] = mapped_column(String(200))

    # Who referred: an account when signed in; the name and organisation as given.
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    referrer_name: Mapped[str | None] = mapped_column(String(200))
    referrer_organisation: Mapped[str | None] = mapped_column(String(200), index=True)
    referrer_email: Mapped[str | None] = mapped_column(String(254))
    referrer_phone: Mapped[str | None] = mapped_column(String(20))

    assigned_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])
    needs: Mapped[list[TaxonomyTerm]] = relationship(
        secondary=referral_need, order_by=TaxonomyTerm.name
    )
    suggested_services: Mapped[list[Service]] = relationship(
        secondary=referral_suggested_service, order_by=Service.name
    )
    events: Mapped[list["ReferralEvent"]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="(ReferralEvent.at, ReferralEvent.id)",
    )
    contact_attempts: Mapped[list["ContactAttempt"]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="(ContactAttempt.at, ContactAttempt.id)",
    )
    notes: Mapped[list["CaseNote"]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="(CaseNote.at, CaseNote.id)",
    )
    goals: Mapped[list["CareGoal"]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="(CareGoal.created_at, CareGoal.id)",
    )
    connections: Mapped[list["Connection"]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="(Connection.created_at, Connection.id)",
    )
    measures: Mapped[list["OutcomeMeasure"]] = relationship(
        back_populates="referral",
        cascade="all, delete-orphan",
        order_by="(OutcomeMeasure.taken_on, OutcomeMeasure.id)",
    )

    # Every UPDATE checks and bumps the version: a concurrent change makes the loser's flush fail.
    __mapper_args__ = {"version_id_col": version}

    @property
    def person_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def latest_event(self) -> "ReferralEvent | None":
        return self.events[-1] if self.events else None

    def __repr__(self) -> str:
        return f"<Referral {self.reference} {self.status}>"


class EventKind(StrEnum):
    CREATED = "created"
    STATUS = "status"
    ASSIGNED = "assigned"
    # The person's details were corrected: the event's note names the fields, never the values.
    CORRECTED = "corrected"


class ReferralEvent(Model):
    """One entry of a referral's timeline: created, a status change or an assignment."""

    __tablename__ = "referral_event"
    __table_args__ = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, "kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What to call the actor when there is no account (a self-referral) or it was deleted.
    actor_label: Mapped[str] = mapped_column(String(200))
    from_status: Mapped[ReferralStatus | None] = mapped_column(
        enum_type(ReferralStatus, "from_status")
    )
    to_status: Mapped[ReferralStatus] = mapped_column(enum_type(ReferralStatus, "to_status"))
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    @property
    def summary(self) -> str:
        """A few words for lists: 'Referral sent', 'Accepted', 'Assigned to Lee Worker'."""
        if self.kind == EventKind.CREATED:
            return "Referral sent"
        if self.kind == EventKind.ASSIGNED:
            return self.note or "Assigned"
        if self.kind == EventKind.CORRECTED:
            return self.note or "Details corrected"
        return self.to_status.label


class ContactAttempt(Model):
    __tablename__ = "contact_attempt"
    __table_args__ = ()

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    method: Mapped[ContactMethod] = mapped_column(enum_type(ContactMethod, "method"))
    outcome: Mapped[ContactOutcome] = mapped_column(enum_type(ContactOutcome, "outcome"))
    note: Mapped[str | None] = mapped_column(Text)

    referral: Mapped[Referral] = relationship(back_populates="contact_attempts")
    actor: Mapped[User | None] = relationship()
