"""access_changes: a version of who may see what, for search's principals cache

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 14:35:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_changes")),
    )


def downgrade() -> None:
    op.drop_table("access_changes")
