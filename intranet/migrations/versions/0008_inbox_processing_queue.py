"""inbox comments processing queue: processed_at and a partial index of the pending ones

The webhook now stores comments and acknowledges them; a worker matches, triages and opens
cases. Comments stored before this migration were processed on arrival: they are marked so.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-26 12:12:08.411767
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("processed_at", intranet.models.base.UTCDateTime(), nullable=True))
    op.execute("UPDATE inbox_comments SET processed_at = received_at")
    with op.batch_alter_table("inbox_comments", schema=None) as batch_op:
        batch_op.create_index("ix_inbox_comments_pending", ["id"], unique=False,
                              sqlite_where=sa.text("processed_at IS NULL"),
                              postgresql_where=sa.text("processed_at IS NULL"))


def downgrade() -> None:
    with op.batch_alter_table("inbox_comments", schema=None) as batch_op:
        batch_op.drop_index("ix_inbox_comments_pending", sqlite_where=sa.text("processed_at IS NULL"),
                            postgresql_where=sa.text("processed_at IS NULL"))
        batch_op.drop_column("processed_at")
