"""Sign in and sign out."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from wellbeing.accounts import sign_in_limits
from wellbeing.accounts.forms import SignInForm
from wellbeing.accounts.models import Role, User
from wellbeing.accounts.services import authenticate
from wellbeing.accounts.sessions import check_session, end_sessions, start_session
from wellbeing.extensions import db
from wellbeing.security import local_path

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")
bp.before_app_request(check_session)

SIGN_IN_FAILED = "Enter a correct email address and password. Your account may also be disabled."

Page = Response | tuple[str, int] | tuple[str, int, dict[str, str]] | str


# Where each role lands after signing in when no page asked for it. Endpoint names, so that
# accounts imports no other domain; a role not listed (residents, providers) lands on the home page.
LANDING = {
    Role.LINK_WORKER: "referrals.caseload",
    Role.REFERRER: "referrals.mine",
    Role.ADMIN: "admin.home",
    Role.COMMISSIONER: "reports.index",
}


def _next_page(user: User, target: str | None) -> str:
    """The page asked for, if it is on this site (never another host), else the role's own."""
    return local_path(target) or url_for(LANDING.get(user.role, "main.home"))


def _sign_in_page(form: SignInForm, status: int, headers: dict[str, str] | None = None) -> Page:
    return render_template("accounts/sign_in.html", form=form), status, headers or {}


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in() -> Page:
    if current_user.is_authenticated:
        return redirect(_next_page(current_user, request.args.get("next")), 303)
    form = SignInForm()
    if not form.validate_on_submit():
        return _sign_in_page(form, 422 if request.method == "POST" else 200)
    email = form.email.data
    refusal = sign_in_limits.account_refusal(email)
    user = authenticate(email, form.password.data) if refusal is None else None
    if user is not None:
        start_session(user)
        db.session.commit()
        flash(f"Signed in as {user.name}", "success")
        return redirect(_next_page(user, request.args.get("next")), 303)
    refusal = refusal or sign_in_limits.count_failure(email)
    if refusal is not None:
        form.form_errors.append(refusal.message)
        return _sign_in_page(form, 429, {"Retry-After": str(refusal.retry_after)})
    form.form_errors.append(SIGN_IN_FAILED)
    return _sign_in_page(form, 422)


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign out on every browser: a copy of this session's cookie stops working too."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    flash("You have signed out", "success")
    return redirect(url_for("main.home"), 303)
