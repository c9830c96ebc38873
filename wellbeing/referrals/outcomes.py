"""What changed for the person: outcome measures recorded at baseline, review and follow-up,
and the message back to the referrer when the case is completed (PRSB "message back to GP").

Recording is for link workers and admins. The message back is for the referrer as well: it
carries scores and the services connected with their outcomes, never a measure's answers, a
case note or the reason a connection stopped. None of these functions commit.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from wellbeing import audit
from wellbeing.accounts.models import User
from wellbeing.extensions import db
from wellbeing.referrals import measures as m
from wellbeing.referrals.case_models import (
    Instrument,
    MeasureStage,
    OutcomeMeasure,
)
from wellbeing.referrals.casework import CaseworkError, require_staff, today
from wellbeing.referrals.models import (
    Referral,
    ReferralStatus,
)
from wellbeing.referrals.workflow import InvalidInput


def record_measure(
    referral: Referral,
    actor: User,
    instrument: object,
    stage: object,
    answers: list[Any],
    taken_on: date | None = None,
) -> OutcomeMeasure:
    """Score and keep one questionnaire; raises InvalidInput naming the item that is wrong.

    One baseline per instrument; reviews and follow-ups as often as they are taken, a follow-up
    also after the case has closed. The date it was taken is today or a day since the referral."""
    require_staff(actor)
    try:
        chosen = m.parse_instrument(instrument)
        chosen_stage = m.parse_stage(stage)
        score = m.score(chosen, answers)
    except m.MeasureInvalid as error:
        raise InvalidInput(str(error), field=error.field) from None
    if not referral.status.is_open and chosen_stage is not MeasureStage.FOLLOW_UP:
        raise CaseworkError(
            f"This referral is {referral.status.label.lower()}: only a follow-up can be recorded",
            field="stage",
        )
    if chosen_stage is MeasureStage.BASELINE and any(
        x.instrument is chosen and x.stage is MeasureStage.BASELINE for x in referral.measures
    ):
        raise CaseworkError(
            f"A baseline {m.INSTRUMENTS[chosen].name} is already recorded: record a review "
            "or a follow-up",
            field="stage",
        )
    taken_on = taken_on or today()
    if taken_on > today():
        raise CaseworkError("The date it was taken cannot be in the future", field="taken_on")
    if taken_on < referral.created_at.date():
        raise CaseworkError(
            "The date it was taken cannot be before the referral was made", field="taken_on"
        )
    measure = OutcomeMeasure(
        instrument=chosen,
        stage=chosen_stage,
        answers=list(answers),
        raw_score=score.raw_score,
        metric_score=score.metric_score,
        taken_on=taken_on,
        recorded_by_id=actor.id,
    )
    referral.measures.append(measure)
    db.session.flush()
    audit.record(
        actor,
        "referral.measure",
        "referral",
        referral.id,
        {"measure": measure.id, "instrument": chosen.value, "stage": chosen_stage.value},
    )
    return measure


@dataclass(frozen=True)
class MeasureSummary:
    """An instrument's first and latest scores, for people who may not see the answers."""

    instrument: Instrument
    title: str
    baseline: OutcomeMeasure | None
    latest: OutcomeMeasure | None
    change: m.Change | None


def measure_summaries(referral: Referral) -> list[MeasureSummary]:
    found = []
    for instrument in Instrument:
        mine = [x for x in referral.measures if x.instrument is instrument]
        if not mine:
            continue
        baseline = next((x for x in mine if x.stage is MeasureStage.BASELINE), None)
        change = m.change(referral.measures, instrument)
        found.append(
            MeasureSummary(
                instrument,
                m.INSTRUMENTS[instrument].title,
                baseline,
                change.latest if change else mine[-1],
                change,
            )
        )
    return found


def _scores(measure: OutcomeMeasure | None) -> dict[str, Any] | None:
    if measure is None:
        return None
    shown: dict[str, Any] = {"stage": measure.stage.value, "taken_on": measure.taken_on.isoformat()}
    if measure.instrument is Instrument.SWEMWBS:
        shown["metric_score"] = measure.metric_score
    else:
        # ONS4 has no total and each item's score is the person's answer: the referrer gets
        # the ONS band of each item (and, in "change", how far it moved), not the answers.
        items = m.INSTRUMENTS[Instrument.ONS4].items
        shown["bands"] = {
            item.key: m.ons4_band(item.key, value)
            for item, value in zip(items, measure.answers, strict=True)
        }
    return shown


def message_back(referral: Referral) -> dict[str, Any] | None:
    """The outcome of a completed case, for the referrer: None until it is completed."""
    if referral.status is not ReferralStatus.COMPLETED:
        return None
    return {
        "reference": referral.reference,
        "completed_at": referral.closed_at.isoformat() if referral.closed_at else None,
        "link_worker": referral.assigned_to.name if referral.assigned_to else None,
        "summary": referral.outcome_summary,
        "needs": [term.name for term in referral.needs],
        "goals": [{"text": g.text, "status": g.status.value} for g in referral.goals],
        "connections": [
            {
                "service_id": c.service_id,
                "service_name": c.service_name,
                "outcome": c.outcome.value if c.outcome else None,
            }
            for c in referral.connections
        ],
        "measures": [
            {
                "instrument": s.instrument.value,
                "before": _scores(s.baseline),
                "after": _scores(s.latest if s.latest is not s.baseline else None),
                "change": s.change.as_json() if s.change else None,
            }
            for s in measure_summaries(referral)
        ],
    }


def record_summary_read(actor: User, referral: Referral) -> None:
    audit.record(actor, "referral.summary_view", "referral", referral.id)
