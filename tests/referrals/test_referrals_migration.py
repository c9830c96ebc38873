"""Migration 0007 repairs referrals made when the referrer form took who referred as typed."""

import importlib.util
from types import ModuleType

from alembic.migration import MigrationContext
from alembic.operations import Operations

from tests.support.factories import make_user
from wellbeing.accounts.models import Role
from wellbeing.config import REPO_ROOT
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral

MIGRATION = REPO_ROOT / "migrations" / "versions" / "0007_referrals_hardening.py"


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("referrals_hardening", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def typed(referral: Referral, organisation: str | None, name: str, email: str) -> None:
    """What the old form stored: whatever was typed."""
    referral.referrer_organisation = organisation
    referral.referrer_name, referral.referrer_email = name, email


def test_typed_organisations_and_contacts_give_way_to_the_accounts(make_referral) -> None:
    claimer = make_user(Role.REFERRER, organisation=None)
    colleague = make_user(Role.REFERRER, organisation="Kingsholm Surgery")
    claimed, honest = make_referral(actor=claimer), make_referral(actor=colleague)
    resident_own = make_referral(actor=None, email="sam@example.org")
    typed(claimed, "Quayside Practice", "Dr Someone Else", "someone@quayside.example.org")
    typed(honest, "Kingsholm Surgery", "Dr Typed Name", "typed@example.org")
    db.session.commit()

    with Operations.context(MigrationContext.configure(db.session.connection())):
        migration().upgrade()
    db.session.commit()
    db.session.expire_all()

    assert (claimed.referrer_organisation, claimed.referrer_name, claimed.referrer_email) == (
        None,
        claimer.name,
        claimer.email,
    )
    assert (honest.referrer_organisation, honest.referrer_name, honest.referrer_email) == (
        "Kingsholm Surgery",
        colleague.name,
        colleague.email,
    )
    assert resident_own.referrer_name is None and resident_own.referrer_organisation is None
