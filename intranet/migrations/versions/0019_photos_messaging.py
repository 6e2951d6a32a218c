"""photos and messaging: photo sizes and thumbnails, files on comments, message reactions, threads

attachments gains comment_id (a comment's files; the post's id stays set so access is the
post's), width/height of a photo and thumb_sha256 (a thumbnail or a PDF's first-page preview,
content-addressed like any stored file). message_reactions holds reactions on messages.
messages gains reply_to_id (a reply's thread root, with a partial index of the replies),
reply_count and last_reply_at (on a root): plain ADD COLUMNs, instant on SQLite however many
messages there are.

Revision ID: 0019
Revises: 0011
Create Date: 2026-12-07 16:10:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('thumb_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_attachments_comment_id'), ['comment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_attachments_comment_id_comments'), 'comments',
                                    ['comment_id'], ['id'], ondelete='CASCADE')
    op.create_table('message_reactions',
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_reactions_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_message_reactions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', 'user_id', 'kind', name=op.f('pk_message_reactions'))
    )
    op.add_column('messages', sa.Column('reply_to_id', sa.Integer(), nullable=True))
    op.add_column('messages', sa.Column('reply_count', sa.Integer(), server_default='0', nullable=False))
    op.add_column('messages', sa.Column('last_reply_at', intranet.models.base.UTCDateTime(), nullable=True))
    op.create_index('ix_messages_reply_to_id', 'messages', ['reply_to_id', 'id'], unique=False,
                    sqlite_where=sa.text('reply_to_id IS NOT NULL'),
                    postgresql_where=sa.text('reply_to_id IS NOT NULL'))


def downgrade() -> None:
    op.drop_index('ix_messages_reply_to_id', table_name='messages',
                  sqlite_where=sa.text('reply_to_id IS NOT NULL'),
                  postgresql_where=sa.text('reply_to_id IS NOT NULL'))
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('last_reply_at')
        batch_op.drop_column('reply_count')
        batch_op.drop_column('reply_to_id')
    op.drop_table('message_reactions')
    op.execute("DELETE FROM attachments WHERE comment_id IS NOT NULL")
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_attachments_comment_id_comments'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_attachments_comment_id'))
        batch_op.drop_column('thumb_sha256')
        batch_op.drop_column('height')
        batch_op.drop_column('width')
        batch_op.drop_column('comment_id')
