"""Contractors: the HTTP side: the JSON API."""
