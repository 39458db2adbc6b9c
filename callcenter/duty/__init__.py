"""The duty desk: the alerting-system checks, the shift journal and its handover, the mayor's
assignments."""
