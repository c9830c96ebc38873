"""The referral status machine: which changes are allowed, who may make each, and the record.

``transition`` is the only way a referral's status changes. It checks the rule, writes a
``ReferralEvent``, queues notifications and an audit event in the same transaction, and relies
on the referral's version column so that of two people acting at once exactly one wins.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm.exc import StaleDataError

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.models import (
    OPEN_STATUSES,
    ContactOutcome,
    EventKind,
    Referral,
    ReferralEvent,
)
from wellbeing.referrals.models import ReferralStatus as S
from wellbeing.referrals.notifications import queue_status_change
from wellbeing.referrals.validation import FieldError, check_text

STAFF = frozenset({Role.LINK_WORKER, Role.ADMIN})
# Referrers and residents may withdraw what they asked for; staff may cancel on their behalf.
CANCELLERS = frozenset({Role.REFERRER, Role.RESIDENT, Role.LINK_WORKER, Role.ADMIN})


@dataclass(frozen=True)
class Rule:
    roles: frozenset[Role]
    reason_required: bool = False
    verb: str = ""  # the button's words, e.g. "Accept"


TRANSITIONS: dict[tuple[S, S], Rule] = {
    (S.SUBMITTED, S.ACCEPTED): Rule(STAFF, verb="Accept"),
    (S.SUBMITTED, S.DECLINED): Rule(STAFF, reason_required=True, verb="Decline"),
    (S.ACCEPTED, S.IN_PROGRESS): Rule(STAFF, verb="Start work"),
    (S.ACCEPTED, S.ON_HOLD): Rule(STAFF, reason_required=True, verb="Put on hold"),
    (S.ACCEPTED, S.DECLINED): Rule(STAFF, reason_required=True, verb="Decline"),
    (S.IN_PROGRESS, S.ON_HOLD): Rule(STAFF, reason_required=True, verb="Put on hold"),
    (S.IN_PROGRESS, S.COMPLETED): Rule(STAFF, verb="Complete"),
    (S.IN_PROGRESS, S.CLOSED_NO_CONTACT): Rule(
        STAFF, reason_required=True, verb="Close: no contact"
    ),
    (S.ON_HOLD, S.IN_PROGRESS): Rule(STAFF, verb="Resume"),
    **{
        (status, S.CANCELLED): Rule(CANCELLERS, reason_required=True, verb="Cancel referral")
        for status in OPEN_STATUSES
    },
}


class WorkflowError(Exception):
    """A change that cannot be made; ``status`` is the HTTP status that describes it, and
    ``field`` the input to correct, when one is to blame (pages show the message there)."""

    status = 409
    field: str | None = None


class IllegalTransition(WorkflowError):
    status = 409


class NotAllowed(WorkflowError):
    status = 403


class ClosedReferral(WorkflowError):
    """A closed referral takes no more casework: assignments, contact attempts."""

    status = 409


class InvalidInput(WorkflowError):
    """Something typed is not right; the message says how to put it right."""

    status = 422

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class ReasonRequired(InvalidInput):
    def __init__(self, message: str) -> None:
        super().__init__(message, field="reason")


def checked_text(name: str, text: str | None) -> str | None:
    """Free text for a change (a reason, a note) within its bounds, trimmed; None when empty."""
    text = (text or "").strip() or None
    if text is not None:
        try:
            check_text(name, text)
        except FieldError as error:
            raise InvalidInput(str(error), field=name) from None
    return text


class StaleReferral(WorkflowError):
    status = 409

    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "Someone else changed this referral while you were looking at it. "
            "Check its latest status and try again."
        )


def parse_status(value: object) -> S:
    """The status named by ``value``, or IllegalTransition naming the statuses there are."""
    try:
        return S(str(value))
    except ValueError:
        names = ", ".join(status.value for status in S)
        # Quoted only when short: the message must not carry whatever a client sent back to it.
        shown = f"'{value}'" if len(str(value)) <= len("closed_no_contact") else "That"
        raise IllegalTransition(f"{shown} is not a referral status; use one of {names}") from None


def allowed_transitions(referral: Referral, actor: User) -> list[tuple[S, Rule]]:
    """The changes this actor may make to this referral now, in the lifecycle's order."""
    current = referral.status
    return [
        (to, rule)
        for (source, to), rule in TRANSITIONS.items()
        if source is current and actor.role in rule.roles
    ]


def failed_contact_attempts(referral: Referral) -> int:
    return sum(1 for c in referral.contact_attempts if not ContactOutcome(c.outcome).succeeded)


def _check_no_contact(referral: Referral) -> None:
    needed = current_app.config["REFERRAL_NO_CONTACT_ATTEMPTS"]
    if failed_contact_attempts(referral) < needed:
        raise IllegalTransition(
            f"Record at least {needed} failed contact attempts before closing for no contact"
        )


def check_version(referral: Referral, expected_version: int | None) -> None:
    if expected_version is not None and referral.version != expected_version:
        raise StaleReferral()


@contextmanager
def stale_checked() -> Iterator[None]:
    """Make a referral's changes in a savepoint flushed at its end, so that a concurrent change
    shows up here, as StaleReferral, not at commit.

    Only the savepoint is rolled back then: the caller's transaction stays theirs to use.
    """
    try:
        with db.session.begin_nested(), db.session.no_autoflush:
            yield
    except StaleDataError as error:
        raise StaleReferral() from error


def transition(
    referral: Referral,
    to: S | str,
    actor: User,
    reason: str | None = None,
    expected_version: int | None = None,
    summary: str | None = None,
) -> ReferralEvent:
    """Move the referral to ``to`` for ``actor``; raises a WorkflowError when it may not.

    Completing needs an outcome ``summary`` (what was done and what came of it): it is kept on
    the referral and is the heart of the message back to the referrer (``outcomes``)."""
    target = parse_status(to)
    check_version(referral, expected_version)
    current = referral.status
    rule = TRANSITIONS.get((current, target))
    if rule is None:
        raise IllegalTransition(
            f"A referral that is {current.label.lower()} cannot become {target.label.lower()}"
        )
    if actor.role not in rule.roles:
        raise NotAllowed(f"A {actor.role.label.lower()} may not make this change")
    reason = checked_text("reason", reason)
    if rule.reason_required and reason is None:
        raise ReasonRequired(f"Give a reason for making this referral {target.label.lower()}")
    if target is S.CLOSED_NO_CONTACT:
        _check_no_contact(referral)
    if target is S.COMPLETED:
        summary = checked_text("summary", summary)
        if summary is None:
            raise InvalidInput(
                "Write an outcome summary: what was done, the connections made and what changed",
                field="summary",
            )
    event = ReferralEvent(
        kind=EventKind.STATUS,
        actor_id=actor.id,
        actor_label=actor_label(actor),
        from_status=current,
        to_status=target,
        reason=reason,
    )
    with stale_checked():
        referral.status = target
        if not target.is_open:
            referral.closed_at = utcnow()
            referral.next_contact_on = None
        if target is S.COMPLETED:
            referral.outcome_summary = summary
        referral.events.append(event)
    queue_status_change(referral, event)
    audit.record(
        actor,
        "referral.transition",
        "referral",
        referral.id,
        {"from": current.value, "to": target.value},
    )
    return event


def actor_label(actor: User | None) -> str:
    """How the timeline names who acted: their name and role, or the resident themself."""
    if actor is None:
        return "The person (self-referral)"
    return f"{actor.name} ({actor.role.label.lower()})"
