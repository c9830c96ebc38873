"""Sign in and sign out."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from wellbeing.accounts.forms import SignInForm
from wellbeing.accounts.models import User
from wellbeing.accounts.services import authenticate
from wellbeing.extensions import csrf, db, limiter, login_manager
from wellbeing.security import local_path

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")

SIGN_IN_FAILED = "Enter a correct email address and password. Your account may also be disabled."


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def _safe_next(target: str | None) -> str:
    """Only same-site paths are followed after sign-in, never another host."""
    return local_path(target) or url_for("main.home")


def _failed_sign_in(response: Response) -> bool:
    return response.status_code != 303


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    methods=["POST"],
    deduct_when=_failed_sign_in,
)
def sign_in() -> Response | tuple[str, int] | str:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")), 303)
    form = SignInForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            db.session.commit()
            flash(f"Signed in as {user.name}", "success")
            return redirect(_safe_next(request.args.get("next")), 303)
        form.form_errors.append(SIGN_IN_FAILED)
    status = 422 if request.method == "POST" else 200
    return render_template("accounts/sign_in.html", form=form), status


# Signing someone out is harmless, so the header's sign-out button needs no CSRF token.
@bp.post("/sign-out")
@csrf.exempt
def sign_out() -> Response:
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("main.home"), 303)
