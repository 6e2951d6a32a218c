"""mail: the durable mail outbox, notification mail settings, digests, invitations

notifications.mailed_at: existing notifications count as mailed (nobody gets a mail about the
past on the first run); a partial index keeps the mailer's look at the others cheap.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-07 13:00:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0012"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.Column("to_addr", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("html", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("status", sa.Enum("PENDING", "SENDING", "SENT", "FAILED", name="mailstatus",
                                    native_enum=False, length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.Column("claim", sa.String(length=32), nullable=True),
        sa.Column("lease_until", intranet.models.base.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("sent_at", intranet.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_outbox_user_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_status_next_attempt_at", "mail_outbox",
                    ["status", "next_attempt_at"], unique=False)
    op.create_index(op.f("ix_mail_outbox_user_id"), "mail_outbox", ["user_id"], unique=False)
    _settings_tables()
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailed_at", intranet.models.base.UTCDateTime(), nullable=True))
    op.execute("UPDATE notifications SET mailed_at = created_at")
    op.create_index("ix_notifications_unmailed", "notifications", ["created_at"], unique=False,
                    sqlite_where=sa.text("mailed_at IS NULL"), postgresql_where=sa.text("mailed_at IS NULL"))


def _user_fk(table: str, column: str = "user_id", ondelete: str = "CASCADE") -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], ["users.id"], name=op.f(f"fk_{table}_{column}_users"),
                                   ondelete=ondelete)


def _settings_tables() -> None:
    op.create_table(
        "mail_kind_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("mode", sa.Enum("IMMEDIATELY", "DIGEST", "NEVER", name="mailmode", native_enum=False,
                                  length=12), nullable=False),
        _user_fk("mail_kind_settings"),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_mail_kind_settings")),
    )
    op.create_table(
        "group_mail_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Enum("ALL", "MENTIONS", "MUTED", name="grouplevel", native_enum=False,
                                   length=10), nullable=False),
        _user_fk("group_mail_settings"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_group_mail_settings_group_id_groups"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "group_id", name=op.f("pk_group_mail_settings")),
    )
    op.create_index(op.f("ix_group_mail_settings_group_id"), "group_mail_settings", ["group_id"], unique=False)
    op.create_table(
        "mail_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.Enum("OFF", "DAILY", "WEEKLY", name="digestfrequency", native_enum=False,
                                    length=8), nullable=False),
        sa.Column("last_digest_at", intranet.models.base.UTCDateTime(), nullable=True),
        _user_fk("mail_preferences"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mail_preferences")),
    )
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("INVITATION", "REGISTRATION", name="invitationkind", native_enum=False,
                                  length=12), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("nonce", sa.String(length=32), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("created_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", intranet.models.base.UTCDateTime(), nullable=False),
        sa.Column("used_at", intranet.models.base.UTCDateTime(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        _user_fk("invitations", "invited_by_id", "SET NULL"),
        _user_fk("invitations", "user_id", "SET NULL"),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_invitations_department_id_departments"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    op.create_index(op.f("ix_invitations_email"), "invitations", ["email"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_notifications_unmailed", table_name="notifications",
                  sqlite_where=sa.text("mailed_at IS NULL"), postgresql_where=sa.text("mailed_at IS NULL"))
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("mailed_at")
    op.drop_index(op.f("ix_invitations_email"), table_name="invitations")
    op.drop_table("invitations")
    op.drop_table("mail_preferences")
    op.drop_index(op.f("ix_group_mail_settings_group_id"), table_name="group_mail_settings")
    op.drop_table("group_mail_settings")
    op.drop_table("mail_kind_settings")
    op.drop_index(op.f("ix_mail_outbox_user_id"), table_name="mail_outbox")
    op.drop_index("ix_mail_outbox_status_next_attempt_at", table_name="mail_outbox")
    op.drop_table("mail_outbox")
