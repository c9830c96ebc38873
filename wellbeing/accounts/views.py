"""Signing in (with a two-factor code for staff who have one) and out; passwords: forgotten,
set from an emailed link, changed; two-factor set-up."""

import hashlib
import hmac

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from wellbeing import audit
from wellbeing.accounts import one_time, sign_in_limits, two_factor
from wellbeing.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    ConfirmForm,
    ForgottenPasswordForm,
    SetPasswordForm,
    SignInForm,
)
from wellbeing.accounts.models import (
    AccountToken,
    AccountTokenPurpose,
    Role,
    User,
    normalise_email,
)
from wellbeing.accounts.services import authenticate, request_password_reset, set_new_password
from wellbeing.accounts.sessions import (
    check_session,
    count_wrong_code_this_sign_in,
    end_pending_sign_in,
    end_sessions,
    pending_sign_in,
    renew_session,
    require_two_factor_set_up,
    start_pending_sign_in,
    start_session,
)
from wellbeing.extensions import db, limiter
from wellbeing.security import local_path

bp = Blueprint("accounts", __name__, url_prefix="/account", template_folder="templates")
bp.before_app_request(check_session)
bp.before_app_request(require_two_factor_set_up)

SIGN_IN_FAILED = "Enter a correct email address and password. Your account may also be disabled."
WRONG_CODE = "The code is not right. Enter the latest code from your authenticator app"
WRONG_RECOVERY_CODE = "The recovery code is not right, or it has been used. Check it and try again"
TOO_MANY_CODES_THIS_TIME = "You entered a wrong code too many times. Sign in again"
TOO_MANY_CODES = "There have been too many wrong codes. Sign in again in {wait}"
TOO_MANY_CODES_SIGNED_IN = "There have been too many wrong codes. Try again in {wait}"
WRONG_CURRENT_PASSWORD = "Your current password is not right"  # noqa: S105 - a message

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


def _continue_sign_in(user: User, target: str | None, news: str | None = None) -> Response:
    """Signed in now; or, when the account has two-factor sign-in, once its code is given.
    ``news`` is said first (on the code page, if there is one)."""
    if two_factor.enabled(user):
        start_pending_sign_in(user, local_path(target))
        if news:
            flash(news, "success")
        return redirect(url_for("accounts.sign_in_code"), 303)
    start_session(user)
    flash(f"{news} and you are signed in" if news else f"Signed in as {user.name}", "success")
    return redirect(_next_page(user, target), 303)


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
        page = _continue_sign_in(user, request.args.get("next"))
        db.session.commit()
        return page
    refusal = refusal or sign_in_limits.count_failure(email)
    if refusal is not None:
        form.form_errors.append(refusal.message)
        return _sign_in_page(form, 429, {"Retry-After": str(refusal.retry_after)})
    form.form_errors.append(SIGN_IN_FAILED)
    return _sign_in_page(form, 422)


@bp.route("/sign-in/code", methods=["GET", "POST"])
def sign_in_code() -> Page:
    """The second step: a code from the authenticator app, or a recovery code."""
    pending = pending_sign_in()
    if pending is None:
        flash("Sign in with your email address and password to continue", "info")
        return redirect(url_for("accounts.sign_in"), 303)
    user, target = pending
    recovery = request.args.get("recovery") == "1"
    form = CodeForm(recovery=recovery)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("accounts/sign_in_code.html", form=form, recovery=recovery), status
    wait = two_factor.wait_before_next_code(user)
    if wait is None and two_factor.accept_app_code(user, form.code.data):
        return _signed_in_with_code(user, target, recovery_codes_left=None)
    if wait is None and two_factor.accept_recovery_code(user, form.code.data):
        return _signed_in_with_code(user, target, two_factor.recovery_codes_left(user))
    wait = wait or two_factor.count_wrong_code(user)
    if wait is not None or count_wrong_code_this_sign_in():
        return _too_many_wrong_codes(user, wait)
    form.code.errors.append(WRONG_RECOVERY_CODE if recovery else WRONG_CODE)
    return render_template("accounts/sign_in_code.html", form=form, recovery=recovery), 422


def _too_many_wrong_codes(user: User, wait: int | None) -> Page:
    """Back to the password, and, when the account has used up its limit, a wait."""
    end_pending_sign_in()
    audit.record(None, "user.2fa_too_many_wrong_codes", "user", str(user.id))
    db.session.commit()
    form = SignInForm(formdata=None)
    if wait is None:
        form.form_errors.append(TOO_MANY_CODES_THIS_TIME)
        return _sign_in_page(form, 429)
    form.form_errors.append(TOO_MANY_CODES.format(wait=two_factor.in_minutes(wait)))
    return _sign_in_page(form, 429, {"Retry-After": str(wait)})


