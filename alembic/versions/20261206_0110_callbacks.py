"""callbacks: claims, attempts, appeals on control; calls.direction (outbound call-backs)

Revision ID: 0110
Revises: 0101
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0110"
down_revision: str | None = "0101"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Never batch-alter `calls` on SQLite (a batch copy deletes child rows): add it directly.
    op.add_column("calls", sa.Column("direction", sa.String(length=16),
                                     server_default="inbound", nullable=False))
    op.create_table(
        "callback_claims",
        sa.Column("id", ID, nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("appeal_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("seat", sa.String(length=128), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"],
                                name=op.f("fk_callback_claims_appeal_id_appeals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_claims")),
        sa.UniqueConstraint("phone", name=op.f("uq_callback_claims_phone")),
    )
    op.create_index(op.f("ix_callback_claims_appeal_id"), "callback_claims", ["appeal_id"])
    op.create_index(op.f("ix_callback_claims_expires_at"), "callback_claims", ["expires_at"])
    op.create_table(
        "callback_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("appeal_id", ID, nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("username", sa.String(length=128), nullable=False),
        sa.Column("seat", sa.String(length=128), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("error", sa.String(length=64), nullable=True),
        sa.Column("call_id", ID, nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"],
                                name=op.f("fk_callback_attempts_appeal_id_appeals")),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"],
                                name=op.f("fk_callback_attempts_call_id_calls")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_attempts")),
    )
    for column in ("appeal_id", "phone", "state", "call_id", "created_at"):
        op.create_index(op.f(f"ix_callback_attempts_{column}"), "callback_attempts", [column])
    op.create_table(
        "appeal_controls",
        sa.Column("appeal_id", ID, autoincrement=False, nullable=False),
        sa.Column("set_by", sa.String(length=128), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"],
                                name=op.f("fk_appeal_controls_appeal_id_appeals")),
        sa.PrimaryKeyConstraint("appeal_id", name=op.f("pk_appeal_controls")),
    )


def downgrade() -> None:
    op.drop_table("appeal_controls")
    for column in ("appeal_id", "phone", "state", "call_id", "created_at"):
        op.drop_index(op.f(f"ix_callback_attempts_{column}"), table_name="callback_attempts")
    op.drop_table("callback_attempts")
    op.drop_index(op.f("ix_callback_claims_expires_at"), table_name="callback_claims")
    op.drop_index(op.f("ix_callback_claims_appeal_id"), table_name="callback_claims")
    op.drop_table("callback_claims")
    # SQLite >= 3.35 drops a plain column without a batch copy.
    op.drop_column("calls", "direction")
