"""People's accounts, for administrators: find them, invite someone, and change an account (role
and organisation, disable or enable, revoke API tokens, send the invitation again).

The rules are in ``accounts.management``; a change it refuses is shown at the part of the page
to blame, with an error summary. Every change is audited there and committed here, once.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, or_
from werkzeug.wrappers import Response

from wellbeing.accounts import management
from wellbeing.accounts.access import role_required
from wellbeing.accounts.management import AccountChangeRefused
from wellbeing.accounts.models import AccountTokenPurpose, Role, User
from wellbeing.accounts.one_time import LIFETIMES
from wellbeing.admin.audit_query import describe
from wellbeing.admin.blueprint import PER_PAGE, bp
from wellbeing.admin.forms import AccountForm, InviteForm, UserSearchForm, role_items
from wellbeing.audit import AuditEvent
from wellbeing.extensions import db
from wellbeing.query_args import page_number_or_first

# A user id in a path: larger is no account of ours (and no database integer).
USER_ID = "<int(max=2147483647):user_id>"
INVITE_HOURS = int(LIFETIMES[AccountTokenPurpose.INVITE].total_seconds() // 3600)
RECENT_CHANGES = 10


def _like_contains(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def organisation_choices() -> list[tuple[str, str]]:
    """Every organisation an account belongs to, for the filter's list."""
    names = db.session.execute(
        db.select(User.organisation)
        .where(User.organisation.is_not(None))
        .distinct()
        .order_by(User.organisation)
    ).scalars()
    return [("", "Any organisation"), *((name, name) for name in names if name)]


def users_query(form: UserSearchForm) -> Select[User]:
    """The accounts the search and filters select, by name."""
    query = db.select(User).order_by(func.lower(User.name), User.id)
    text = (form.q.data or "").strip()
    if text:
        pattern = _like_contains(text)
        query = query.where(
            or_(
                func.lower(User.name).like(pattern, escape="\\"),
                User.email.like(pattern, escape="\\"),
            )
        )
    if form.role.data:
        query = query.where(User.role == Role(form.role.data))
    if form.organisation.data:
        query = query.where(User.organisation == form.organisation.data)
    if form.active.data:
        query = query.where(User.active.is_(form.active.data == "yes"))
    return query


@bp.get("/users")
@role_required(Role.ADMIN)
def users() -> tuple[str, int]:
    """Every account, found by name or email and filtered by role, organisation and status."""
    form = UserSearchForm(formdata=request.args)
    form.organisation.choices = organisation_choices()
    filter_args = {field.name: field.data for field in form if field.data}
    if not form.validate():
        return render_template("admin/users.html", form=form, filter_args=filter_args), 422
    page = db.paginate(
        users_query(form),
        page=page_number_or_first(request.args),
        per_page=PER_PAGE,
        error_out=False,
    )
    html = render_template("admin/users.html", form=form, filter_args=filter_args, page=page)
    return html, 200


@bp.route("/users/invite", methods=["GET", "POST"])
@role_required(Role.ADMIN)
def invite() -> Response | tuple[str, int]:
    """Give someone an account: they are emailed a link to set their own password."""
    form = InviteForm()
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            try:
                user = management.invite_user(
                    form.email.data or "",
                    form.name.data or "",
                    Role(form.role.data),
                    form.organisation.data,
                    current_user,
                )
            except AccountChangeRefused as error:
                db.session.rollback()
                _show_error(form, error)
            else:
                db.session.commit()
                flash(
                    f"Invitation sent to {user.name}. The link in it works for "
                    f"{INVITE_HOURS} hours.",
                    "success",
                )
                return redirect(url_for("admin.user", user_id=user.id), 303)
    html = render_template(
        "admin/invite.html", form=form, role_items=role_items(form.role), hours=INVITE_HOURS
    )
    return html, status


def _show_error(form: InviteForm | AccountForm, error: AccountChangeRefused) -> None:
    if error.field and error.field in form:
        form[error.field].errors = [error.message]
    else:
        form.form_errors.append(error.message)