def _signed_in_with_code(user: User, target: str | None, recovery_codes_left: int | None) -> Page:
    start_session(user)
    if recovery_codes_left is not None:
        detail = {"recovery_codes_left": recovery_codes_left}
        audit.record(user, "user.2fa_recovery_code_used", "user", str(user.id), detail)
    db.session.commit()
    flash(f"Signed in as {user.name}", "success")
    if recovery_codes_left is not None and recovery_codes_left <= 3:
        codes = "code" if recovery_codes_left == 1 else "codes"
        flash(
            f"You have {recovery_codes_left} recovery {codes} left. "
            "You can make new ones on your account page",
            "info",
        )
    return redirect(_next_page(user, target), 303)


@bp.post("/sign-out")
def sign_out() -> Response:
    """Sign out on every browser: a copy of this session's cookie stops working too."""
    if current_user.is_authenticated:
        end_sessions(current_user)
        db.session.commit()
    end_pending_sign_in()
    flash("You have signed out", "success")
    return redirect(url_for("main.home"), 303)


# Passwords -----------------------------------------------------------------------------------


def _reset_limit() -> str:
    return current_app.config["WELLBEING_RESET_RATE_LIMIT"]


def _email_typed() -> str:
    """The limiter's key for the email asked about: a keyed digest, so no address is stored."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    email = normalise_email(request.form.get("email", ""))
    return "reset:" + hmac.new(secret, email.encode(), hashlib.sha256).hexdigest()


@bp.route("/forgotten-password", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_limit, methods=["POST"], key_func=_email_typed)
def forgotten_password() -> Page:
    """Email a reset link; the same answer whether or not the email has an account."""
    form = ForgottenPasswordForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("accounts/forgotten_password.html", form=form), status
    user = request_password_reset(form.email.data)
    subject = str(user.id) if user is not None else None
    audit.record(current_user, "user.password_reset_request", "user", subject)
    db.session.commit()
    return redirect(url_for("accounts.reset_link_sent"), 303)


@bp.get("/forgotten-password/sent")
def reset_link_sent() -> str:
    return render_template("accounts/reset_link_sent.html")


# The emailed link's token, once checked, is kept here so that no later address carries it.
LINK = "_account_link"
LINK_ACTIONS = {
    AccountTokenPurpose.RESET: "user.password_reset",
    AccountTokenPurpose.INVITE: "user.invite_accept",
}


@bp.route("/reset", methods=["GET", "POST"], defaults={"token": None})
@bp.get("/reset/<token>")
def reset_password(token: str | None) -> Page:
    """Choose a new password, from the link "Forgotten your password?" emailed."""
    return _set_password(AccountTokenPurpose.RESET, token)


@bp.route("/invite", methods=["GET", "POST"], defaults={"token": None})
@bp.get("/invite/<token>")
def accept_invite(token: str | None) -> Page:
    """Set a password for a new account, from the emailed invitation."""
    return _set_password(AccountTokenPurpose.INVITE, token)


def _keep_token_out_of_access_log() -> None:
    """gunicorn writes the access log's path from this request's WSGI environ once the response
    is sent: the token, as good as a password until used, must not be in it."""
    redacted = request.path.rpartition("/")[0] + "/-"
    for key in ("PATH_INFO", "RAW_URI", "REQUEST_URI"):
        if key in request.environ:
            request.environ[key] = redacted


def _set_password(purpose: AccountTokenPurpose, token: str | None) -> Page:
    if token is not None:
        _keep_token_out_of_access_log()
        if one_time.find(token, purpose) is None:
            return _link_not_working(purpose)
        session[LINK] = {"purpose": purpose.value, "token": token}
        return redirect(url_for(one_time.ENDPOINTS[purpose]), 303)
    row = _followed_link(purpose)
    if row is None:
        return _link_not_working(purpose)
    user = row.user
    form = SetPasswordForm(account=user)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        page = render_template(
            "accounts/set_password.html", form=form, purpose=purpose.value, user=user
        )
        return page, status
    if not one_time.spend(row):
        return _link_not_working(purpose)
    session.pop(LINK, None)
    set_new_password(user, form.password.data)  # which ends every session the user has
    audit.record(user, LINK_ACTIONS[purpose], "user", str(user.id))
    response = _continue_sign_in(user, None, news="Your password has been set")
    db.session.commit()
    return response


def _followed_link(purpose: AccountTokenPurpose) -> AccountToken | None:
    """The live token of the link this browser followed, kept in its session; else None."""
    link = session.get(LINK)
    if isinstance(link, dict) and link.get("purpose") == purpose.value:
        row = one_time.find(str(link.get("token", "")), purpose)
        if row is not None:
            return row
    session.pop(LINK, None)
    return None


def _link_not_working(purpose: AccountTokenPurpose) -> Page:
    page = render_template("accounts/link_not_working.html", purpose=purpose.value)
    return page, 410


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password() -> Page:
    """A new password for the signed-in user, given their current one; other sessions end."""
    user: User = current_user._get_current_object()
    form = ChangePasswordForm(account=user)
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        refusal = sign_in_limits.account_refusal(user.email)
        if refusal is None and user.check_password(form.current_password.data):
            set_new_password(user, form.password.data)  # which ends every session...
            renew_session(user)  # ...but this one
            audit.record(user, "user.password_change", "user", str(user.id))
            db.session.commit()
            flash("Your password has been changed. You are signed out on other devices", "success")
            return redirect(url_for("accounts.account"), 303)
        refusal = refusal or sign_in_limits.count_failure(user.email)
        form.current_password.errors.append(refusal.message if refusal else WRONG_CURRENT_PASSWORD)
        status = 429 if refusal else 422
    return render_template("accounts/change_password.html", form=form), status


@bp.get("")
@login_required
def account() -> str:
    """The signed-in user's account: their details, password and two-factor sign-in."""
    user = current_user
    return render_template(
        "accounts/account.html",
        two_factor_applies=two_factor.applies_to(user),
        two_factor_on=two_factor.enabled(user),
        recovery_codes_left=two_factor.recovery_codes_left(user),
    )


