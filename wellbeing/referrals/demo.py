"""Demo referrals for ``flask seed --demo``: a few people at different points of the lifecycle,
two of them with a case record (notes, what matters, a plan, connections and measures).

Only the local demo calls this. Fixed references make a second run add nothing. Every name,
date of birth and contact detail is made up; 999 000 0000-style NHS numbers are not used. The
record goes through the same domain functions as the pages; only the times are set back, so
that a case reads as weeks of work rather than one minute's.
"""

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta

from wellbeing.accounts.models import User
from wellbeing.accounts.services import find_user_by_email
from wellbeing.database import utcnow
from wellbeing.directory.models import Service, ServiceStatus, TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals import care_plan, casework
from wellbeing.referrals.case_models import (
    CaseNote,
    GoalStatus,
    MeasureStage,
)
from wellbeing.referrals.casework import assign, record_contact_attempt, today
from wellbeing.referrals.models import (
    Referral,
    ReferralSource,
)
from wellbeing.referrals.models import ReferralStatus as S
from wellbeing.referrals.outcomes import record_measure
from wellbeing.referrals.services import ReferralDraft, create_referral
from wellbeing.referrals.workflow import transition

DEMO_SUMMARY = (
    "Met three times and agreed a plan around breaks from caring. Aisha now goes to the carers' "
    "coffee morning most weeks and says she feels less alone; the telephone befriending did not "
    "fit around her mother's care. She has had a carer's assessment and has a sitter for one "
    "afternoon a week. Her wellbeing scores rose between the first meeting and the review."
)

# A status to move to, with the reason given (if any).
Step = tuple[S, str | None]
Person = tuple[str, str, date, str]  # given name, family name, date of birth, postcode

# reference, source, person, needs, story, days since referred, path through the lifecycle
DEMO_REFERRALS: list[tuple[str, ReferralSource, Person, list[str], str, int, list[Step]]] = [
    (
        "WB-DEMA23",
        ReferralSource.GP,
        ("Margaret", "Hale", date(1941, 5, 2), "GL1 3AB"),
        ["Loneliness and social connection"],
        "Lives alone since her husband died; used to sing in a choir and misses it.",
        1,
        [],
    ),
    (
        "WB-DEMB34",
        ReferralSource.GP,
        ("Tomasz", "Nowak", date(1978, 9, 14), "GL1 1AA"),
        ["Money and debt", "Mental wellbeing"],
        "Worried about bills after losing work; sleeping badly.",
        4,
        [(S.ACCEPTED, None)],
    ),
    (
        "WB-DEMC45",
        ReferralSource.SELF,
        ("Robin", "Resident", date(1990, 1, 30), "GL4 6EE"),
        ["Physical activity"],
        "I want to get fitter and meet people, but I am nervous about gyms.",
        40,
        [(S.ACCEPTED, None), (S.IN_PROGRESS, None)],
    ),
    (
        "WB-DEMD56",
        ReferralSource.GP,
        ("Aisha", "Khan", date(1965, 11, 8), "GL2 0AB"),
        ["Carers"],
        "Caring for her mother full time and has no breaks.",
        100,
        [(S.ACCEPTED, None), (S.IN_PROGRESS, None)],  # completed by her case record
    ),
    (
        "WB-DEME67",
        ReferralSource.GP,
        ("Derek", "Walsh", date(1952, 3, 21), "GL3 4AA"),
        ["Housing and warm homes"],
        "Cold damp flat; struggling to heat it.",
        10,
        [(S.DECLINED, "Already supported by the housing team; referred back to GP.")],
    ),
]


def _needs(names: list[str]) -> list[str]:
    return list(
        db.session.execute(db.select(TaxonomyTerm.id).where(TaxonomyTerm.name.in_(names))).scalars()
    )


def seed_demo_referrals() -> Iterator[str]:
    """Create the demo referrals that are not there yet (the caller commits)."""
    gp = find_user_by_email("gp@example.org")
    link_worker = find_user_by_email("linkworker@example.org")
    resident = find_user_by_email("resident@example.org")
    existing = set(db.session.execute(db.select(Referral.reference)).scalars())
    created = 0
    for reference, source, person, need_names, story, days_ago, path in DEMO_REFERRALS:
        if reference in existing or not (gp and link_worker and resident):
            continue
        given, family, born, postcode = person
        actor = resident if source is ReferralSource.SELF else gp
        draft = ReferralDraft(
            given_name=given,
            family_name=family,
            date_of_birth=born,
            postcode=postcode,
            phone="01632 960 999",
            email=f"{given.lower()}@example.org",
            what_matters=story,
            need_ids=_needs(need_names),
            consent=True,
        )
        referral = create_referral(draft, actor, source, reference=reference)
        _referred_days_ago(referral, days_ago)
        _follow(referral, path, link_worker)
        if reference in CASE_RECORDS:
            CASE_RECORDS[reference](Case(referral, link_worker))
        created += 1
    yield f"Demo referrals: {created} created, {len(DEMO_REFERRALS) - created} already there"


def _referred_days_ago(referral: Referral, days: int) -> None:
    referral.created_at = referral.consent_recorded_at = utcnow() - timedelta(days=days)
    referral.events[0].at = referral.created_at


def _follow(referral: Referral, path: list[Step], link_worker: User) -> None:
    """Each step a day apart from the referral; work starts with the first call."""
    for day, (to, reason) in enumerate(path, start=1):
        at = min(referral.created_at + timedelta(days=day), utcnow())
        if to is S.IN_PROGRESS:
            assign(referral, link_worker, link_worker).at = at
            record_contact_attempt(referral, link_worker, "phone", "reached", "First chat", at=at)
        transition(referral, to, link_worker, reason).at = at


