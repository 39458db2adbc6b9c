"""outages: the register, its places, history and the appeals attached to an outage

Revision ID: 0090
Revises: 0080
Create Date: 2026-12-06 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0090"
down_revision: str | None = "0080"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "outages",
        sa.Column("id", ID, nullable=False),
        sa.Column("utility", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("actual_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("internal_note", sa.Text(), nullable=False),
        sa.Column("contractor", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outages")),
    )
    op.create_index("ix_outages_status_starts_at", "outages", ["status", "starts_at"])
    op.create_index(op.f("ix_outages_contractor"), "outages", ["contractor"])
    op.create_index(op.f("ix_outages_updated_at"), "outages", ["updated_at"])
    op.create_table(
        "outage_places",
        sa.Column("id", ID, nullable=False),
        sa.Column("outage_id", ID, nullable=False),
        sa.Column("street_key", sa.String(length=200), nullable=False),
        sa.Column("street", sa.String(length=200), nullable=False),
        sa.Column("houses", sa.String(length=500), nullable=False),
        sa.Column("district", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(["outage_id"], ["outages.id"], ondelete="CASCADE",
                                name=op.f("fk_outage_places_outage_id_outages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_places")),
    )
    op.create_index(op.f("ix_outage_places_outage_id"), "outage_places", ["outage_id"])
    op.create_index(op.f("ix_outage_places_street_key"), "outage_places", ["street_key"])
    op.create_table(
        "outage_history",
        sa.Column("id", ID, nullable=False),
        sa.Column("outage_id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["outage_id"], ["outages.id"], ondelete="CASCADE",
                                name=op.f("fk_outage_history_outage_id_outages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_history")),
    )
    op.create_index(op.f("ix_outage_history_outage_id"), "outage_history", ["outage_id"])
    op.create_table(
        "outage_appeals",
        sa.Column("appeal_id", ID, nullable=False),
        sa.Column("outage_id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"],
                                name=op.f("fk_outage_appeals_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["outage_id"], ["outages.id"],
                                name=op.f("fk_outage_appeals_outage_id_outages")),
        sa.PrimaryKeyConstraint("appeal_id", name=op.f("pk_outage_appeals")),
    )
    op.create_index(op.f("ix_outage_appeals_outage_id"), "outage_appeals", ["outage_id"])
    op.create_index(op.f("ix_outage_appeals_at"), "outage_appeals", ["at"])


def downgrade() -> None:
    op.drop_table("outage_appeals")
    op.drop_table("outage_history")
    op.drop_table("outage_places")
    op.drop_table("outages")