# Two-factor sign-in --------------------------------------------------------------------------


@bp.route("/two-factor", methods=["GET", "POST"], endpoint="two_factor")
@login_required
def two_factor_page() -> Page:
    """Set up an authenticator app: scan the QR code, enter a first code, keep recovery codes.
    Once it is on: new recovery codes, given a code from the app."""
    user: User = current_user._get_current_object()
    if not (two_factor.applies_to(user) or two_factor.enabled(user)):
        return redirect(url_for("accounts.account"), 303)
    form = CodeForm()
    if two_factor.enabled(user):
        return _new_recovery_codes(user, form)
    two_factor.start_set_up(user)
    if form.validate_on_submit():
        codes = two_factor.confirm(user, form.code.data)
        if codes is not None:
            audit.record(user, "user.2fa_enable", "user", str(user.id))
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes, form=ConfirmForm())
        form.code.errors.append(WRONG_CODE)
    db.session.commit()  # the secret, kept until set-up is confirmed
    page = render_template(
        "accounts/two_factor_set_up.html",
        form=form,
        secret=user.totp_secret,
        qr_code=two_factor.qr_code_svg(user),
        uri=two_factor.provisioning_uri(user),
    )
    return page, 422 if request.method == "POST" else 200


def _new_recovery_codes(user: User, form: CodeForm) -> Page:
    """Ten new recovery codes (the old ones stop working), given a code from the app."""
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        left = two_factor.recovery_codes_left(user)
        return render_template("accounts/two_factor_on.html", form=form, left=left), status
    wait = two_factor.wait_before_next_code(user)
    if wait is None and two_factor.accept_app_code(user, form.code.data):
        codes = two_factor.new_recovery_codes(user)
        audit.record(user, "user.2fa_recovery_codes_new", "user", str(user.id))
        db.session.commit()
        return render_template("accounts/recovery_codes.html", codes=codes, form=ConfirmForm())
    wait = wait or two_factor.count_wrong_code(user)
    wait_text = two_factor.in_minutes(wait) if wait else ""
    form.code.errors.append(TOO_MANY_CODES_SIGNED_IN.format(wait=wait_text) if wait else WRONG_CODE)
    left = two_factor.recovery_codes_left(user)
    page = render_template("accounts/two_factor_on.html", form=form, left=left)
    return page, 429 if wait else 422


@bp.post("/two-factor/saved")
@login_required
def recovery_codes_saved() -> Response:
    """The person says they have kept their recovery codes: on to their own page."""
    flash("Two-factor sign-in is on. You will need your authenticator app each time", "success")
    return redirect(_next_page(current_user, None), 303)
