"""inbox work view: saved filters per person

inbox_saved_filters keeps a person's named views of the case list (the list's query as JSON),
unique by name per person.

Revision ID: 0018
Revises: 0011
Create Date: 2026-12-07 16:10:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('inbox_saved_filters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('args', sa.JSON(), nullable=False),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_inbox_saved_filters_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_saved_filters')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_inbox_saved_filters_user_id_name'))
    )
    with op.batch_alter_table('inbox_saved_filters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_saved_filters_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbox_saved_filters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_saved_filters_user_id'))
    op.drop_table('inbox_saved_filters')
