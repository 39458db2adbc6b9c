"""Residents: the public status of an appeal, SMS to residents, their personal data."""
