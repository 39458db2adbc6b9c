"""The routing rules in use, read from their file and reloaded on demand (SIGHUP, a command).

A file that does not parse or validate never replaces the rules in use: `reload()` logs every
problem and keeps serving the previous rules. At start-up there is nothing to fall back on, so
`load()` raises.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import structlog

from callcenter.routing.model.rules import Rules, RulesError, parse_rules

log = structlog.get_logger("callcenter.routing")


def read_rules(path: Path, *, timezone: str) -> Rules:
    """The rules of a file, or RulesError naming every problem (the file's too)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RulesError([f"{path}: no such file"]) from exc
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesError([f"{path}: {exc}"]) from exc
    return parse_rules(data, timezone=timezone)


class RuleHolder:
    def __init__(self, path: str | Path, *, timezone: str) -> None:
        self.path = Path(path)
        self.timezone = timezone
        self._rules: Rules | None = None
        self.version = ""

    @property
    def rules(self) -> Rules:
        if self._rules is None:
            raise RuntimeError("routing rules not loaded yet: call load() at start-up")
        return self._rules

    def load(self) -> Rules:
        rules = read_rules(self.path, timezone=self.timezone)
        self._rules = rules
        self.version = hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]
        log.info("routing_rules_loaded", path=str(self.path), rules=len(rules.rules),
                 version=self.version)
        return rules

    def reload(self) -> bool:
        """Load the file again; on any problem keep the rules in use and say why."""
        try:
            self.load()
        except (RulesError, OSError) as exc:
            problems = exc.problems if isinstance(exc, RulesError) else [str(exc)]
            log.error("routing_rules_rejected", path=str(self.path), problems=problems,
                      kept_version=self.version)
            return False
        return True
