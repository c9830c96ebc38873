"""The personalised care and support plan: goals in the person's words, each with a target
date and a status. Staff only, on an open referral; none of these functions commit."""

from datetime import date

from wellbeing import audit
from wellbeing.accounts.models import User
from wellbeing.extensions import db
from wellbeing.referrals.case_models import (
    CareGoal,
    GoalStatus,
)
from wellbeing.referrals.casework import (
    CaseworkError,
    future_date,
    require_open,
    require_staff,
    required_text,
)
from wellbeing.referrals.models import (
    Referral,
)


def parse_goal_status(value: object) -> GoalStatus:
    try:
        return GoalStatus(str(value))
    except ValueError:
        raise CaseworkError(
            "Choose not started, in progress, achieved or dropped", field="status"
        ) from None


def add_goal(
    referral: Referral, actor: User, text: str | None, target_date: date | None = None
) -> CareGoal:
    require_staff(actor)
    require_open(referral, "no goals can be added")
    goal = CareGoal(
        text=required_text("goal", text, "Describe the goal in the person's words"),
        target_date=future_date("target_date", target_date, "target date"),
        status=GoalStatus.NOT_STARTED,
        created_by_id=actor.id,
    )
    referral.goals.append(goal)
    db.session.flush()
    audit.record(actor, "referral.goal_add", "referral", referral.id, {"goal": goal.id})
    return goal


def update_goal(
    goal: CareGoal,
    actor: User,
    status: object,
    text: str | None = None,
    target_date: date | None = None,
) -> CareGoal:
    """A goal's new status (and, when given, new words or target date)."""
    require_staff(actor)
    require_open(goal.referral, "its plan is closed")
    # Everything is checked before anything changes: a refusal leaves the goal as it was.
    new_status = parse_goal_status(status)
    new_text = (
        required_text("goal", text, "Describe the goal in the person's words")
        if text is not None
        else goal.text
    )
    new_date = goal.target_date
    if target_date is not None and target_date != goal.target_date:
        new_date = future_date("target_date", target_date, "target date")
    goal.status, goal.text, goal.target_date = new_status, new_text, new_date
    audit.record(
        actor,
        "referral.goal_update",
        "referral",
        goal.referral_id,
        {"goal": goal.id, "status": goal.status.value},
    )
    return goal


def find_goal(referral: Referral, goal_id: object) -> CareGoal | None:
    return next((g for g in referral.goals if str(g.id) == str(goal_id)), None)
