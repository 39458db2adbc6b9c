"""Recordings: the HTTP side: the JSON API."""
