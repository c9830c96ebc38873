"""The referral page: what each role sees of one referral and the actions it may take there;
and the steps every view of one referral shares (find it, show it, come back to it)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypedDict, Unpack

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.models import Role
from wellbeing.config import LONDON
from wellbeing.database import utcnow
from wellbeing.extensions import db
from wellbeing.referrals.case_forms import (
    NextContactForm,
    NoteForm,
)
from wellbeing.referrals.case_record import (
    measures_view,
    next_contact,
    note_threads,
    score_lines,
    short_date,
    spaced_nhs_number,
)
from wellbeing.referrals.casework import assignable_users, note_is_editable
from wellbeing.referrals.forms import (
    AssignForm,
    ContactAttemptForm,
    TransitionForm,
    show_error,
)
from wellbeing.referrals.models import ContactAttempt, Referral, ReferralEvent
from wellbeing.referrals.queue import is_overdue, waiting_days
from wellbeing.referrals.visibility import get_visible_referral, record_refused_read
from wellbeing.referrals.workflow import (
    STAFF,
    WorkflowError,
    allowed_transitions,
    failed_contact_attempts,
)
from wellbeing.templating import field_anchor


def visible_or_404(referral_id: str) -> Referral:
    """The referral if the signed-in user may see it; else the refusal is audited and 404."""
    referral = get_visible_referral(current_user, referral_id)
    if referral is None:
        record_refused_read(current_user, referral_id)
        db.session.commit()
        abort(404)
    return referral


def after_change(referral: Referral, message: str, section: str | None = None) -> Response:
    """Commit, then back to the referral page at the part acted on, with the message there
    (the page shows a message flashed as ``success:<section>`` in that section)."""
    db.session.commit()
    flash(message, f"success:{section}" if section else "success")
    return redirect(url_for("referrals.show", referral_id=referral.id, _anchor=section), 303)


def form_page(
    template: str, referral: Referral, status: int = 200, **context: Any
) -> tuple[str, int]:
    """A page of one referral besides the referral page (a form, a print view); showing it
    is audited as a view of the referral."""
    audit.record(current_user, "referral.view", "referral", referral.id, {"page": request.endpoint})
    db.session.commit()
    page = render_template(
        template, referral=referral, local_time=local_time, short_date=short_date, **context
    )
    return page, status


def refused_on(form: FlaskForm, error: WorkflowError) -> int:
    """Undo the refused change and put its message at the field to blame: the status to show."""
    db.session.rollback()
    show_error(form, error.field, str(error))
    return error.status


def require_open(referral: Referral, what: str) -> None:
    """A page for work only an open referral takes: 409 saying why on a closed one."""
    if not referral.status.is_open:
        abort(409, f"This referral is {referral.status.label.lower()}, so {what}.")


def sent() -> bool:
    """Whether the form was sent (POST) rather than asked for (GET)."""
    return request.method == "POST"


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


class SentForm(TypedDict, total=False):
    """What a refused change shows again: the form sent (or the transition and its reason)."""

    open_transition: str | None
    reason: str | None
    contact_form: ContactAttemptForm | None
    note_form: NoteForm | None
    next_contact_form: NextContactForm | None


class PageArgs(SentForm, total=False):
    """The optional arguments of ``referral_page``, for views that pass them on."""

    problem: str | None
    problem_field: str | None


def show_referral(
    referral: Referral, status: int = 200, **page_args: Unpack[PageArgs]
) -> tuple[str, int]:
    """Every showing of a referral is audited, including after a refused change."""
    audit.record(current_user, "referral.view", "referral", referral.id)
    db.session.commit()
    return referral_page(referral, **page_args), status


def refused(
    referral_id: str, error: WorkflowError, **page_args: Unpack[SentForm]
) -> tuple[str, int]:
    """Show the page again with the reason the change was refused, on fresh data (the change
    was rolled back): at the field to blame when the form sent has it, else at the top."""
    db.session.rollback()
    referral = visible_or_404(referral_id)
    sent = (
        page_args.get("contact_form"),
        page_args.get("note_form"),
        page_args.get("next_contact_form"),
    )
    form = next((f for f in sent if f is not None), None)
    if form is not None and error.field and error.field in form:
        form[error.field].errors = [str(error)]
        return show_referral(referral, error.status, **page_args)
    return show_referral(
        referral, error.status, problem=str(error), problem_field=error.field, **page_args
    )


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


def _case_record(
    referral: Referral, note_form: NoteForm | None, next_contact_form: NextContactForm | None
) -> dict[str, object]:
    """What the case record sections show (staff only)."""
    if next_contact_form is None:
        next_contact_form = NextContactForm(formdata=None, next_contact_on=referral.next_contact_on)
        next_contact_form.version.data = referral.version
    now = utcnow()
    return {
        "note_threads": note_threads(referral.notes),
        "note_form": note_form or NoteForm(formdata=None),
        "note_editable": lambda note: note_is_editable(note, current_user, now),
        "next_contact": next_contact(referral),
        "next_contact_form": next_contact_form,
        "measures": measures_view(referral),
        "score_lines": score_lines,
        "short_date": short_date,
    }


def page_errors(
    problem: str | None,
    open_transition: str | None,
    sent: list[tuple[FlaskForm | None, str]],
) -> list[dict[str, str]]:
    """The error summary's lines: why a change was refused (linked to the transition's reason,
    or to the section of the form sent), then each field's problem, linked to the field."""
    anchor = next((section for form, section in sent if form is not None), "status-actions")
    if open_transition:
        anchor = f"{open_transition}-reason"
    errors = [{"text": problem, "href": f"#{anchor}"}] if problem else []
    for form, section in sent:
        if form is not None:
            errors += [{"text": text, "href": f"#{section}"} for text in form.form_errors]
            errors += [
                {"text": f.errors[0], "href": f"#{field_anchor(f)}"} for f in form if f.errors
            ]
    return errors


def referral_page(
    referral: Referral,
    problem: str | None = None,
    problem_field: str | None = None,
    open_transition: str | None = None,
    reason: str | None = None,
    contact_form: ContactAttemptForm | None = None,
    note_form: NoteForm | None = None,
    next_contact_form: NextContactForm | None = None,
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
    case = _case_record(referral, note_form, next_contact_form) if staff else {}
    sent = [
        (contact_form, "contact"),
        (note_form, "case-notes"),
        (next_contact_form, "next-contact"),
    ]
    return render_template(
        "referrals/show.html",
        referral=referral,
        staff=staff,
        is_link_worker=current_user.role is Role.LINK_WORKER,
        problem=problem,
        errors=page_errors(problem, open_transition, sent),
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
        nhs_number=spaced_nhs_number(referral.nhs_number),
        outcome_names=OUTCOME_NAMES,
        local_time=local_time,
        **case,
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
