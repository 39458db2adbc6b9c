"""Delivery to contractors: the outbox, its workers, e-mail and signed webhooks."""
