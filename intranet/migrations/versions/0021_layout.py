"""layout: group covers and the side rail's "new since my last visit"

groups.cover_file names a lead's cover picture (re-encoded, under UPLOAD_DIR/covers);
memberships.last_seen_post_id is the newest post of the group the member had when they last
opened it: the rail counts the group's posts above it (the (group_id, id) index answers that).
Existing members start with nothing new.

Revision ID: 0021
Revises: 0011
"""

from alembic import op
import sqlalchemy as sa


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("groups") as batch:
        batch.add_column(sa.Column("cover_file", sa.String(length=80), nullable=True))
    with op.batch_alter_table("memberships") as batch:
        batch.add_column(sa.Column("last_seen_post_id", sa.Integer(), nullable=True))
    op.execute("UPDATE memberships SET last_seen_post_id = "
               "(SELECT max(posts.id) FROM posts WHERE posts.group_id = memberships.group_id)")


def downgrade() -> None:
    with op.batch_alter_table("memberships") as batch:
        batch.drop_column("last_seen_post_id")
    with op.batch_alter_table("groups") as batch:
        batch.drop_column("cover_file")
