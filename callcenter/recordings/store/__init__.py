"""Recordings: the store on SQLAlchemy (private to the feature)."""
