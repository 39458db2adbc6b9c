"""Recordings: the HTTP side: server-rendered pages."""
