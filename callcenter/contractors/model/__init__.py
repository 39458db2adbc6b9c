"""Contractors: the pure model and rules (no I/O, no asyncio, no SQLAlchemy)."""
