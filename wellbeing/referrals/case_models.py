"""The case record of a referral: a link worker's notes, the care and support plan's goals,
connections to directory services with their outcomes, and outcome measures."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from wellbeing.accounts.models import User
from wellbeing.database import UTCDateTime, enum_type, utcnow
from wellbeing.directory.models import Service
from wellbeing.extensions import Model
from wellbeing.referrals.models import Referral


class CaseNote(Model):
    """A link worker's dated note on the case. Its author may edit it for a day
    (``casework.NOTE_EDIT_WINDOW``); after that a mistake is put right by a correction, a new
    note that points at the one it corrects, so what was written stays on the record."""

    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    author_label: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("case_note.id", ondelete="SET NULL"), index=True
    )

    referral: Mapped[Referral] = relationship(back_populates="notes")
    author: Mapped[User | None] = relationship()
    corrects: Mapped["CaseNote | None"] = relationship(remote_side=[id])


class GoalStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class CareGoal(Model):
    """One goal of the personalised care and support plan, in the person's words."""

    __tablename__ = "care_goal"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(500))
    target_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[GoalStatus] = mapped_column(
        enum_type(GoalStatus, "status"), default=GoalStatus.NOT_STARTED
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    referral: Mapped[Referral] = relationship(back_populates="goals")


class ConnectionOutcome(StrEnum):
    STARTED = "started"
    ATTENDING = "attending"
    STOPPED = "stopped"
    DID_NOT_START = "did_not_start"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Connection(Model):
    """A directory service the person was connected to (an "activity prescription") and what
    came of it. The service's name is kept, so the record reads the same if the listing goes."""

    __tablename__ = "connection"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="SET NULL"), index=True
    )
    service_name: Mapped[str] = mapped_column(String(255))
    note: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[ConnectionOutcome | None] = mapped_column(
        enum_type(ConnectionOutcome, "outcome")
    )
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    referral: Mapped[Referral] = relationship(back_populates="connections")
    service: Mapped[Service | None] = relationship()


class Instrument(StrEnum):
    ONS4 = "ons4"
    SWEMWBS = "swemwbs"


class MeasureStage(StrEnum):
    BASELINE = "baseline"
    REVIEW = "review"
    FOLLOW_UP = "follow_up"

    @property
    def label(self) -> str:
        return {"baseline": "Baseline", "review": "Review", "follow_up": "Follow-up"}[self.value]


class OutcomeMeasure(Model):
    """One completed questionnaire (ONS4 or SWEMWBS) with its answers in item order and the
    scores worked out from them when it was recorded (``measures``)."""

    __tablename__ = "outcome_measure"

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[str] = mapped_column(
        ForeignKey("referral.id", ondelete="CASCADE"), index=True
    )
    instrument: Mapped[Instrument] = mapped_column(enum_type(Instrument, "instrument"))
    stage: Mapped[MeasureStage] = mapped_column(enum_type(MeasureStage, "stage"))
    answers: Mapped[list[int]] = mapped_column(JSON)
    raw_score: Mapped[int] = mapped_column(Integer)
    metric_score: Mapped[float | None] = mapped_column(Float)
    taken_on: Mapped[date] = mapped_column(Date)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    referral: Mapped[Referral] = relationship(back_populates="measures")
    recorded_by: Mapped[User | None] = relationship()
