"""The AMI adapter: a panoramisk-based link to Asterisk that never stalls and never hangs."""
