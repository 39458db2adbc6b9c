"""Contractors: the store on SQLAlchemy (private to the feature)."""
