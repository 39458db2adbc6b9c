"""Calls: AMI events, the pure call tracker, intake with its backlog, the call store."""
