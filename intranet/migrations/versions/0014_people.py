"""people management: CSV imports, deleted people, retention settings, audit filters

people_imports keeps an uploaded CSV and its progress (processed in batches by a thread);
users.deleted_at marks a person deleted by policy (the emptied row stays as "former
employee"); retention_settings and inbox_comments.redacted_at (with a partial index of the
comments still holding personal data) serve the retention job; two audit_log indexes serve
its filters by person and by action.

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-07 13:04:18.165038
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('people_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('processed', sa.Integer(), nullable=False),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.Column('finished_at', intranet.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_people_imports_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people_imports'))
    )
    op.create_table('retention_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inbox_days', sa.Integer(), nullable=True),
    sa.Column('message_days', sa.Integer(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', intranet.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_run_at', intranet.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_retention_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_settings'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action', ['action', 'id'], unique=False)
        batch_op.create_index('ix_audit_log_actor_id', ['actor_id', 'id'], unique=False)

    with op.batch_alter_table('inbox_comments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redacted_at', intranet.models.base.UTCDateTime(), nullable=True))
        batch_op.create_index('ix_inbox_comments_unredacted', ['received_at'], unique=False, sqlite_where=sa.text('redacted_at IS NULL'), postgresql_where=sa.text('redacted_at IS NULL'))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', intranet.models.base.UTCDateTime(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('inbox_comments', schema=None) as batch_op:
        batch_op.drop_index('ix_inbox_comments_unredacted', sqlite_where=sa.text('redacted_at IS NULL'), postgresql_where=sa.text('redacted_at IS NULL'))
        batch_op.drop_column('redacted_at')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_actor_id')
        batch_op.drop_index('ix_audit_log_action')

    op.drop_table('retention_settings')
    op.drop_table('people_imports')
