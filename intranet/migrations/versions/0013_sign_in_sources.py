"""users.auth_source and users.external_id: accounts that sign in through the directory

``auth_source`` says where an account proves who it is: "local" (its password hash), "ldap" (the
LDAP/Active Directory bind) or "oidc" (the OpenID Connect provider). ``external_id`` is that
source's stable id (entryUUID or objectGUID, the provider's ``sub``), so a renamed or re-mailed
person keeps their account, and ``directory sync`` knows who left.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("auth_source", sa.String(10), nullable=False, server_default="local"))
        batch.add_column(sa.Column("external_id", sa.String(255), nullable=True))
        batch.create_index("ix_users_auth_source_external_id", ["auth_source", "external_id"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index("ix_users_auth_source_external_id")
        batch.drop_column("external_id")
        batch.drop_column("auth_source")
