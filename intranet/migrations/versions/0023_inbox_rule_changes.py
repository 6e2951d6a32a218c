"""inbox_rule_changes: a version of the inbox pipeline shared by every process

Revision ID: 0023
Revises: 0022
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "inbox_rule_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_rule_changes")),
    )


def downgrade() -> None:
    op.drop_table("inbox_rule_changes")
