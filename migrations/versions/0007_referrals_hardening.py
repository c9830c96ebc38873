"""referrals hardening: who referred is the referring account

The referrer form used to let a referrer whose account had no organisation type one, and the
referral became visible to that organisation's referrers; the name and email were typed too, and
status emails went to that email. Referrals now take all three from the account. This repairs
the referrals made before: an organisation that is not the referring account's is cleared (only
the referrer and the link workers see those now), and the name and email become the account's.
Data only; the schema is unchanged.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

users = sa.table(
    'users',
    sa.column('id', sa.Integer),
    sa.column('name', sa.String),
    sa.column('email', sa.String),
    sa.column('organisation', sa.String),
)
referral = sa.table(
    'referral',
    sa.column('created_by_id', sa.Integer),
    sa.column('source', sa.String),
    sa.column('referrer_name', sa.String),
    sa.column('referrer_organisation', sa.String),
    sa.column('referrer_email', sa.String),
)


def _account(column):
    """The referring account's value of ``column``, for each referral row."""
    return sa.select(column).where(users.c.id == referral.c.created_by_id).scalar_subquery()


def upgrade():
    # Made by an account (a referrer, link worker or admin), not a person's own request.
    by_account = sa.and_(referral.c.created_by_id.is_not(None), referral.c.source != 'self')
    op.execute(
        referral.update()
        .where(
            by_account,
            referral.c.referrer_organisation.is_not(None),
            referral.c.referrer_organisation.is_distinct_from(_account(users.c.organisation)),
        )
        .values(referrer_organisation=None)
    )
    op.execute(
        referral.update()
        .where(by_account)
        .values(referrer_name=_account(users.c.name), referrer_email=_account(users.c.email))
    )


def downgrade():
    pass  # what was typed before is not kept: there is nothing to put back
