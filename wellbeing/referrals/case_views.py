"""The case record's pages under /referrals/<id>/, for link workers and admins: case notes, what
matters to me, the care and support plan, connections, the next contact and corrections to the
person's details (outcome measures and completing are ``outcome_views``').

Each action returns to its section of the referral page with the message there
(``page.after_change``); a refused one shows its form again with the problem at the field. The
rules are casework's and outcomes'; every page shown is audited as a view of the referral.
"""

from typing import Any

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from wellbeing.accounts.access import role_required
from wellbeing.extensions import db
from wellbeing.referrals import care_plan, casework, services
from wellbeing.referrals.case_forms import (
    ConnectForm,
    ConnectionOutcomeForm,
    GoalForm,
    GoalUpdateForm,
    NextContactForm,
    NoteForm,
    PersonCorrectionForm,
    ServiceSearchForm,
    WhatMattersForm,
)
from wellbeing.referrals.case_models import (
    CaseNote,
)
from wellbeing.referrals.case_record import long_date
from wellbeing.referrals.forms import (
    show_error,
)
from wellbeing.referrals.models import (
    Referral,
)
from wellbeing.referrals.needs import need_groups
from wellbeing.referrals.page import (
    after_change,
    form_page,
    refused,
    refused_on,
    require_open,
    sent,
    show_referral,
    visible_or_404,
)
from wellbeing.referrals.suggestions import Suggestions, search_services, service_choices
from wellbeing.referrals.workflow import STAFF, StaleReferral, WorkflowError

bp = Blueprint("casework", __name__, url_prefix="/referrals", template_folder="templates")
ANY = ["GET", "POST"]


# Case notes ------------------------------------------------------------------------------------


