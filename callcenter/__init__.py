"""callcenter: the backend of a city's operational-response hotline (1580)."""

__version__ = "0.1.0"
