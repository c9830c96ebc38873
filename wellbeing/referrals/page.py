"""The referral page: what each role sees of one referral and the actions it may take there."""

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from flask import render_template
from flask_login import current_user
from markupsafe import Markup

from wellbeing.accounts.models import Role
from wellbeing.config import LONDON
from wellbeing.database import utcnow
from wellbeing.referrals.casework import assignable_users
from wellbeing.referrals.forms import AssignForm, ContactAttemptForm, TransitionForm
from wellbeing.referrals.models import ContactAttempt, Referral, ReferralEvent
from wellbeing.referrals.queue import is_overdue, waiting_days
from wellbeing.referrals.workflow import STAFF, allowed_transitions, failed_contact_attempts


@dataclass
class TimelineEntry:
    at: datetime
    event: ReferralEvent | None = None
    contact: ContactAttempt | None = None


def timeline(referral: Referral, with_contacts: bool) -> list[TimelineEntry]:
    """Events (and, for staff, contact attempts), newest first."""
    entries = [TimelineEntry(event.at, event=event) for event in referral.events]
    if with_contacts:
        entries += [TimelineEntry(c.at, contact=c) for c in referral.contact_attempts]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


class PageArgs(TypedDict, total=False):
    """The optional arguments of ``referral_page``, for views that pass them on."""

    problem: str | None
    problem_field: str | None
    open_transition: str | None
    reason: str | None
    contact_form: ContactAttemptForm | None


def _transition_forms(
    referral: Referral, open_transition: str | None, reason: str | None, reason_problem: str | None
) -> list:
    forms = []
    for to, rule in allowed_transitions(referral, current_user):
        form = TransitionForm(prefix=f"{to.value}-", formdata=None)
        form.version.data = referral.version
        form.reason.label.text = f"Reason to {rule.verb.lower()}"
        if to.value == open_transition:
            form.reason.data = reason
            if reason_problem and rule.reason_required:
                form.reason.errors = [reason_problem]
        forms.append((to, rule, form))
    return forms


def referral_page(
    referral: Referral,
    problem: str | None = None,
    problem_field: str | None = None,
    open_transition: str | None = None,
    reason: str | None = None,
    contact_form: ContactAttemptForm | None = None,
) -> str:
    """Render the page; ``problem`` is why the last change was refused, shown at the top (and at
    the reason, when ``problem_field`` says the reason is to blame)."""
    staff = current_user.role in STAFF
    assign_form = AssignForm(formdata=None)
    assign_form.version.data = referral.version
    assign_form.assignee.choices = [("", "Nobody")] + [
        (str(user.id), user.name) for user in assignable_users()
    ]
    assign_form.assignee.data = str(referral.assigned_to_id or "")
    now = utcnow()
    return render_template(
        "referrals/show.html",
        referral=referral,
        staff=staff,
        is_link_worker=current_user.role is Role.LINK_WORKER,
        problem=problem,
        open_transition=open_transition,
        transitions=_transition_forms(
            referral, open_transition, reason, problem if problem_field == "reason" else None
        ),
        assign_form=assign_form,
        contact_form=contact_form or ContactAttemptForm(formdata=None),
        timeline=timeline(referral, with_contacts=staff),
        waiting=waiting_days(referral, now),
        overdue=is_overdue(referral, now),
        failed_contacts=failed_contact_attempts(referral),
        suggested_html=suggested_services_html(referral),
        outcome_names=OUTCOME_NAMES,
        local_time=local_time,
    )


OUTCOME_NAMES = {
    "reached": "spoke with them",
    "no_answer": "no answer",
    "left_message": "left a message",
    "wrong_details": "wrong number or address",
}


def local_time(value: datetime) -> str:
    """'23 Nov 2026, 14:05' in UK time."""
    return value.astimezone(LONDON).strftime("%-d %b %Y, %H:%M")


def suggested_services_html(referral: Referral) -> Markup:
    """Links to the suggested services' directory pages, or 'None'."""
    if not referral.suggested_services:
        return Markup("None")
    links = [
        # The path is a design contract (DESIGN.md section 6), whichever blueprint serves it.
        Markup('<a href="/directory/services/{}">{}</a>').format(s.id, s.name)
        for s in referral.suggested_services
    ]
    return Markup("<br>").join(links)
