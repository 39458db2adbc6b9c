"""Delivery: the senders (SMTP, webhooks)."""
