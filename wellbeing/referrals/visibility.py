"""Who may see which referral, decided in one place for the pages and the API; and the audit
of a look that was refused. None of these functions commit."""

import uuid

from sqlalchemy import ColumnElement, Select, and_, false, or_, true

from wellbeing import audit
from wellbeing.accounts.models import Role, User
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral, ReferralSource


def visibility(user: User | None) -> ColumnElement[bool]:
    """The referrals a user may see: staff all, referrers their organisation's, residents own."""
    if user is None or not user.is_authenticated:
        return false()
    if user.role in (Role.LINK_WORKER, Role.ADMIN):
        return true()
    if user.role is Role.REFERRER:
        mine = Referral.created_by_id == user.id
        if user.organisation:
            return or_(mine, Referral.referrer_organisation == user.organisation)
        return mine
    if user.role is Role.RESIDENT:
        return and_(Referral.created_by_id == user.id, Referral.source == ReferralSource.SELF)
    return false()


def visible_referrals(user: User | None) -> Select:
    return db.select(Referral).where(visibility(user))


def get_visible_referral(user: User | None, referral_id: str) -> Referral | None:
    """The referral if this user may see it; None both when missing and when hidden."""
    return db.session.execute(
        visible_referrals(user).where(Referral.id == referral_id)
    ).scalar_one_or_none()


def _as_referral_id(text: str) -> str | None:
    """``text`` when it is shaped like a referral id (a UUID); otherwise it is no id of ours,
    and could be anything (even personal data typed into an address), so it is not kept."""
    try:
        return text if str(uuid.UUID(text)) == text else None
    except ValueError:
        return None


def record_refused_read(actor: User | None, referral_id: str) -> None:
    """Audit a look at a referral that was refused: hidden from this actor, or missing."""
    kept_id = _as_referral_id(referral_id)
    exists = kept_id is not None and bool(
        db.session.scalar(db.select(Referral.id).where(Referral.id == kept_id))
    )
    audit.record(actor, "referral.view_refused", "referral", kept_id, {"exists": exists})
