"""The status machine, references, validation and the version check, through the domain code."""

from datetime import date, timedelta

import pytest

from tests.support.factories import make_user
from tests.support.referrals import VALID_NHS_NUMBER, draft_for
from wellbeing.accounts.models import Role
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.referrals import services
from wellbeing.referrals.casework import assign, record_contact_attempt
from wellbeing.referrals.models import Referral, ReferralEvent, ReferralSource
from wellbeing.referrals.models import ReferralStatus as S
from wellbeing.referrals.services import (
    REFERENCE_ALPHABET,
    ReferralInvalid,
    create_referral,
    normalise_reference,
)
from wellbeing.referrals.validation import FieldError, clean_date_of_birth, clean_nhs_number
from wellbeing.referrals.workflow import (
    TRANSITIONS,
    IllegalTransition,
    NotAllowed,
    ReasonRequired,
    StaleReferral,
    transition,
)


def test_a_new_referral_is_submitted_with_a_reference_and_a_first_event(make_referral) -> None:
    gp = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    referral = make_referral(actor=gp)
    assert referral.status == S.SUBMITTED
    assert referral.reference.startswith("WB-") and len(referral.reference) == 9
    assert set(referral.reference[3:]) <= set(REFERENCE_ALPHABET)
    assert referral.postcode == "GL1 3AB"  # normalised by the directory's postcode code
    assert referral.phone == "01632960123"
    assert [(e.kind, e.from_status, e.to_status) for e in referral.events] == [
        ("created", None, "submitted")
    ]
    assert referral.consent_given and referral.consent_recorded_by.startswith(gp.name)
    audit = db.session.execute(db.select(AuditEvent)).scalars().one()
    assert (audit.action, audit.subject_id, audit.actor_id) == (
        "referral.create",
        referral.id,
        gp.id,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("943 476 5919", VALID_NHS_NUMBER), ("943-476-5919", VALID_NHS_NUMBER)],
)
def test_nhs_numbers_passing_modulus_11_are_accepted(text: str, expected: str) -> None:
    assert clean_nhs_number(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9434765918", "Enter a valid NHS number"),  # wrong check digit
        ("1234567890", "Enter a valid NHS number"),  # check digit would be 10
        ("94347659", "must be 10 digits"),
        ("94347659AB", "must be 10 digits"),
    ],
)
def test_nhs_numbers_failing_the_check_are_refused(text: str, message: str) -> None:
    with pytest.raises(FieldError, match=message):
        clean_nhs_number(text)


def test_dates_of_birth_must_be_past_and_plausible() -> None:
    today = date(2026, 11, 23)
    assert clean_date_of_birth(date(1906, 11, 23), today) == date(1906, 11, 23)
    with pytest.raises(FieldError, match="must be in the past"):
        clean_date_of_birth(today + timedelta(days=1), today)
    with pytest.raises(FieldError, match="within the last 120 years"):
        clean_date_of_birth(date(1905, 11, 23), today)


def test_every_problem_in_a_draft_is_reported_by_field(needs) -> None:
    draft = draft_for(
        needs,
        given_name=" ",
        date_of_birth=date.today() + timedelta(days=3),
        postcode="GL1",
        nhs_number="9434765918",
        phone="12345",
        email="not an email",
        need_ids=[],
        consent=False,
        urgency="whenever",
        risk_flag=True,
        risk_note="",
    )
    with pytest.raises(ReferralInvalid) as raised:
        create_referral(draft, None, ReferralSource.SELF)
    assert raised.value.errors == {
        "given_name": "Enter a first name",
        "date_of_birth": "Date of birth must be in the past",
        "postcode": "Enter a full postcode, like GL1 1AA",
        "nhs_number": "Enter a valid NHS number: check the 10 digits are correct",
        "phone": "Enter a UK phone number, like 01632 960 001 or 07700 900 982",
        "email": "Enter an email address in the correct format, like name@example.org",
        "need_ids": "Choose at least one thing they would like help with",
        "consent": "The person must agree to their details being shared",
        "urgency": "Choose routine or urgent",
        "risk_note": "Describe the risk or safeguarding concern",
    }
    assert db.session.execute(db.select(Referral)).first() is None


def test_unknown_needs_and_inactive_services_are_refused(needs, suggestible_service) -> None:
    with pytest.raises(ReferralInvalid) as raised:
        create_referral(draft_for(needs, need_ids=["no-such-term"]), None, ReferralSource.SELF)
    assert raised.value.errors == {"need_ids": "Unknown id: no-such-term"}
    suggestible_service.status = "temporarily closed"
    db.session.commit()
    draft = draft_for(needs, suggested_service_ids=[suggestible_service.id])
    with pytest.raises(ReferralInvalid) as raised:
        create_referral(draft, None, ReferralSource.SELF)
    assert raised.value.errors == {
        "suggested_service_ids": "Suggest only services that are running now"
    }


def test_contact_details_must_match_the_preferred_way(needs) -> None:
    draft = draft_for(needs, phone="", email="", preferred_contact=None)
    with pytest.raises(ReferralInvalid, match="phone: Enter a phone number or an email"):
        create_referral(draft, None, ReferralSource.SELF)
    draft = draft_for(needs, email="", preferred_contact="email")
    with pytest.raises(ReferralInvalid, match="email: Enter an email address, or choose"):
        create_referral(draft, None, ReferralSource.SELF)


def test_a_reference_clash_is_retried_with_a_new_reference(make_referral, monkeypatch) -> None:
    first = make_referral()
    references = iter([first.reference, first.reference, "WB-ABCDEF"])
    monkeypatch.setattr(services, "new_reference", lambda: next(references))
    second = make_referral()
    assert second.reference == "WB-ABCDEF"
    assert db.session.execute(db.select(db.func.count(Referral.id))).scalar() == 2


