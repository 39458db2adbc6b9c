"""duty desk: the journal, the alerting-system checks and alarms, handovers, the mayor's
assignments; append-only triggers on the journal, checks, handovers, acks and notes

SQLite loses triggers when a batch migration recreates a table: a later migration that
batch-alters these tables must create them again (tests/integration/duty/test_append_only.py
checks that they hold at head).

Revision ID: 0101
Revises: 0100
Create Date: 2026-12-06 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0101"
down_revision: str | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    "duty_entries",
    "duty_checks",
    "duty_handovers",
    "duty_handover_acks",
    "duty_assignment_notes",
)
PG_FUNCTION = """
CREATE OR REPLACE FUNCTION callcenter_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def append_only_triggers(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION callcenter_append_only()",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION callcenter_append_only()",
        ]
    return [
        f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END"
        for action in ("UPDATE", "DELETE")
    ]


def drop_triggers(dialect: str, table: str) -> list[str]:
    if dialect == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
            f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}",
        ]
    return [f"DROP TRIGGER IF EXISTS {table}_no_{action}" for action in ("update", "delete")]


def upgrade() -> None:
    op.create_table(
        "duty_alarms",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("slot", sa.String(length=5), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_alarms")),
        sa.UniqueConstraint("day", "slot", name=op.f("uq_duty_alarms_day_slot")),
    )
    op.create_table(
        "duty_assignments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meeting_date", sa.Date(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("owner_email", sa.String(length=254), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_assignments")),
    )
    op.create_index(
        op.f("ix_duty_assignments_deadline"), "duty_assignments", ["deadline"], unique=False
    )

    op.create_table(
        "duty_checks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("day", sa.Date(), nullable=True),
        sa.Column("slot", sa.String(length=5), nullable=True),
        sa.Column("result", sa.String(length=8), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.Column(
            "checked_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("checked_by", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_checks")),
    )
    op.create_index(op.f("ix_duty_checks_at"), "duty_checks", ["at"], unique=False)
    op.create_index(op.f("ix_duty_checks_day"), "duty_checks", ["day"], unique=False)

    op.create_table(
        "duty_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "corrects_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["duty_entries.id"],
            name=op.f("fk_duty_entries_corrects_id_duty_entries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_entries")),
    )
    op.create_index(op.f("ix_duty_entries_at"), "duty_entries", ["at"], unique=False)

    op.create_table(
        "duty_handovers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("follows", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column(
            "handed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("handed_by", sa.String(length=200), nullable=False),
        sa.Column("handed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_handovers")),
        sa.UniqueConstraint("follows", name=op.f("uq_duty_handovers_follows")),
    )
    op.create_table(
        "duty_assignment_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "assignment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["duty_assignments.id"],
            name=op.f("fk_duty_assignment_notes_assignment_id_duty_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_assignment_notes")),
    )
    op.create_index(
        op.f("ix_duty_assignment_notes_assignment_id"),
        "duty_assignment_notes",
        ["assignment_id"],
        unique=False,
    )

    op.create_table(
        "duty_handover_acks",
        sa.Column(
            "handover_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "accepted_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("accepted_by", sa.String(length=200), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["handover_id"],
            ["duty_handovers.id"],
            name=op.f("fk_duty_handover_acks_handover_id_duty_handovers"),
        ),
        sa.PrimaryKeyConstraint("handover_id", name=op.f("pk_duty_handover_acks")),
    )
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for table in APPEND_ONLY:
        for statement in append_only_triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in APPEND_ONLY:
        for statement in drop_triggers(dialect, table):
            op.execute(statement)
    op.drop_table("duty_handover_acks")
    op.drop_index(
        op.f("ix_duty_assignment_notes_assignment_id"), table_name="duty_assignment_notes"
    )

    op.drop_table("duty_assignment_notes")
    op.drop_table("duty_handovers")
    op.drop_index(op.f("ix_duty_entries_at"), table_name="duty_entries")

    op.drop_table("duty_entries")
    op.drop_index(op.f("ix_duty_checks_day"), table_name="duty_checks")
    op.drop_index(op.f("ix_duty_checks_at"), table_name="duty_checks")

    op.drop_table("duty_checks")
    op.drop_index(op.f("ix_duty_assignments_deadline"), table_name="duty_assignments")

    op.drop_table("duty_assignments")
    op.drop_table("duty_alarms")
