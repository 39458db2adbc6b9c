"""The database adapter: SQLAlchemy 2 (async) on SQLite or PostgreSQL, migrated by alembic."""
