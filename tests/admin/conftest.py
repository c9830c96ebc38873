"""Administration fixtures: referrals to read, with fixed references."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.support.directory import SeededDirectory
from tests.support.referrals import Needs, draft_for
from wellbeing.accounts.models import User
from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db
from wellbeing.referrals.models import Referral, ReferralSource
from wellbeing.referrals.services import create_referral


@pytest.fixture
def add_referral(seeded_directory: SeededDirectory) -> Callable[..., Referral]:
    """``add_referral("WB-7K3QF2", actor=gp)``: a committed referral with that reference, for a
    need of the seed directory's. (Its taxonomy, not one made here: on PostgreSQL a run's first
    seed snapshot must be taken before any test has added and deleted taxonomy terms, or its
    rows may come back children first.)"""
    need = db.session.execute(db.select(TaxonomyTerm).limit(1)).scalar_one()
    needs = Needs(need, need, need, need)

    def _add(reference: str | None = None, actor: User | None = None, **fields: Any) -> Referral:
        referral = create_referral(
            draft_for(needs, **fields),
            actor,
            ReferralSource.LINK_WORKER if actor else ReferralSource.SELF,
            reference=reference,
        )
        db.session.commit()
        return referral

    return _add
