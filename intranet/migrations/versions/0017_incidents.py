"""inbox_incidents, inbox_incident_members: near-identical comments worked as one incident

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-07 16:00:00
"""

from alembic import op
import sqlalchemy as sa
import intranet.models.base


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

TIME = intranet.models.base.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "inbox_incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.Enum("OPEN", "RESOLVED", "MERGED", name="incidentstatus", native_enum=False,
                                    length=10), nullable=False),
        sa.Column("brand_rules", sa.JSON(), nullable=False),
        sa.Column("centroid", sa.JSON(), nullable=False),
        sa.Column("words", sa.JSON(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", TIME(), nullable=False),
        sa.Column("updated_at", TIME(), nullable=False),
        sa.Column("last_case_at", TIME(), nullable=False),
        sa.Column("first_response_due", TIME(), nullable=True),
        sa.Column("resolution_due", TIME(), nullable=True),
        sa.Column("first_response_at", TIME(), nullable=True),
        sa.Column("resolved_at", TIME(), nullable=True),
        sa.Column("breaches", sa.JSON(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("post_id", sa.Integer(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["department_id"], ["departments.id"],
                                name=op.f("fk_inbox_incidents_department_id_departments"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["group_id"], ["groups.id"], name=op.f("fk_inbox_incidents_group_id_groups"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["post_id"], ["posts.id"], name=op.f("fk_inbox_incidents_post_id_posts"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["merged_into_id"], ["inbox_incidents.id"],
                                name=op.f("fk_inbox_incidents_merged_into_id_inbox_incidents"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_incidents")),
    )
    op.create_index("ix_inbox_incidents_service_status", "inbox_incidents", ["department_id", "status", "id"])
    op.create_table(
        "inbox_incident_members",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TIME(), nullable=False),
        sa.Column("detached_at", TIME(), nullable=True),
        sa.Column("first_response_due", TIME(), nullable=True),
        sa.Column("resolution_due", TIME(), nullable=True),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["inbox_cases.id"],
                                name=op.f("fk_inbox_incident_members_case_id_inbox_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["incident_id"], ["inbox_incidents.id"],
                                name=op.f("fk_inbox_incident_members_incident_id_inbox_incidents"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"],
                                name=op.f("fk_inbox_incident_members_added_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_inbox_incident_members")),
    )
    op.create_index("ix_inbox_incident_members_incident", "inbox_incident_members",
                    ["incident_id", "detached_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_incident_members_incident", table_name="inbox_incident_members")
    op.drop_table("inbox_incident_members")
    op.drop_index("ix_inbox_incidents_service_status", table_name="inbox_incidents")
    op.drop_table("inbox_incidents")
