"""Creating referrals (and finding one by its reference); none of these functions commit.

Who may see which referral is ``visibility``'s."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict, TypeVar

from flask import current_app
from sqlalchemy.exc import IntegrityError

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.directory.models import Service, ServiceStatus, TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals import validation as v
from wellbeing.referrals.models import (
    ID_LENGTH,
    PERSON_FIELDS,
    TEXT_LIMITS,
    ContactMethod,
    EventKind,
    Referral,
    ReferralEvent,
    ReferralSource,
    ReferralStatus,
    Urgency,
)
from wellbeing.referrals.notifications import queue_new_referral
from wellbeing.referrals.workflow import (
    STAFF,
    NotAllowed,
    actor_label,
    check_version,
    stale_checked,
)

# No 0/O, 1/I/L or U: a reference read out over the phone cannot be misheard or mistyped.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"
REFERENCE_LENGTH = 6
REFERENCE_ATTEMPTS = 5


class ReferralInvalid(ValueError):
    """The draft has problems: ``errors`` maps each field name to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors


@dataclass
class ReferralDraft:
    """What a form or API client sends, before it is checked."""

    given_name: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    postcode: str = ""
    what_matters: str = ""
    need_ids: list[str] = field(default_factory=list)
    consent: bool = False
    urgency: str = Urgency.ROUTINE
    nhs_number: str | None = None
    phone: str | None = None
    email: str | None = None
    preferred_contact: str | None = None
    language: str | None = None
    interpreter_needed: bool = False
    risk_flag: bool = False
    risk_note: str | None = None
    suggested_service_ids: list[str] = field(default_factory=list)
    referrer_phone: str | None = None  # a number for this referral; who referred is the account


# The draft's text fields, each checked against its entry in TEXT_LIMITS before anything else.
TEXT_FIELDS = tuple(name for name in ReferralDraft.__dataclass_fields__ if name in TEXT_LIMITS)
REQUIRED_TEXT = (
    ("given_name", "Enter a first name"),
    ("family_name", "Enter a last name"),
    ("what_matters", "Say what matters to the person and what help they would like"),
)


class ReferrerDetails(TypedDict, total=False):
    """Who referred, as a ``Referral`` stores it; empty for a resident's own request."""

    referrer_name: str | None
    referrer_organisation: str | None
    referrer_email: str | None


def referrer_details(actor: User | None) -> ReferrerDetails:
    """Who referred, from their account alone: the organisation decides who else may see the
    referral, and the email gets its news, so neither is ever taken from what was typed."""
    if actor is None or actor.role is Role.RESIDENT:
        return {}
    return {
        "referrer_name": actor.name,
        "referrer_organisation": actor.organisation,
        "referrer_email": actor.email,
    }


def new_reference() -> str:
    return "WB-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def normalise_reference(text: str) -> str:
    """'wb 7k3qf2', '7K3QF2' -> 'WB-7K3QF2'."""
    compact = "".join((text or "").split()).upper().replace("-", "")
    return "WB-" + compact.removeprefix("WB")


def _clean_optional(values: dict, errors: dict, name: str, cleaner: Callable[[str], str]) -> None:
    if name in errors:
        return
    text = (values.get(name) or "").strip()
    if not text:
        values[name] = None
        return
    try:
        values[name] = cleaner(text)
    except v.FieldError as error:
        errors[name] = str(error)


def _check_text(values: dict, errors: dict) -> None:
    """Length and characters first: no other check reads a value that fails them."""
    for name in TEXT_FIELDS:
        if values[name]:
            try:
                v.check_text(name, values[name])
            except v.FieldError as error:
                errors[name] = str(error)
    for name, message in REQUIRED_TEXT:
        values[name] = (values[name] or "").strip()
        if not values[name] and name not in errors:
            errors[name] = message


