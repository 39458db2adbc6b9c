"""The mail adapters: the SMTP receiver (aiosmtpd) and the IMAP poller (imaplib)."""
