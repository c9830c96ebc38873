"""Enum columns: statuses, sources and kinds become Enum types (VARCHAR + CHECK, as before);
the one column that had no CHECK yet, referral_event.from_status, gets one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30

"""
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

REFERRAL_STATUSES = (
    'submitted', 'accepted', 'in_progress', 'on_hold', 'completed', 'declined',
    'cancelled', 'closed_no_contact',
)


def upgrade():
    values = ", ".join(f"'{status}'" for status in REFERRAL_STATUSES)
    with op.batch_alter_table('referral_event') as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_referral_event_from_status'), f"from_status IN ({values})"
        )


def downgrade():
    with op.batch_alter_table('referral_event') as batch_op:
        batch_op.drop_constraint(op.f('ck_referral_event_from_status'), type_='check')