def test_references_are_found_however_they_are_typed() -> None:
    for typed in ("wb-7k3qf2", "WB 7K3QF2", "7k3qf2", " WB7K3QF2 "):
        assert normalise_reference(typed) == "WB-7K3QF2"


def _walk(referral, actor, *steps):
    for to, reason in steps:
        transition(referral, to, actor, reason, summary="Joined a walking group")
        db.session.commit()


def test_the_happy_path_records_each_step(make_referral) -> None:
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    _walk(referral, link_worker, (S.ACCEPTED, None), (S.IN_PROGRESS, None), (S.COMPLETED, None))
    steps = [(e.from_status, e.to_status, e.actor_id) for e in referral.events[1:]]
    assert steps == [
        ("submitted", "accepted", link_worker.id),
        ("accepted", "in_progress", link_worker.id),
        ("in_progress", "completed", link_worker.id),
    ]
    assert referral.closed_at is not None and referral.version == 4


@pytest.mark.parametrize(
    ("path", "end"),
    [
        ([S.DECLINED], S.DECLINED),
        ([S.ACCEPTED, S.DECLINED], S.DECLINED),
        ([S.ACCEPTED, S.ON_HOLD, S.IN_PROGRESS, S.ON_HOLD], S.ON_HOLD),
        ([S.ACCEPTED, S.IN_PROGRESS, S.CANCELLED], S.CANCELLED),
    ],
)
def test_reasons_are_required_and_recorded(make_referral, path, end) -> None:
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    for to in path:
        if TRANSITIONS[(referral.status, to)].reason_required:
            with pytest.raises(ReasonRequired):
                transition(referral, to, link_worker, "   ")
        transition(referral, to, link_worker, f"because {to.value}")
        db.session.commit()
    assert referral.status == end
    assert referral.events[-1].reason == f"because {end.value}"


def test_closing_for_no_contact_needs_three_failed_attempts(make_referral) -> None:
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    _walk(referral, link_worker, (S.ACCEPTED, None), (S.IN_PROGRESS, None))
    for outcome in ("no_answer", "left_message"):
        record_contact_attempt(referral, link_worker, "phone", outcome)
    with pytest.raises(IllegalTransition, match="at least 3 failed contact attempts"):
        transition(referral, S.CLOSED_NO_CONTACT, link_worker, "No reply")
    record_contact_attempt(referral, link_worker, "text", "no_answer")
    transition(referral, S.CLOSED_NO_CONTACT, link_worker, "No reply to 3 calls and texts")
    db.session.commit()
    assert referral.status == S.CLOSED_NO_CONTACT
    assert referral.first_contact_at is None


def test_illegal_transitions_are_errors_and_change_nothing(make_referral) -> None:
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    with pytest.raises(IllegalTransition, match="submitted cannot become completed"):
        transition(referral, S.COMPLETED, link_worker)
    with pytest.raises(IllegalTransition, match="'finished' is not a referral status"):
        transition(referral, "finished", link_worker)
    _walk(referral, link_worker, (S.DECLINED, "Outside our area"))
    for to in S:
        with pytest.raises(IllegalTransition):
            transition(referral, to, link_worker, "reason")
    db.session.rollback()
    assert referral.status == S.DECLINED and len(referral.events) == 2


@pytest.mark.parametrize("role", [Role.REFERRER, Role.RESIDENT, Role.PROVIDER])
def test_only_staff_triage(make_referral, role) -> None:
    referral = make_referral()
    with pytest.raises(NotAllowed):
        transition(referral, S.ACCEPTED, make_user(role))
    assert referral.status == S.SUBMITTED


def test_referrers_and_residents_may_cancel_with_a_reason(make_referral) -> None:
    gp = make_user(Role.REFERRER)
    referral = make_referral(actor=gp)
    transition(referral, S.CANCELLED, gp, "Moved away")
    db.session.commit()
    assert referral.events[-1].actor_label == f"{gp.name} (referrer)"
    with pytest.raises(NotAllowed):
        transition(make_referral(), S.CANCELLED, make_user(Role.PROVIDER), "no")


def test_a_stale_version_is_refused(make_referral) -> None:
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    seen = referral.version
    transition(referral, S.ACCEPTED, link_worker, expected_version=seen)
    db.session.commit()
    with pytest.raises(StaleReferral, match="Someone else changed this referral"):
        transition(referral, S.IN_PROGRESS, link_worker, expected_version=seen)
    with pytest.raises(StaleReferral):
        assign(referral, link_worker, link_worker, expected_version=seen)


def test_the_version_column_catches_a_change_made_behind_our_back(app, make_referral) -> None:
    """The check is in the UPDATE itself, so it holds even without expected_version."""
    link_worker = make_user(Role.LINK_WORKER)
    referral = make_referral()
    db.session.commit()
    with db.engine.begin() as other:  # another worker's committed change
        other.execute(
            db.update(Referral)
            .where(Referral.id == referral.id)
            .values(status="accepted", version=Referral.version + 1)
        )
    with pytest.raises(StaleReferral):
        transition(referral, S.ACCEPTED, link_worker)
    assert db.session.execute(db.select(db.func.count(ReferralEvent.id))).scalar() == 1


def test_assignment_is_on_the_timeline(make_referral) -> None:
    admin, link_worker = make_user(Role.ADMIN), make_user(Role.LINK_WORKER)
    referral = make_referral()
    assign(referral, link_worker, admin)
    db.session.commit()
    assert referral.assigned_to_id == link_worker.id
    assert referral.events[-1].summary == f"Assigned to {link_worker.name}"
    with pytest.raises(NotAllowed):
        assign(referral, link_worker, make_user(Role.REFERRER))
