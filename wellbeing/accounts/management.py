"""Administering accounts: invite someone, change their role or organisation, disable and enable
the account, revoke its API tokens, send the invitation again, reset two-factor sign-in.

Used by the administrators' pages. Each change is audited with ids and codes only (never an
email or a name); a change that cannot be made raises ``AccountChangeRefused`` naming the field
to blame. None of these functions commit.
"""

import secrets

from wellbeing import audit
from wellbeing.accounts import one_time, services, two_factor
from wellbeing.accounts.models import AccountTokenPurpose, Role, User
from wellbeing.accounts.services import AccountError
from wellbeing.extensions import db

# Roles that act for an organisation: a GP practice or other referrer, a service provider.
ORGANISATION_ROLES = frozenset({Role.REFERRER, Role.PROVIDER})


class AccountChangeRefused(AccountError):
    """A change an administrator asked for that is not allowed; the message is for them."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _check_organisation(role: Role, organisation: str | None) -> None:
    if role in ORGANISATION_ROLES and not organisation:
        raise AccountChangeRefused(
            "organisation", f"Enter the organisation: every {role.label.lower()} has one"
        )


def invite_user(email: str, name: str, role: Role, organisation: str | None, actor: User) -> User:
    """Create an active account that nobody can sign in to until its owner follows the emailed
    invitation and sets a password; queue that email."""
    organisation = (organisation or "").strip() or None
    _check_organisation(role, organisation)
    unusable_password = secrets.token_urlsafe(32)  # never shown, never sent: only the link works
    try:
        user = services.create_user(email, name, role, unusable_password, organisation)
    except AccountError as error:
        raise AccountChangeRefused(
            "email", "An account with this email address already exists"
        ) from error
    _send_invitation(user, actor)
    audit.record(actor, "user.invite", "user", str(user.id), {"role": role.value})
    return user


def _send_invitation(user: User, actor: User) -> None:
    token = one_time.issue(user, AccountTokenPurpose.INVITE, created_by=actor)
    one_time.queue_invite(user, token)


def can_resend_invite(user: User) -> bool:
    """An invitation is worth sending again while the account is active and never signed in."""
    return user.active and user.last_sign_in_at is None


def resend_invite(user: User, actor: User) -> None:
    """A new invitation link (the earlier ones stop working), emailed to the account."""
    if not can_resend_invite(user):
        raise AccountChangeRefused(
            "invite", "Only an active account that has never signed in can be invited again"
        )
    _send_invitation(user, actor)
    audit.record(actor, "user.invite_resend", "user", str(user.id))


def _active_admin_ids() -> list[int]:
    """Locked until the commit (PostgreSQL), so that two administrators removing each other at
    once cannot both succeed and leave nobody to administer the service."""
    return list(
        db.session.execute(
            db.select(User.id)
            .where(User.role == Role.ADMIN, User.active.is_(True))
            .with_for_update()
        ).scalars()
    )


def _keep_an_admin(user: User, field: str, message: str) -> None:
    if user.role == Role.ADMIN and user.active and _active_admin_ids() == [user.id]:
        raise AccountChangeRefused(field, message)


def _not_yourself(user: User, actor: User, field: str, message: str) -> None:
    if user.id == actor.id:
        raise AccountChangeRefused(field, message)


def change_role(user: User, role: Role, actor: User) -> bool:
    """Give the account another role; whether anything changed."""
    if role == user.role:
        return False
    _not_yourself(user, actor, "role", "You cannot change your own role: ask another administrator")
    if role != Role.ADMIN:
        _keep_an_admin(user, "role", "This is the only active administrator: it must stay one")
    _check_organisation(role, user.organisation)
    detail = {"from": user.role.value, "to": role.value}
    user.role = role
    audit.record(actor, "user.role_change", "user", str(user.id), detail)
    return True


def change_organisation(user: User, organisation: str | None, actor: User) -> bool:
    """Move the account to another organisation (or none); whether anything changed."""
    organisation = (organisation or "").strip() or None
    if organisation == user.organisation:
        return False
    _check_organisation(user.role, organisation)
    user.organisation = organisation
    audit.record(actor, "user.organisation_change", "user", str(user.id))
    return True


def change_role_and_organisation(
    user: User, role: Role, organisation: str | None, actor: User
) -> bool:
    """Both changes from one form, in the order that lets any allowed pair through (a new
    organisation before the role that needs it; clearing one after the role that needed it)."""
    if (organisation or "").strip():
        changed = change_organisation(user, organisation, actor)
        return change_role(user, role, actor) or changed
    changed = change_role(user, role, actor)
    return change_organisation(user, organisation, actor) or changed


def disable(user: User, actor: User) -> int:
    """Stop the account: every session it has ends and its API tokens are revoked. How many
    tokens that revoked."""
    if not user.active:
        return 0
    _not_yourself(user, actor, "active", "You cannot disable your own account")
    _keep_an_admin(user, "active", "This is the only active administrator: it cannot be disabled")
    user.active = False  # which ends every session (User._end_sessions_on_change)
    revoked = services.revoke_tokens(user)
    audit.record(actor, "user.disable", "user", str(user.id), {"tokens_revoked": revoked})
    return revoked


def enable(user: User, actor: User) -> None:
    """Let the account sign in again (its revoked API tokens stay revoked)."""
    if user.active:
        return
    user.active = True
    audit.record(actor, "user.enable", "user", str(user.id))


def revoke_tokens(user: User, actor: User) -> int:
    """Revoke every API token the account holds; how many that was."""
    revoked = services.revoke_tokens(user)
    audit.record(actor, "user.tokens_revoke", "user", str(user.id), {"tokens": revoked})
    return revoked


def live_token_count(user: User) -> int:
    return sum(1 for token in user.tokens if token.revoked_at is None)


def reset_two_factor(user: User, actor: User) -> None:
    """Turn the account's two-factor sign-in off (a lost phone): it is set up again at the next
    sign-in. Audited by ``two_factor.reset``."""
    _not_yourself(user, actor, "two-factor", "You cannot reset your own two-factor sign-in")
    if user.totp_secret is None and user.totp_confirmed_at is None:
        raise AccountChangeRefused(
            "two-factor", "Two-factor sign-in is not set up for this account"
        )
    two_factor.reset(user, actor)
