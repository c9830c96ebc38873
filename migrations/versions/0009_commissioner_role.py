"""commissioner role: sees reports only, never a person's details

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

ROLES = "'resident', 'referrer', 'link_worker', 'provider', 'admin'"


def _roles(values):
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(op.f("ck_users_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_role"), f"role IN ({values})")


def upgrade():
    _roles(ROLES + ", 'commissioner'")


def downgrade():
    op.execute("UPDATE users SET active = false WHERE role = 'commissioner'")
    op.execute("UPDATE users SET role = 'resident' WHERE role = 'commissioner'")
    _roles(ROLES)
