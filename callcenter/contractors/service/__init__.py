"""Contractors: the use cases (async; stores and senders behind typing.Protocol interfaces)."""
