"""routing that learns, spike alerts

inbox_services gets the lead's description and example comments (routing's cold start);
inbox_spikes keeps each surge of a watch rule found by the spike watcher, with what the leads
were told and the crisis thread opened from it.

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-07 16:00:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbox_services', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('examples', sa.JSON(), nullable=False, server_default='[]'))
    op.create_table('inbox_spikes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('window_start', intranet.models.base.UTCDateTime(), nullable=False),
    sa.Column('detected_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('baseline', sa.Double(), nullable=False),
    sa.Column('threshold', sa.Double(), nullable=False),
    sa.Column('words', sa.JSON(), nullable=False),
    sa.Column('sources', sa.JSON(), nullable=False),
    sa.Column('comment_ids', sa.JSON(), nullable=False),
    sa.Column('department_ids', sa.JSON(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_inbox_spikes_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rule_id'], ['inbox_watch_rules.id'], name=op.f('fk_inbox_spikes_rule_id_inbox_watch_rules'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_spikes'))
    )
    with op.batch_alter_table('inbox_spikes', schema=None) as batch_op:
        batch_op.create_index('ix_inbox_spikes_rule', ['rule_id', 'detected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_spikes_detected_at'), ['detected_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbox_spikes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_spikes_detected_at'))
        batch_op.drop_index('ix_inbox_spikes_rule')
    op.drop_table('inbox_spikes')
    with op.batch_alter_table('inbox_services', schema=None) as batch_op:
        batch_op.drop_column('examples')
        batch_op.drop_column('description')
