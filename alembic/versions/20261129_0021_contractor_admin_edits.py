"""contractors remember an admin's edit (the import then leaves them alone)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 04:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contractors", sa.Column("edited_by", sa.String(length=128), nullable=True))
    op.add_column("contractors", sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contractors") as batch:
        batch.drop_column("edited_at")
        batch.drop_column("edited_by")
