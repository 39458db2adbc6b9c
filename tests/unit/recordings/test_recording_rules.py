"""Pure recording rules: WAV headers, spool and archive paths, settling, retention."""

from __future__ import annotations

import struct
from datetime import UTC, date, datetime, timedelta

import pytest

from callcenter.recordings.model import recordings as rec
from callcenter.recordings.model.wav import CorruptRecording, inspect_wav

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def header(data_bytes: int, *, rate: int = 8000, encoding: int = 1, bits: int = 16,
           extra: bytes = b"") -> bytes:
    width = bits // 8
    fmt = struct.pack("<HHIIHH", encoding, 1, rate, rate * width, width, bits)
    return (b"RIFF" + struct.pack("<I", min(36 + len(extra) + data_bytes, 0xFFFFFFFF)) + b"WAVE"
            + b"fmt " + struct.pack("<I", 16) + fmt + extra
            + b"data" + struct.pack("<I", data_bytes))


def test_a_sound_wav() -> None:
    info = inspect_wav(header(16000), 44 + 16000)
    assert (info.channels, info.rate, info.sample_width, info.data_offset) == (1, 8000, 2, 44)
    assert info.duration == 1.0 and info.problem is None


def test_chunks_before_the_data_are_skipped() -> None:
    extra = b"LIST" + struct.pack("<I", 5) + b"abcde\x00"  # odd length: padded
    info = inspect_wav(header(800, extra=extra), 44 + len(extra) + 800)
    assert info.data_offset == 44 + len(extra) and info.data_bytes == 800


def test_a_file_cut_short_keeps_what_is_there() -> None:
    info = inspect_wav(header(32000), 44 + 16001)  # an odd byte: half a sample
    assert info.data_bytes == 16000
    assert info.problem == "truncated: the header declares 2.0 s, the file holds 1.0 s"


@pytest.mark.parametrize("declared", [0, 0xFFFFFFFF])
def test_a_header_never_finished_takes_all_the_samples(declared: int) -> None:
    info = inspect_wav(header(declared), 44 + 8000)
    assert info.data_bytes == 8000
    assert info.problem == "the recorder never finished the WAV header (stopped abruptly)"


@pytest.mark.parametrize(("head", "size", "reason"), [
    (b"", 0, "empty file (0 bytes)"),
    (b"ID3\x04" + bytes(40), 44, "not a WAV file (no RIFF/WAVE header)"),
    (header(0)[:20], 20, "truncated header (20 bytes, no data chunk)"),
    (header(0), 44, "no audio (a WAV header without samples)"),
    (header(100, encoding=0x31), 144, "unsupported WAV encoding 0x0031 (PCM only)"),
    (header(100, bits=12), 144, "impossible format: 1 channels, 8000 Hz, 12 bits"),
    (b"RIFF\x00\x00\x00\x00WAVEdata\x10\x00\x00\x00", 36,
     "truncated header (no complete fmt chunk before the data)"),
])
def test_files_without_usable_audio(head: bytes, size: int, reason: str) -> None:
    with pytest.raises(CorruptRecording, match=reason.replace("(", r"\(").replace(")", r"\)")):
        inspect_wav(head, size)


def test_spool_paths_map_the_asterisk_prefix() -> None:
    def mapped(announced: str) -> str:
        return rec.spool_path(announced, asterisk_dir="/var/spool/asterisk/monitor",
                              spool_dir="/mnt/pbx1/monitor")

    assert mapped("/var/spool/asterisk/monitor/1795908885.0.wav") == (
        "/mnt/pbx1/monitor/1795908885.0.wav")
    assert mapped("/var/spool/asterisk/monitor/2026/a.wav") == "/mnt/pbx1/monitor/2026/a.wav"
    assert mapped("1795908885.0.wav") == "/mnt/pbx1/monitor/1795908885.0.wav"  # relative
    for outside in ("/tmp/x.wav", "/var/spool/asterisk/monitor/../../../etc/passwd", ""):
        with pytest.raises(rec.OutsideSpool):
            mapped(outside)


def test_archive_layout_by_date() -> None:
    assert rec.archive_paths("ab12", date(2026, 1, 5), "mp3") == (
        "2026/01/05/ab12.mp3", "2026/01/05/ab12.wav")


def test_a_file_settles_when_it_stops_changing() -> None:
    seen = rec.observe(None, size=100, mtime_ns=1, now=10.0)
    assert not rec.settled(seen, now=10.0, settle_seconds=2.0)
    seen = rec.observe(seen, size=100, mtime_ns=1, now=11.0)
    assert seen.since == 10.0 and not rec.settled(seen, now=11.9, settle_seconds=2.0)
    grown = rec.observe(seen, size=200, mtime_ns=2, now=12.0)
    assert grown.since == 12.0 and not rec.settled(grown, now=13.0, settle_seconds=2.0)
    touched = rec.observe(grown, size=200, mtime_ns=3, now=14.0)
    assert touched.since == 14.0 and rec.settled(touched, now=16.0, settle_seconds=2.0)


def test_overdue_and_retry_delays() -> None:
    assert rec.overdue(NOW - timedelta(seconds=600), now=NOW, missing_after=600)
    assert not rec.overdue(NOW - timedelta(seconds=599), now=NOW, missing_after=600)
    assert [rec.retry_delay(n) for n in (1, 2, 3, 10)] == [5.0, 10.0, 20.0, 300.0]


def retained(**changes: object) -> rec.Retained:
    base = rec.Retained("r1", False, "d/r1.wav", "d/r1.mp3", NOW - timedelta(days=1),
                        NOW + timedelta(days=1))
    return rec.Retained(**{**{f: getattr(base, f) for f in base.__slots__}, **changes})


def test_purge_takes_the_original_first_then_everything() -> None:
    step = rec.purge_step(retained(), NOW)
    assert step == rec.PurgeStep("r1", "d/r1.wav", None) and not step.whole
    step = rec.purge_step(retained(purge_after=NOW), NOW)
    assert step is not None and step.whole and step.paths == ("d/r1.mp3", "d/r1.wav")
    step = rec.purge_step(retained(purge_after=NOW, original_path=None), NOW)
    assert step is not None and step.paths == ("d/r1.mp3",)
    assert rec.purge_step(retained(original_purge_after=NOW + timedelta(seconds=1)), NOW) is None


def test_purge_never_touches_a_legal_hold() -> None:
    assert rec.purge_step(retained(legal_hold=True, purge_after=NOW), NOW) is None


def test_purge_dates() -> None:
    assert rec.purge_dates(NOW, original_days=90, retention_days=1095) == (
        NOW + timedelta(days=90), NOW + timedelta(days=1095))
