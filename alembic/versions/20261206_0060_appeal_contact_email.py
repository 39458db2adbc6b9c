"""appeals: the resident's e-mail address and their refusal of SMS

Revision ID: 0060
Revises: 0021
Create Date: 2026-12-06 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0060"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # add_column, never a batch copy: SQLite would rebuild `appeals` under its children.
    op.add_column("appeals", sa.Column("contact_email", sa.String(length=254), nullable=True))
    op.add_column("appeals", sa.Column("sms_refused", sa.Boolean(),
                                       server_default=sa.false(), nullable=False))
    op.create_index(op.f("ix_appeals_contact_email"), "appeals", ["contact_email"])


def downgrade() -> None:
    op.drop_index(op.f("ix_appeals_contact_email"), table_name="appeals")
    with op.batch_alter_table("appeals") as batch_op:
        batch_op.drop_column("sms_refused")
        batch_op.drop_column("contact_email")
