"""Demo referrals for ``flask seed --demo``: a few people at different points of the lifecycle.

Only the local demo calls this. Fixed references make a second run add nothing. Every name,
date of birth and contact detail is made up; 999 000 0000-style NHS numbers are not used.
"""

from collections.abc import Iterator
from datetime import date

from wellbeing.accounts.services import find_user_by_email
from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.casework import assign, record_contact_attempt
from wellbeing.referrals.models import Referral, ReferralSource
from wellbeing.referrals.models import ReferralStatus as S
from wellbeing.referrals.services import ReferralDraft, create_referral
from wellbeing.referrals.workflow import transition

DEMO_SUMMARY = (
    "Met twice and agreed a plan around breaks from caring. Connected to the carers' group; "
    "she goes most weeks and says she feels less alone."
)

# A status to move to, with the reason given (if any).
Step = tuple[S, str | None]
Person = tuple[str, str, date, str]  # given name, family name, date of birth, postcode

# reference, source, person, needs, story, path through the lifecycle
DEMO_REFERRALS: list[tuple[str, ReferralSource, Person, list[str], str, list[Step]]] = [
    (
        "WB-DEMA23",
        ReferralSource.GP,
        ("Margaret", "Hale", date(1941, 5, 2), "GL1 3AB"),
        ["Loneliness and social connection"],
        "Lives alone since her husband died; used to sing in a choir and misses it.",
        [],
    ),
    (
        "WB-DEMB34",
        ReferralSource.GP,
        ("Tomasz", "Nowak", date(1978, 9, 14), "GL1 1AA"),
        ["Money and debt", "Mental wellbeing"],
        "Worried about bills after losing work; sleeping badly.",
        [(S.ACCEPTED, None)],
    ),
    (
        "WB-DEMC45",
        ReferralSource.SELF,
        ("Robin", "Resident", date(1990, 1, 30), "GL4 6EE"),
        ["Physical activity"],
        "I want to get fitter and meet people, but I am nervous about gyms.",
        [(S.ACCEPTED, None), (S.IN_PROGRESS, None)],
    ),
    (
        "WB-DEMD56",
        ReferralSource.GP,
        ("Aisha", "Khan", date(1965, 11, 8), "GL2 0AB"),
        ["Carers"],
        "Caring for her mother full time and has no breaks.",
        [(S.ACCEPTED, None), (S.IN_PROGRESS, None), (S.COMPLETED, None)],
    ),
    (
        "WB-DEME67",
        ReferralSource.GP,
        ("Derek", "Walsh", date(1952, 3, 21), "GL3 4AA"),
        ["Housing and warm homes"],
        "Cold damp flat; struggling to heat it.",
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
    for reference, source, person, need_names, story, path in DEMO_REFERRALS:
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
        _follow(referral, path, link_worker)
        created += 1
    yield f"Demo referrals: {created} created, {len(DEMO_REFERRALS) - created} already there"


def _follow(referral: Referral, path: list[Step], link_worker) -> None:
    for to, reason in path:
        if to is S.IN_PROGRESS:
            assign(referral, link_worker, link_worker)
            record_contact_attempt(referral, link_worker, "phone", "reached", "First chat")
        transition(referral, to, link_worker, reason, summary=DEMO_SUMMARY)