def _check_person(values: dict, errors: dict) -> None:
    if values["date_of_birth"] is None:
        errors["date_of_birth"] = "Enter a date of birth"
    else:
        try:
            v.clean_date_of_birth(values["date_of_birth"])
        except v.FieldError as error:
            errors["date_of_birth"] = str(error)
    if "postcode" not in errors:
        try:
            values["postcode"] = v.clean_postcode(values["postcode"])
        except v.FieldError as error:
            errors["postcode"] = str(error)
    _clean_optional(values, errors, "nhs_number", v.clean_nhs_number)
    for name, cleaner in (
        ("phone", v.clean_phone),
        ("referrer_phone", v.clean_phone),
        ("email", v.clean_email),
    ):
        _clean_optional(values, errors, name, cleaner)


def _check_contact(values: dict, errors: dict) -> None:
    method = values["preferred_contact"] or None
    if "preferred_contact" in errors:
        method = None
    elif method is not None and method not in {m.value for m in ContactMethod}:
        errors["preferred_contact"] = "Choose how they would like to be contacted"
    needs_email = method == ContactMethod.EMAIL
    needs_phone = method in {ContactMethod.PHONE, ContactMethod.TEXT}
    if needs_email and not values["email"] and "email" not in errors:
        errors["email"] = "Enter an email address, or choose another way to be contacted"
    elif needs_phone and not values["phone"] and "phone" not in errors:
        errors["phone"] = "Enter a phone number, or choose another way to be contacted"
    elif not (values["phone"] or values["email"]) and not {"phone", "email"} & errors.keys():
        errors["phone"] = "Enter a phone number or an email address so we can get in touch"
    values["preferred_contact"] = method


def _check_choices(values: dict, errors: dict) -> None:
    if values["urgency"] not in {u.value for u in Urgency} and "urgency" not in errors:
        errors["urgency"] = "Choose routine or urgent"
    if not values["consent"]:
        errors["consent"] = "The person must agree to their details being shared"
    values["risk_note"] = (values["risk_note"] or "").strip() or None
    if values["risk_flag"] and not values["risk_note"] and "risk_note" not in errors:
        errors["risk_note"] = "Describe the risk or safeguarding concern"
    if not values["risk_flag"]:
        values["risk_note"] = None


def validate_draft(draft: ReferralDraft) -> tuple[dict, dict[str, str]]:
    """The draft's cleaned values and its problems (field name -> message)."""
    values: dict[str, Any] = vars(draft).copy()
    errors: dict[str, str] = {}
    _check_text(values, errors)
    _check_person(values, errors)
    _check_contact(values, errors)
    _check_choices(values, errors)
    values["needs"] = _resolve(TaxonomyTerm, values.pop("need_ids"), errors, "need_ids")
    if not values["needs"] and "need_ids" not in errors:
        errors["need_ids"] = "Choose at least one thing they would like help with"
    values["suggested_services"] = _resolve(
        Service, values.pop("suggested_service_ids"), errors, "suggested_service_ids"
    )
    if any(s.status != ServiceStatus.ACTIVE for s in values["suggested_services"]):
        errors["suggested_service_ids"] = "Suggest only services that are running now"
    return values, errors


# The models a draft refers to by id.
_Chosen = TypeVar("_Chosen", TaxonomyTerm, Service)


# Unknown ids named in a message, at most; each cut to the length of an id.
MISSING_SHOWN = 3


def _resolve(
    model: type[_Chosen], ids: list[str], errors: dict[str, str], name: str
) -> list[_Chosen]:
    """The rows with these ids, within the list's bound (LIST_LIMITS); unknown ids are errors."""
    try:
        v.check_list(name, ids or [])
    except v.FieldError as error:
        errors[name] = str(error)
        return []
    wanted = list(dict.fromkeys(str(i) for i in ids or []))
    possible = [i for i in wanted if len(i) <= ID_LENGTH]
    found = db.session.execute(db.select(model).where(model.id.in_(possible))).scalars().all()
    missing = sorted(set(wanted) - {row.id for row in found})
    if missing:
        shown = ", ".join(i[:ID_LENGTH] for i in missing[:MISSING_SHOWN])
        more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
        errors[name] = f"Unknown id: {shown}{more}"
    return list(found)


