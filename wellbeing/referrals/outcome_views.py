"""What came of a case, under /referrals/<id>/: outcome measures and completing the case (link
workers and admins), and the message back to the referrer (the referrer too).

The rules are ``outcomes``' and ``workflow``'s; every page shown is audited."""

from flask import Blueprint, abort, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from wellbeing.accounts.access import role_required
from wellbeing.accounts.models import Role
from wellbeing.extensions import db
from wellbeing.referrals.case_forms import (
    CompleteForm,
    MeasureForm,
    measure_form,
)
from wellbeing.referrals.case_models import (
    Instrument,
    MeasureStage,
)
from wellbeing.referrals.case_record import (
    change_view,
    draft_summary,
    score_lines,
    short_date,
    spaced_nhs_number,
)
from wellbeing.referrals.casework import today
from wellbeing.referrals.measures import INSTRUMENTS
from wellbeing.referrals.models import (
    Referral,
    ReferralStatus,
)
from wellbeing.referrals.outcomes import (
    measure_summaries,
    message_back,
    record_measure,
    record_summary_read,
)
from wellbeing.referrals.page import (
    after_change,
    form_page,
    refused_on,
    sent,
    visible_or_404,
)
from wellbeing.referrals.workflow import STAFF, WorkflowError, allowed_transitions, transition

bp = Blueprint("outcomes", __name__, url_prefix="/referrals", template_folder="templates")


def _new_measure_form(referral: Referral, instrument: Instrument) -> MeasureForm:
    """Today, and the stage that comes next: a baseline first, then reviews; a follow-up once
    the case is closed."""
    has_baseline = any(
        x.instrument is instrument and x.stage is MeasureStage.BASELINE for x in referral.measures
    )
    stage = MeasureStage.REVIEW if has_baseline else MeasureStage.BASELINE
    if not referral.status.is_open:
        stage = MeasureStage.FOLLOW_UP
    return measure_form(instrument, formdata=None, stage=stage.value, taken_on=today())


@bp.route("/<referral_id>/measures/<instrument>/new", methods=["GET", "POST"])
@role_required(*STAFF)
def record(referral_id: str, instrument: str) -> Response | tuple[str, int]:
    """One ONS4 or SWEMWBS questionnaire: a question per item, each checked where it is."""
    referral = visible_or_404(referral_id)
    if instrument not in {i.value for i in Instrument}:
        abort(404)
    chosen = Instrument(instrument)
    form = measure_form(chosen) if sent() else _new_measure_form(referral, chosen)
    status = 200
    if sent():
        status = 422
        if form.validate():
            try:
                measure = record_measure(
                    referral,
                    current_user,
                    chosen,
                    form.stage.data,
                    form.answers(),
                    form.taken_on.data,
                )
            except WorkflowError as error:
                status = refused_on(form, error)
            else:
                message = f"{INSTRUMENTS[chosen].name} {measure.stage.label.lower()} recorded"
                return after_change(referral, message, "outcome-measures")
    return form_page(
        "referrals/measure_new.html", referral, status, form=form, spec=INSTRUMENTS[chosen]
    )


@bp.route("/<referral_id>/complete", methods=["GET", "POST"])
@role_required(*STAFF)
def complete(referral_id: str) -> Response | tuple[str, int]:
    """Completing needs an outcome summary: it starts as a draft from the record to edit."""
    referral = visible_or_404(referral_id)
    if ReferralStatus.COMPLETED not in [
        to for to, _ in allowed_transitions(referral, current_user)
    ]:
        abort(409, f"A referral that is {referral.status.label.lower()} cannot be completed.")
    form = CompleteForm(formdata=request.form if sent() else None)
    status = 200
    if not sent():
        form.summary.data = draft_summary(referral)
    elif not form.validate():
        abort(400)  # only the hidden version can fail here
    else:
        try:
            transition(
                referral,
                ReferralStatus.COMPLETED,
                current_user,
                expected_version=form.version.data,
                summary=form.summary.data,
            )
        except WorkflowError as error:
            status = refused_on(form, error)
        else:
            message = (
                f"Referral {referral.reference} is completed. The referrer can now read the "
                "outcome summary."
            )
            return after_change(referral, message)
    return form_page("referrals/complete.html", referral, status, form=form)


@bp.get("/<referral_id>/summary")
@role_required(Role.REFERRER, *STAFF)
def summary(referral_id: str) -> tuple[str, int]:
    """The message back to the referrer: what was done and what changed, without case notes,
    answers or reasons. Printable."""
    referral = visible_or_404(referral_id)
    message = message_back(referral)
    if message is None:
        abort(404, "There is no outcome summary yet: it is written when the case is completed.")
    record_summary_read(current_user, referral)
    db.session.commit()
    staff = current_user.role in STAFF
    page = render_template(
        "referrals/summary.html",
        referral=referral,
        message=message,
        nhs_number=spaced_nhs_number(referral.nhs_number),
        # Staff see the answers; a referrer, ONS4 in bands (its item scores are the answers).
        measures=[(s, change_view(s, answers=staff)) for s in measure_summaries(referral)],
        score_lines=lambda measure: score_lines(measure, answers=staff),
        short_date=short_date,
    )
    return page, 200
