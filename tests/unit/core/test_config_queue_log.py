"""`[pbx] queue_log`: Asterisk's queue_log file as the backend reads it (empty: none)."""

from __future__ import annotations

from pathlib import Path

from callcenter.core.config import load


def test_it_is_empty_by_default_set_in_the_file_and_overridden_from_the_environment(
        tmp_path: Path) -> None:
    path = tmp_path / "callcenter.toml"
    path.write_text('[pbx]\nqueue_log = "/var/log/asterisk/queue_log"\n', encoding="utf-8")
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    assert load(empty, {}).pbx.queue_log == ""
    assert load(path, {}).pbx.queue_log == "/var/log/asterisk/queue_log"
    mounted = {"CALLCENTER_PBX__QUEUE_LOG": "/mnt/pbx1-log/queue_log"}
    assert load(path, mounted).pbx.queue_log == "/mnt/pbx1-log/queue_log"