def create_referral(
    draft: ReferralDraft,
    actor: User | None,
    source: ReferralSource,
    *,
    reference: str | None = None,
) -> Referral:
    """Check the draft and add a submitted referral with its first event; raises ReferralInvalid.

    ``reference`` fixes the reference instead of generating one (the demo data uses it).
    """
    values, errors = validate_draft(draft)
    if errors:
        raise ReferralInvalid(errors)
    values.pop("consent")
    referral = Referral(
        **values,
        **referrer_details(actor),
        consent_given=True,
        consent_recorded_by=actor_label(actor),
        source=source,
        status=ReferralStatus.SUBMITTED,
        created_by_id=actor.id if actor else None,
    )
    referral.events.append(
        ReferralEvent(
            kind=EventKind.CREATED,
            actor_id=referral.created_by_id,
            actor_label=actor_label(actor),
            to_status=ReferralStatus.SUBMITTED,
        )
    )
    _insert_with_unique_reference(referral, reference)
    queue_new_referral(referral)
    audit.record(actor, "referral.create", "referral", referral.id, {"source": source.value})
    return referral


def _insert_with_unique_reference(referral: Referral, fixed: str | None) -> None:
    """The unique constraint decides; on the rare clash, try another reference."""
    for attempt in range(REFERENCE_ATTEMPTS):
        referral.reference = fixed or new_reference()
        try:
            with db.session.begin_nested():
                db.session.add(referral)
            return
        except IntegrityError:
            if attempt == REFERENCE_ATTEMPTS - 1:
                raise
            current_app.logger.warning("Referral reference clash; trying another")


def find_by_reference_and_birth(reference: str, born: date) -> Referral | None:
    """The referral with this reference and date of birth, else None (either wrong)."""
    referral = db.session.execute(
        db.select(Referral).where(Referral.reference == normalise_reference(reference))
    ).scalar_one_or_none()
    if referral is None or referral.date_of_birth != born:
        return None
    return referral


# What the timeline calls each person field when it says which were corrected.
PERSON_FIELD_LABELS = {
    "given_name": "first name",
    "family_name": "last name",
    "date_of_birth": "date of birth",
    "nhs_number": "NHS number",
    "postcode": "postcode",
    "email": "email",
    "phone": "phone",
    "preferred_contact": "contact preference",
    "language": "language",
    "interpreter_needed": "interpreter needed",
}


def correct_person(
    referral: Referral,
    actor: User,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> list[str]:
    """Put right the person's details (staff only), checked as when the referral was made;
    returns the names of the fields that changed. The timeline says which fields changed, never
    their values; raises ReferralInvalid (field -> message) or a WorkflowError."""
    if actor.role not in STAFF:
        raise NotAllowed("Only link workers and admins may correct a person's details")
    check_version(referral, expected_version)
    errors = {name: "Not a detail of the person" for name in changes if name not in PERSON_FIELDS}
    if errors:
        raise ReferralInvalid(errors)
    values: dict[str, Any] = {name: getattr(referral, name) for name in PERSON_FIELDS}
    values.update(changes, referrer_phone=None)
    for name in PERSON_FIELDS:
        if name in TEXT_LIMITS and values[name] is not None:
            try:
                values[name] = v.check_text(name, values[name]).strip()
            except v.FieldError as error:
                errors[name] = str(error)
    for name, message in REQUIRED_TEXT[:2]:
        if not values[name] and name not in errors:
            errors[name] = message
    _check_person(values, errors)
    _check_contact(values, errors)
    values["language"] = values["language"] or None
    values["interpreter_needed"] = bool(values["interpreter_needed"])
    if errors:
        raise ReferralInvalid(errors)
    changed = [name for name in PERSON_FIELDS if values[name] != getattr(referral, name)]
    if not changed:
        return []
    event = ReferralEvent(
        kind=EventKind.CORRECTED,
        actor_id=actor.id,
        actor_label=actor_label(actor),
        from_status=referral.status,
        to_status=referral.status,
        note="Corrected " + ", ".join(PERSON_FIELD_LABELS[name] for name in changed),
    )
    with stale_checked():
        for name in changed:
            setattr(referral, name, values[name])
        referral.events.append(event)
    audit.record(actor, "referral.correct", "referral", referral.id, {"fields": changed})
    return changed