@bp.post("/<referral_id>/notes")
@role_required(*STAFF)
def add_note(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    form = NoteForm()
    try:
        casework.add_note(referral, current_user, form.case_note.data)
    except WorkflowError as error:
        return refused(referral_id, error, note_form=form)
    return after_change(referral, "Note added", "case-notes")


def _note_form(formdata: Any, label: str, text: str | None = None) -> NoteForm:
    form = NoteForm(formdata=formdata, case_note=text)
    form.case_note.label.text = label
    return form


def _note_or_404(referral: Referral, note_id: str) -> CaseNote:
    note = casework.find_note(referral, note_id)
    if note is None:
        abort(404)
    return note


@bp.route("/<referral_id>/notes/<note_id>/edit", methods=ANY)
@role_required(*STAFF)
def edit_note(referral_id: str, note_id: str) -> Response | tuple[str, int]:
    """The author's own note, for a day; after that (or someone else's) it is corrected."""
    referral = visible_or_404(referral_id)
    note = _note_or_404(referral, note_id)
    if not sent() and not casework.note_is_editable(note, current_user):
        return redirect(url_for("casework.correct_note", referral_id=referral.id, note_id=note.id))
    form = _note_form(request.form if sent() else None, "Note", note.text)
    status, editing = 200, True
    if sent():
        try:
            casework.edit_note(note, current_user, form.case_note.data)
        except WorkflowError as error:
            status = refused_on(form, error)
            # Too late to edit: what they wrote can be sent as a correction instead.
            editing = not isinstance(error, casework.NoteLocked)
        else:
            return after_change(referral, "Note updated", "case-notes")
    if not editing:
        form.case_note.label.text = "Correction"
    return form_page(
        "referrals/case_note.html", referral, status, form=form, note=note, edit=editing
    )


@bp.route("/<referral_id>/notes/<note_id>/correct", methods=ANY)
@role_required(*STAFF)
def correct_note(referral_id: str, note_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    note = _note_or_404(referral, note_id)
    form = _note_form(request.form if sent() else None, "Correction")
    status = 200
    if sent():
        try:
            casework.add_note(referral, current_user, form.case_note.data, corrects=note)
        except WorkflowError as error:
            status = refused_on(form, error)
        else:
            return after_change(referral, "Correction added", "case-notes")
    return form_page("referrals/case_note.html", referral, status, form=form, note=note)


# The next contact ------------------------------------------------------------------------------


@bp.post("/<referral_id>/next-contact")
@role_required(*STAFF)
def next_contact(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    form = NextContactForm()
    form.validate()
    if form.version.errors:
        abort(400)  # the hidden version, never typed
    on = None if request.form.get("action") == "clear" else form.next_contact_on.data
    if on is None and request.form.get("action") != "clear":
        if not form.next_contact_on.errors:
            form.next_contact_on.errors = ["Enter the next contact date, or clear it"]
        return show_referral(referral, 422, next_contact_form=form)
    try:
        casework.set_next_contact(referral, current_user, on, form.version.data)
    except WorkflowError as error:
        return refused(referral_id, error, next_contact_form=form)
    message = f"Next contact: {long_date(on)}" if on else "Next contact date cleared"
    return after_change(referral, message, "next-contact")


# What matters to me ----------------------------------------------------------------------------


def _what_matters_form(referral: Referral, formdata: Any) -> WhatMattersForm:
    form = WhatMattersForm(
        formdata=formdata,
        what_matters_to_me=referral.what_matters_to_me,
        strengths=referral.strengths,
        barriers=referral.barriers,
        need_ids=[term.id for term in referral.needs],
        version=referral.version,
    )
    return form


@bp.route("/<referral_id>/what-matters", methods=ANY)
@role_required(*STAFF)
def what_matters(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    require_open(referral, "its record of what matters is closed")
    form = _what_matters_form(referral, request.form if sent() else None)
    status = 200
    if sent():
        if not form.validate():
            abort(400)  # only the hidden version can fail here
        try:
            casework.record_what_matters(
                referral,
                current_user,
                in_their_words=form.what_matters_to_me.data,
                strengths=form.strengths.data,
                barriers=form.barriers.data,
                need_ids=form.need_ids.data or [],
                expected_version=form.version.data,
            )
        except StaleReferral as error:
            db.session.rollback()
            form = _what_matters_form(referral, None)  # what is there now
            show_error(form, None, str(error))
            status = error.status
        except WorkflowError as error:
            status = refused_on(form, error)
        else:
            return after_change(referral, "What matters to them is updated", "what-matters")
    return form_page(
        "referrals/case_what_matters.html", referral, status, form=form, groups=need_groups()
    )


# The care and support plan ---------------------------------------------------------------------


@bp.route("/<referral_id>/goals/new", methods=ANY)
@role_required(*STAFF)
def add_goal(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    require_open(referral, "no goals can be added")
    form = GoalForm(formdata=request.form if sent() else None)
    status = 200
    if sent():
        status = 422
        if form.validate():
            try:
                goal = care_plan.add_goal(
                    referral, current_user, form.goal.data, form.target_date.data
                )
            except WorkflowError as error:
                status = refused_on(form, error)
            else:
                return after_change(referral, f"Goal added: {goal.text}", "care-plan")
    return form_page("referrals/case_goal.html", referral, status, form=form, goal=None)


@bp.route("/<referral_id>/goals/<goal_id>", methods=ANY)
@role_required(*STAFF)
def change_goal(referral_id: str, goal_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    goal = care_plan.find_goal(referral, goal_id)
    if goal is None:
        abort(404)
    require_open(referral, "its plan is closed")
    form = GoalUpdateForm(
        formdata=request.form if sent() else None,
        goal=goal.text,
        target_date=goal.target_date,
        status=goal.status.value,
    )
    status = 200
    if sent():
        status = 422
        if form.validate():
            try:
                care_plan.update_goal(
                    goal, current_user, form.status.data, form.goal.data, form.target_date.data
                )
            except WorkflowError as error:
                status = refused_on(form, error)
            else:
                message = f"Goal {goal.status.label.lower()}: {goal.text}"
                return after_change(referral, message, "care-plan")
    return form_page("referrals/case_goal.html", referral, status, form=form, goal=goal)


@bp.get("/<referral_id>/plan")
@role_required(*STAFF)
def plan(referral_id: str) -> tuple[str, int]:
    """The care and support plan to print or share with the person: nothing private on it."""
    referral = visible_or_404(referral_id)
    on = referral.next_contact_on
    return form_page(
        "referrals/plan_print.html",
        referral,
        next_contact=long_date(on) if on else None,
        printed=long_date(casework.today()),
    )


# Connections to services -----------------------------------------------------------------------


def _service_choices(referral: Referral, search: ServiceSearchForm, chosen: str | None) -> Any:
    """The services to choose from: what the search found (with distances from the person's
    postcode), else those the referrer suggested; a service already chosen stays."""
    found = Suggestions()
    if search.q.data and search.validate():
        found = search_services(search.q.data, referral.postcode)
    kept = [chosen] if chosen else []
    if not search.q.data:
        kept += [service.id for service in referral.suggested_services]
    return service_choices(kept, found), found


@bp.route("/<referral_id>/connections/new", methods=ANY)
@role_required(*STAFF)
def connect(referral_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    require_open(referral, "no new connections can be made")
    search = ServiceSearchForm(formdata=request.values)
    form = ConnectForm(formdata=request.form if sent() else None)
    status = 200
    if sent():
        status = 422
        if form.validate():
            try:
                connection = casework.connect(
                    referral, current_user, form.service_id.data, form.connection_note.data
                )
            except WorkflowError as error:
                status = refused_on(form, error)
            else:
                message = f"Connected to {connection.service_name}"
                return after_change(referral, message, "connections")
    form.service_id.choices, found = _service_choices(referral, search, form.service_id.data)
    return form_page(
        "referrals/case_connect.html", referral, status, form=form, search=search, found=found
    )


@bp.route("/<referral_id>/connections/<connection_id>/outcome", methods=ANY)
@role_required(*STAFF)
def connection_outcome(referral_id: str, connection_id: str) -> Response | tuple[str, int]:
    referral = visible_or_404(referral_id)
    connection = casework.find_connection(referral, connection_id)
    if connection is None:
        abort(404)
    form = ConnectionOutcomeForm(
        formdata=request.form if sent() else None,
        outcome=connection.outcome.value if connection.outcome else None,
        outcome_reason=connection.reason,
    )
    status = 200
    if sent():
        status = 422
        if form.validate():
            try:
                casework.record_connection_outcome(
                    connection, current_user, form.outcome.data, form.outcome_reason.data
                )
            except WorkflowError as error:
                status = refused_on(form, error)
            else:
                message = f"Outcome recorded for {connection.service_name}"
                return after_change(referral, message, "connections")
    return form_page(
        "referrals/case_connection.html", referral, status, form=form, connection=connection
    )


# The person's details --------------------------------------------------------------------------


def _person_form(referral: Referral, formdata: Any) -> PersonCorrectionForm:
    return PersonCorrectionForm(
        formdata=formdata,
        obj=referral,
        preferred_contact=(referral.preferred_contact or ""),
    )


@bp.route("/<referral_id>/person", methods=ANY)
@role_required(*STAFF)
def correct_person(referral_id: str) -> Response | tuple[str, int]:
    """Put right the person's details, checked as when the referral was made."""
    referral = visible_or_404(referral_id)
    form = _person_form(referral, request.form if sent() else None)
    status = 200
    if sent():
        form.validate()
        if form.version.errors:
            abort(400)
        try:
            changed = services.correct_person(
                referral, current_user, form.changes(), form.version.data
            )
        except services.ReferralInvalid as error:
            db.session.rollback()
            form.add_errors(error.errors)
            status = 422
        except StaleReferral as error:
            db.session.rollback()
            form = _person_form(referral, None)  # what is there now
            show_error(form, None, str(error))
            status = error.status
        except WorkflowError as error:
            status = refused_on(form, error)
        else:
            labels = ", ".join(services.PERSON_FIELD_LABELS[name] for name in changed)
            message = f"Corrected {labels}" if changed else "Nothing was changed"
            return after_change(referral, message, "person")
    return form_page("referrals/person_edit.html", referral, status, form=form)
