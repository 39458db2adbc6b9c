"""The database adapter: SQLAlchemy 2 (async) on SQLite or PostgreSQL, migrated by alembic."""

# Every table registers on Base.metadata when the package is imported (alembic, queries).
from callcenter import tables

__all__ = ["tables"]
