"""structlog set-up: JSON lines in production, a readable console in development.

Residents' numbers never reach a log in full: values under the keys in `PHONE_KEYS` are masked
(`+38067***4567`). Bind `call_id` with `structlog.contextvars.bound_contextvars` while a call is
handled so every line about it carries the id.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from callcenter.core.phones import mask

LOGGED_CHARS = 200  # of untrusted text (a peer's frame) in one log line
PHONE_KEYS = frozenset({"caller", "caller_raw", "phone"})


def mask_phone_numbers(_logger: Any, _name: str, event: MutableMapping[str, Any]
                       ) -> MutableMapping[str, Any]:
    for key in PHONE_KEYS & event.keys():
        value = event[key]
        event[key] = mask(value) if isinstance(value, str) else value
    return event


def configure(*, fmt: str = "console", level: str = "info") -> None:
    # One shared printer: a factory making a PrintLogger per log call (loggers are not cached,
    # so that configure() may run again) costs ~70 µs a call on the intake's hot path.
    printer = structlog.PrintLogger(file=sys.stderr)
    renderer: Any = (structlog.processors.JSONRenderer(ensure_ascii=False) if fmt == "json"
                     else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty()))
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            mask_phone_numbers,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)),
        logger_factory=lambda *_args: printer,
        cache_logger_on_first_use=False,
    )


def printable(text: str, limit: int = LOGGED_CHARS) -> str:
    """The start of untrusted text for a log line: control characters (terminal escapes, NUL,
    CR/LF) written as Python escapes, letters of every alphabet kept."""
    cut = text[:limit]
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)
    return shown + ("…" if len(text) > limit else "")
