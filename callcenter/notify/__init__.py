"""The notification adapter: e-mail (SMTP) and signed webhooks to contractors."""
