"""Routing: rules, houses, working time, the routing decision, hand-offs, escalation."""
