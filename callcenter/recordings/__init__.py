"""Recordings: spool, archive, ingest, upkeep, replay with its audit, disputes, evidence."""
