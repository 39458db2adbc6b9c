"""Pops: the HTTP side: the JSON API."""
