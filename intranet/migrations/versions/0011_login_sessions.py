"""login_sessions, login_throttles, users.must_reset_password: sessions that logout really ends

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-07 13:00:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("remember_hash", sa.String(length=64), nullable=True),
        sa.Column("remember_until", intranet.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.Column("user_agent", sa.String(length=255), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_login_sessions_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_sessions")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_login_sessions_key_hash")),
        sa.UniqueConstraint("remember_hash", name=op.f("uq_login_sessions_remember_hash")),
    )
    op.create_index(op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"], unique=False)
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", intranet.models.base.UTCDateTime(), nullable=True),
        sa.Column("updated_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("must_reset_password", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("must_reset_password")
    op.drop_table("login_throttles")
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
