"""Pure domain code: no I/O, no asyncio, no SQLAlchemy, no panoramisk."""
