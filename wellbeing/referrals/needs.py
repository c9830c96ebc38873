"""The needs a referral can name: the directory taxonomy's top-level groups and their terms."""

from sqlalchemy.orm import selectinload

from wellbeing.directory.models import TaxonomyTerm
from wellbeing.extensions import db


def need_groups() -> list[TaxonomyTerm]:
    """Top-level taxonomy terms, by name, with their children loaded."""
    return list(
        db.session.execute(
            db.select(TaxonomyTerm)
            .where(TaxonomyTerm.parent_id.is_(None))
            .options(selectinload(TaxonomyTerm.children))
            .order_by(TaxonomyTerm.name)
        ).scalars()
    )
