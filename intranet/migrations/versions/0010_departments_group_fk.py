"""departments.group_id: the foreign key the initial migration left out on PostgreSQL

The key is declared with use_alter (departments and groups refer to each other), which
create_table leaves to a later ALTER TABLE that the initial migration never ran. SQLite keeps
the reference in the table definition it was created with; PostgreSQL had no constraint at all.
A department whose group no longer exists loses the link first, so the constraint can be made.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:30:00
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

NAME = "fk_departments_group_id_groups"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("UPDATE departments SET group_id = NULL "
               "WHERE group_id IS NOT NULL AND group_id NOT IN (SELECT id FROM groups)")
    op.create_foreign_key(NAME, "departments", "groups", ["group_id"], ["id"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(NAME, "departments", type_="foreignkey")
