"""tasks and file libraries

tasks (with assignees, checklist and history) live in a group and may link to the post,
comment, message or inbox case they were made from; notifications.task_id points at the task
a notification is about. library_folders and library_files hold a group's uploaded documents,
every version kept (``current`` marks the newest of a name, with a partial index).

Revision ID: 0022
Revises: 0011
Create Date: 2026-12-07 15:53:41.284333
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('library_folders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_library_folders_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_library_folders_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['parent_id'], ['library_folders.id'], name=op.f('fk_library_folders_parent_id_library_folders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_folders'))
    )
    with op.batch_alter_table('library_folders', schema=None) as batch_op:
        batch_op.create_index('ix_library_folders_group_parent', ['group_id', 'parent_id'], unique=False)

    op.create_table('library_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('folder_id', sa.Integer(), nullable=True),
    sa.Column('uploader_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('thumb_sha256', sa.String(length=64), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['folder_id'], ['library_folders.id'], name=op.f('fk_library_files_folder_id_library_folders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_library_files_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_library_files_uploader_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_files'))
    )
    with op.batch_alter_table('library_files', schema=None) as batch_op:
        batch_op.create_index('ix_library_files_current', ['group_id', 'folder_id'], unique=False, sqlite_where=sa.text('current'), postgresql_where=sa.text('current'))
        batch_op.create_index('ix_library_files_place', ['group_id', 'folder_id', 'filename'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_files_sha256'), ['sha256'], unique=False)

    op.create_table('tasks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('creator_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('html', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('OPEN', 'IN_PROGRESS', 'DONE', name='taskstatus', native_enum=False, length=12), nullable=False),
    sa.Column('service_group_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.Column('done_at', intranet.models.base.UTCDateTime(), nullable=True),
    sa.Column('due_soon_sent_on', sa.Date(), nullable=True),
    sa.Column('overdue_sent_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['inbox_cases.id'], name=op.f('fk_tasks_case_id_inbox_cases'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_tasks_comment_id_comments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['creator_id'], ['users.id'], name=op.f('fk_tasks_creator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['group_id'], ['groups.id'], name=op.f('fk_tasks_group_id_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_tasks_message_id_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_tasks_post_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['service_group_id'], ['groups.id'], name=op.f('fk_tasks_service_group_id_groups'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tasks_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index('ix_tasks_due', ['status', 'due_on'], unique=False)
        batch_op.create_index('ix_tasks_group_status', ['group_id', 'status', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_post_id'), ['post_id'], unique=False)
        batch_op.create_index('ix_tasks_service_status', ['service_group_id', 'status'], unique=False)

    op.create_table('task_assignees',
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_assignees_task_id_tasks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_task_assignees_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_id', 'user_id', name=op.f('pk_task_assignees'))
    )
    with op.batch_alter_table('task_assignees', schema=None) as batch_op:
        batch_op.create_index('ix_task_assignees_user', ['user_id', 'task_id'], unique=False)

    op.create_table('task_checklist',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('done', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_checklist_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_checklist'))
    )
    with op.batch_alter_table('task_checklist', schema=None) as batch_op:
        batch_op.create_index('ix_task_checklist_task', ['task_id', 'position'], unique=False)

    op.create_table('task_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', intranet.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_task_history_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['task_id'], ['tasks.id'], name=op.f('fk_task_history_task_id_tasks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_history'))
    )
    with op.batch_alter_table('task_history', schema=None) as batch_op:
        batch_op.create_index('ix_task_history_task', ['task_id', 'id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_task_id_tasks'), 'tasks', ['task_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_notifications_task_id_tasks'), type_='foreignkey')
        batch_op.drop_column('task_id')

    with op.batch_alter_table('task_history', schema=None) as batch_op:
        batch_op.drop_index('ix_task_history_task')

    op.drop_table('task_history')
    with op.batch_alter_table('task_checklist', schema=None) as batch_op:
        batch_op.drop_index('ix_task_checklist_task')

    op.drop_table('task_checklist')
    with op.batch_alter_table('task_assignees', schema=None) as batch_op:
        batch_op.drop_index('ix_task_assignees_user')

    op.drop_table('task_assignees')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_tasks_service_status')
        batch_op.drop_index(batch_op.f('ix_tasks_post_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_message_id'))
        batch_op.drop_index('ix_tasks_group_status')
        batch_op.drop_index('ix_tasks_due')
        batch_op.drop_index(batch_op.f('ix_tasks_comment_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_case_id'))

    op.drop_table('tasks')
    with op.batch_alter_table('library_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_files_sha256'))
        batch_op.drop_index('ix_library_files_place')
        batch_op.drop_index('ix_library_files_current', sqlite_where=sa.text('current'), postgresql_where=sa.text('current'))

    op.drop_table('library_files')
    with op.batch_alter_table('library_folders', schema=None) as batch_op:
        batch_op.drop_index('ix_library_folders_group_parent')

    op.drop_table('library_folders')
