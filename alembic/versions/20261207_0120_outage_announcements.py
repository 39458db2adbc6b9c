"""outages: the announcements callers hear before the queue, and what each PBX holds

Revision ID: 0120
Revises: 0110
Create Date: 2026-12-07 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0120"
down_revision: str | None = "0110"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "outage_announcements",
        sa.Column("id", ID, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("sound", sa.String(length=32), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("outage_id", ID, nullable=True),
        sa.Column("on_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on_by", sa.String(length=128), nullable=False),
        sa.Column("off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("off_by", sa.String(length=128), nullable=True),
        sa.Column("off_reason", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(["outage_id"], ["outages.id"],
                                name=op.f("fk_outage_announcements_outage_id_outages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_announcements")),
    )
    op.create_index(op.f("ix_outage_announcements_outage_id"), "outage_announcements",
                    ["outage_id"])
    op.create_index(op.f("ix_outage_announcements_on_at"), "outage_announcements", ["on_at"])
    op.create_index(op.f("ix_outage_announcements_off_at"), "outage_announcements", ["off_at"])
    op.create_table(
        "pbx_notices",
        sa.Column("pbx", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("pbx", name=op.f("pk_pbx_notices")),
    )


def downgrade() -> None:
    op.drop_table("pbx_notices")
    op.drop_index(op.f("ix_outage_announcements_off_at"), table_name="outage_announcements")
    op.drop_index(op.f("ix_outage_announcements_on_at"), table_name="outage_announcements")
    op.drop_index(op.f("ix_outage_announcements_outage_id"), table_name="outage_announcements")
    op.drop_table("outage_announcements")