class Case:
    """The link worker's record of one demo referral, written on the day it happened."""

    def __init__(self, referral: Referral, link_worker: User) -> None:
        self.referral, self.link_worker = referral, link_worker

    def day(self, number: int) -> datetime:
        return min(self.referral.created_at + timedelta(days=number), utcnow())

    def note(self, day: int, text: str, corrects: CaseNote | None = None) -> CaseNote:
        note = casework.add_note(self.referral, self.link_worker, text, corrects=corrects)
        note.at = self.day(day)
        return note

    def goal(self, text: str, status: GoalStatus, weeks: int | None = None) -> None:
        target = today() + timedelta(weeks=weeks) if weeks else None
        goal = care_plan.add_goal(self.referral, self.link_worker, text, target)
        if status is not GoalStatus.NOT_STARTED:
            care_plan.update_goal(goal, self.link_worker, status)

    def connect(self, day: int, name: str, outcome: str, reason: str | None = None) -> None:
        service = db.session.execute(
            db.select(Service).where(Service.name == name, Service.status == ServiceStatus.ACTIVE)
        ).scalar_one_or_none()
        if service is None:  # the directory seed has changed: the record does without it
            return
        connection = casework.connect(self.referral, self.link_worker, service.id)
        connection.created_at = self.day(day)
        casework.record_connection_outcome(connection, self.link_worker, outcome, reason)
        connection.outcome_at = self.day(day + 14)

    def measure(self, day: int, instrument: str, stage: MeasureStage, answers: list[int]) -> None:
        taken_on = self.day(day).date()
        record_measure(self.referral, self.link_worker, instrument, stage, answers, taken_on)


def _getting_active(case: Case) -> None:
    """Robin: weeks into the work, with a review done and the next contact planned."""
    first = case.note(
        5,
        "Met at Tuffley library. Robin wants to get fitter but a gym feels too much; would "
        "rather start gently with other people. Talked through a few local groups.",
    )
    case.note(6, "The gentle exercise class is on Thursdays, not Tuesdays.", corrects=first)
    case.note(
        30,
        "Review by phone. Going to Sit and Be Fit every week and enjoying the chat afterwards. "
        "Did not try the Saturday run: too far without a car.",
    )
    casework.record_what_matters(
        case.referral,
        case.link_worker,
        in_their_words="Feeling stronger, and having people to say hello to during the week.",
        strengths="Determined once started; a supportive sister nearby.",
        barriers="No car; nervous in new places.",
    )
    case.goal("Walk for 20 minutes three times a week", GoalStatus.IN_PROGRESS, weeks=4)
    case.goal("Try a group class with other people", GoalStatus.NOT_STARTED, weeks=8)
    case.connect(5, "Sit and Be Fit, Hucclecote", "attending")
    case.connect(5, "Pittville Park Saturday 5k", "did_not_start", "Too far without a car.")
    case.measure(5, "ons4", MeasureStage.BASELINE, [5, 6, 4, 6])
    case.measure(5, "swemwbs", MeasureStage.BASELINE, [3, 2, 2, 3, 3, 2, 3])
    case.measure(30, "swemwbs", MeasureStage.REVIEW, [3, 3, 3, 3, 4, 3, 3])
    casework.set_next_contact(case.referral, case.link_worker, today() + timedelta(days=5))


def _a_break_from_caring(case: Case) -> None:
    """Aisha: a completed case, with the message back to her GP and a follow-up since."""
    case.note(
        3,
        "First call. Aisha cares for her mother full time and has not had a day off in a year. "
        "Agreed to meet at the surgery next week.",
    )
    case.note(
        10,
        "Met at the surgery. What matters: time to herself and someone to talk to who "
        "understands. Agreed to try a carers' group and telephone befriending.",
    )
    case.note(50, "Review. Going to the coffee morning most weeks; stopped the calls.")
    casework.record_what_matters(
        case.referral,
        case.link_worker,
        in_their_words="A few hours to myself, and people who understand what caring is like.",
        strengths="Well organised; close to her neighbour.",
        barriers="Cannot leave her mother alone for long.",
    )
    case.goal("Have a few hours to myself each week", GoalStatus.ACHIEVED)
    case.goal("Get a carer's assessment", GoalStatus.ACHIEVED)
    case.connect(10, "Cheltenham Carers' Coffee Morning", "attending")
    case.connect(
        10,
        "Friendly Voices Telephone Befriending",
        "stopped",
        "The calls were hard to fit around her mother's care.",
    )
    case.measure(10, "ons4", MeasureStage.BASELINE, [3, 5, 3, 8])
    case.measure(10, "swemwbs", MeasureStage.BASELINE, [2, 2, 1, 2, 3, 2, 3])
    case.measure(50, "ons4", MeasureStage.REVIEW, [6, 7, 6, 5])
    case.measure(50, "swemwbs", MeasureStage.REVIEW, [3, 3, 3, 3, 3, 3, 4])
    transition(case.referral, S.COMPLETED, case.link_worker, summary=DEMO_SUMMARY).at = case.day(56)
    case.referral.closed_at = case.day(56)
    case.measure(90, "swemwbs", MeasureStage.FOLLOW_UP, [3, 4, 3, 3, 4, 3, 4])


CASE_RECORDS: dict[str, Callable[[Case], None]] = {
    "WB-DEMC45": _getting_active,
    "WB-DEMD56": _a_break_from_caring,
}
