"""The webhook signature as a contractor checks it: README's own snippet, run here, accepts
a fresh request and refuses a tampered body, a wrong secret and a replay after five minutes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from callcenter.delivery.senders.webhook import signature

ROOT = Path(__file__).resolve().parents[3]
Verify = Callable[..., bool]


def readme_verify() -> Verify:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### Verifying a webhook"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "README lost its verification snippet"
    scope: dict[str, object] = {}
    exec(compile(code.group(1), "README.md", "exec"), scope)  # README's code, as published
    verify = scope["verify"]
    assert callable(verify)
    return verify


def test_the_time_is_signed_with_the_body() -> None:
    header = signature(b"s3cret", b'{"a":1}', 1_800_000_000)
    stamp, mac = header.split(",")
    assert stamp == "t=1800000000" and re.fullmatch(r"v1=[0-9a-f]{64}", mac)
    assert signature(b"s3cret", b'{"a":1}', 1_800_000_001) != header


def test_readme_snippet_accepts_fresh_and_refuses_replayed_or_tampered() -> None:
    verify, body, sent = readme_verify(), b'{"event":"appeal.assigned"}', 1_800_000_000
    header = signature(b"s3cret", body, sent)
    assert verify(b"s3cret", header, body, now=sent + 10)
    assert not verify(b"s3cret", header, body, now=sent + 301)  # captured and replayed later
    assert not verify(b"s3cret", header, body + b" ", now=sent)
    assert not verify(b"other", header, body, now=sent)
    assert not verify(b"s3cret", "sha256=" + header.split("v1=")[1], body, now=sent)
    assert not verify(b"s3cret", "", body, now=sent)
