"""mail: letters taken (unique on their Message-ID) and their attachments

Revision ID: 0080
Revises: 0074
Create Date: 2026-12-06 23:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0080"
down_revision: str | None = "0074"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "mail_letters",
        sa.Column("id", ID, nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("appeal_id", ID, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("sender", sa.String(length=254), nullable=False),
        sa.Column("sender_name", sa.String(length=128), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeals.id"],
                                name=op.f("fk_mail_letters_appeal_id_appeals")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_letters")),
        sa.UniqueConstraint("key", name=op.f("uq_mail_letters_key")),
    )
    op.create_index(op.f("ix_mail_letters_appeal_id"), "mail_letters", ["appeal_id"])
    op.create_index(op.f("ix_mail_letters_sender"), "mail_letters", ["sender"])
    op.create_table(
        "mail_attachments",
        sa.Column("id", ID, nullable=False),
        sa.Column("letter_id", ID, nullable=False),
        sa.Column("ref", sa.String(length=512), nullable=False),
        sa.Column("filename", sa.String(length=128), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["mail_letters.id"],
                                name=op.f("fk_mail_attachments_letter_id_mail_letters")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachments")),
    )
    op.create_index(op.f("ix_mail_attachments_letter_id"), "mail_attachments", ["letter_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_mail_attachments_letter_id"), table_name="mail_attachments")
    op.drop_table("mail_attachments")
    op.drop_index(op.f("ix_mail_letters_sender"), table_name="mail_letters")
    op.drop_index(op.f("ix_mail_letters_appeal_id"), table_name="mail_letters")
    op.drop_table("mail_letters")