def _account(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


def _fresh_form(user: User) -> AccountForm:
    """The role and organisation form as the account is now."""
    now = {"role": user.role.value, "organisation": user.organisation or ""}
    return AccountForm(
        formdata=None, **now, role_was=now["role"], organisation_was=now["organisation"]
    )


def _user_page(
    user: User,
    form: AccountForm | None = None,
    problem: AccountChangeRefused | None = None,
    status: int = 200,
) -> tuple[str, int]:
    form = form or _fresh_form(user)
    changes = db.session.execute(
        db.select(AuditEvent)
        .where(AuditEvent.subject_type == "user", AuditEvent.subject_id == str(user.id))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(RECENT_CHANGES)
    ).scalars()
    html = render_template(
        "admin/user.html",
        user=user,
        form=form,
        role_items=role_items(form.role),
        problem=problem,
        tokens=management.live_token_count(user),
        can_resend=management.can_resend_invite(user),
        is_self=user.id == current_user.id,
        changes=describe(list(changes)),
        hours=INVITE_HOURS,
    )
    return html, status


@bp.get(f"/users/{USER_ID}")
@role_required(Role.ADMIN)
def user(user_id: int) -> tuple[str, int]:
    """One account: its details, what can be changed, and its latest changes."""
    return _user_page(_account(user_id))


@bp.post(f"/users/{USER_ID}/account")
@role_required(Role.ADMIN)
def change_account(user_id: int) -> Response | tuple[str, int]:
    """Change the role and organisation, unless someone else changed them since the page was
    shown: then the page shows them as they are now, to be changed again knowingly."""
    user = _account(user_id)
    form = AccountForm()
    if not form.validate():
        return _user_page(user, form, status=422)
    if (form.role_was.data, form.organisation_was.data) != (
        user.role.value,
        user.organisation or "",
    ):
        form = _fresh_form(user)
        form.form_errors.append(
            "Someone else changed this account's role or organisation while you were looking. "
            "Check them as they are now, then make your change again."
        )
        return _user_page(user, form, status=409)
    try:
        changed = management.change_role_and_organisation(
            user, Role(form.role.data), form.organisation.data, current_user
        )
    except AccountChangeRefused as error:
        db.session.rollback()
        _show_error(form, error)
        return _user_page(user, form, status=409)
    return _done(user, "Role and organisation saved" if changed else "Nothing was changed")


def _done(user: User, message: str) -> Response:
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("admin.user", user_id=user.id), 303)


def _refused(user: User, error: AccountChangeRefused) -> tuple[str, int]:
    db.session.rollback()
    return _user_page(user, problem=error, status=409)


def _tokens(count: int) -> str:
    return f"{count} API token{'' if count == 1 else 's'}"


@bp.post(f"/users/{USER_ID}/disable")
@role_required(Role.ADMIN)
def disable(user_id: int) -> Response | tuple[str, int]:
    """Disable the account: signed out everywhere, its API tokens revoked."""
    user = _account(user_id)
    try:
        revoked = management.disable(user, current_user)
    except AccountChangeRefused as error:
        return _refused(user, error)
    return _done(
        user,
        f"Account disabled: {user.name} is signed out everywhere and {_tokens(revoked)} revoked",
    )


@bp.post(f"/users/{USER_ID}/enable")
@role_required(Role.ADMIN)
def enable(user_id: int) -> Response:
    """Let the account sign in again."""
    user = _account(user_id)
    management.enable(user, current_user)
    return _done(user, f"Account enabled: {user.name} can sign in again")


@bp.post(f"/users/{USER_ID}/revoke-tokens")
@role_required(Role.ADMIN)
def revoke_tokens(user_id: int) -> Response:
    """Revoke every API token of the account."""
    user = _account(user_id)
    revoked = management.revoke_tokens(user, current_user)
    return _done(user, f"Revoked {_tokens(revoked)}")


@bp.post(f"/users/{USER_ID}/resend-invite")
@role_required(Role.ADMIN)
def resend_invite(user_id: int) -> Response | tuple[str, int]:
    """Send the invitation again, with a new link (earlier links stop working)."""
    user = _account(user_id)
    try:
        management.resend_invite(user, current_user)
    except AccountChangeRefused as error:
        return _refused(user, error)
    return _done(
        user, f"Invitation sent again to {user.name}. The new link works for {INVITE_HOURS} hours."
    )


@bp.post(f"/users/{USER_ID}/reset-two-factor")
@role_required(Role.ADMIN)
def reset_two_factor(user_id: int) -> Response | tuple[str, int]:
    """Turn two-factor sign-in off for someone who lost their authenticator app."""
    user = _account(user_id)
    try:
        management.reset_two_factor(user, current_user)
    except AccountChangeRefused as error:
        return _refused(user, error)
    return _done(
        user,
        f"Two-factor sign-in reset: {user.name} is signed out everywhere and sets it up "
        "again at their next sign-in",
    )
