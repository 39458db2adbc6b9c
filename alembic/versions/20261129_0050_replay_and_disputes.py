"""replay audit, disputes, dispute notes, contractor links; append-only triggers

The audit of replays and the notes of disputes are append-only: besides the code, which only
ever inserts, a trigger on each engine rejects UPDATE and DELETE (and TRUNCATE on PostgreSQL).
SQLite loses triggers when a batch migration recreates a table: a later migration that
batch-alters these tables must create them again (tests/integration/recordings/test_replay_audit.py
checks that they hold at head).

Revision ID: 0050
Revises: 0040
Create Date: 2026-11-29 01:29:45
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0050"
down_revision: str | None = "0040"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("replay_audit", "dispute_notes")
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
        "disputes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "appeal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("contractor", sa.String(length=64), nullable=False),
        sa.Column("claim", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("decision", sa.Text(), nullable=True),
        sa.Column(
            "opened_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("opened_by", sa.String(length=200), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "closed_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_disputes_appeal_id_appeals")
        ),
        sa.ForeignKeyConstraint(
            ["closed_by_id"], ["users.id"], name=op.f("fk_disputes_closed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["opened_by_id"], ["users.id"], name=op.f("fk_disputes_opened_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_disputes_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_contractor"), ["contractor"], unique=False)
        batch_op.create_index(batch_op.f("ix_disputes_state"), ["state"], unique=False)

    op.create_table(
        "contractor_links",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "appeal_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("recording_id", sa.String(length=32), nullable=True),
        sa.Column(
            "dispute_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("contractor", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_by_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_contractor_links_appeal_id_appeals")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_contractor_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_contractor_links_dispute_id_disputes")
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_contractor_links_recording_id_recordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contractor_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_contractor_links_token_hash")),
    )
    with op.batch_alter_table("contractor_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contractor_links_appeal_id"), ["appeal_id"], unique=False
        )

    op.create_table(
        "dispute_notes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "dispute_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "author_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_dispute_notes_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["dispute_id"], ["disputes.id"], name=op.f("fk_dispute_notes_dispute_id_disputes")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dispute_notes")),
    )
    with op.batch_alter_table("dispute_notes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dispute_notes_dispute_id"), ["dispute_id"], unique=False
        )

    op.create_table(
        "replay_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recording_id", sa.String(length=32), nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("via", sa.String(length=24), nullable=False),
        sa.Column("link_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("client", sa.String(length=128), nullable=False),
        sa.Column(
            "session_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("ticket_hash", sa.String(length=64), nullable=True),
        sa.Column("ticket_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["link_id"],
            ["contractor_links.id"],
            name=op.f("fk_replay_audit_link_id_contractor_links"),
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_replay_audit_recording_id_recordings"),
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["user_sessions.id"],
            name=op.f("fk_replay_audit_session_id_user_sessions"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_replay_audit_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_replay_audit")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_replay_audit_ticket_hash")),
    )
    with op.batch_alter_table("replay_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_replay_audit_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_replay_audit_recording_id"), ["recording_id"], unique=False
        )

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
    for table in APPEND_ONLY:
        for statement in append_only_triggers(dialect, table):
            op.execute(statement)


def downgrade() -> None:
    for table in APPEND_ONLY:
        for statement in drop_triggers(op.get_bind().dialect.name, table):
            op.execute(statement)
    with op.batch_alter_table("replay_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replay_audit_recording_id"))
        batch_op.drop_index(batch_op.f("ix_replay_audit_at"))

    op.drop_table("replay_audit")
    with op.batch_alter_table("dispute_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dispute_notes_dispute_id"))

    op.drop_table("dispute_notes")
    with op.batch_alter_table("contractor_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contractor_links_appeal_id"))

    op.drop_table("contractor_links")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_disputes_state"))
        batch_op.drop_index(batch_op.f("ix_disputes_contractor"))
        batch_op.drop_index(batch_op.f("ix_disputes_appeal_id"))

    op.drop_table("disputes")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION callcenter_append_only()")
