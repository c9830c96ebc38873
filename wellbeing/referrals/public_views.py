"""Pages for the public: ask for help (self-referral) and check a referral's status."""

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts.models import Role
from wellbeing.extensions import db, limiter
from wellbeing.referrals.forms import SelfReferralForm, StatusCheckForm
from wellbeing.referrals.models import ReferralSource
from wellbeing.referrals.needs import need_groups
from wellbeing.referrals.queue import first_contact_target
from wellbeing.referrals.services import create_referral, find_by_reference_and_birth

bp = Blueprint("refer", __name__, template_folder="templates")
SESSION_KEY = "self_referral_reference"


def _resident():
    """The signed-in resident, whose account the referral is linked to; else nobody."""
    if current_user.is_authenticated and current_user.role is Role.RESIDENT:
        return current_user
    return None


def _not_sending() -> bool:
    return request.form.get("action") != "send"


def _sent(response: Response) -> bool:
    return response.status_code == 303


# Only sending counts, and only once it worked: checking or changing answers is never refused,
# even after the limit, so nothing typed is lost to it.
@bp.route("/refer", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["SELF_REFERRAL_RATE_LIMIT"],
    methods=["POST"],
    exempt_when=_not_sending,
    deduct_when=_sent,
)
def start() -> Response | str | tuple[str, int]:
    """The form, then 'check your answers', then send: nothing typed is lost on the way."""
    groups = need_groups()
    form = SelfReferralForm()
    form.need_ids.choices = [(group.id, group.name) for group in groups]
    if request.method == "GET" and _resident():
        form.email.data = _resident().email
    action = request.form.get("action", "check")
    if request.method == "GET" or action == "change":
        return render_template("referrals/refer.html", form=form, groups=groups)
    draft = form.draft(interpreter_needed=bool((form.language.data or "").strip()))
    if not form.check(draft):
        return render_template("referrals/refer.html", form=form, groups=groups), 422
    if action != "send":
        return render_template("referrals/refer_check.html", form=form, draft=draft)
    referral = create_referral(draft, _resident(), ReferralSource.SELF)
    db.session.commit()
    session[SESSION_KEY] = referral.reference
    return redirect(url_for("refer.confirmation"), 303)


@bp.get("/refer/confirmation")
def confirmation() -> Response | str:
    reference = session.get(SESSION_KEY)
    if reference is None:
        return redirect(url_for("refer.start"))
    return render_template(
        "referrals/refer_confirmation.html", reference=reference, days=first_contact_target()
    )


@bp.route("/referrals/status", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["STATUS_CHECK_RATE_LIMIT"], methods=["POST"])
def status_check() -> str | tuple[str, int]:
    """The current status only, given the reference and date of birth; the same 'not found'
    whether the reference does not exist or the date of birth is wrong."""
    form = StatusCheckForm()
    referral, checked = None, False
    if form.validate_on_submit():
        checked = True
        born = form.date_of_birth.data  # always a date here: the field is DataRequired
        referral = find_by_reference_and_birth(form.reference.data, born) if born else None
        audit.record(
            current_user,
            "referral.status_check" if referral else "referral.status_check_failed",
            "referral",
            referral.id if referral else None,
        )
        db.session.commit()
    status = 422 if request.method == "POST" and form.errors else 200
    return render_template(
        "referrals/status_check.html", form=form, referral=referral, checked=checked
    ), status
