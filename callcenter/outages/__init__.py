"""Outages: the register of planned and emergency utility outages, the address check the
screen pop asks, the public pages and feeds, and the texts for social media and the digest."""
