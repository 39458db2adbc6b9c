"""What a WAV file's header says, pure: format, where the samples are, how many are usable."""

from __future__ import annotations

import struct
from dataclasses import dataclass

HEADER_BYTES = 4096  # enough for RIFF, fmt, LIST/fact chunks and the data chunk header
PCM_FORMATS = {1: "PCM", 0xFFFE: "PCM (extensible)"}
UNFINISHED_SIZES = {0, 0xFFFFFFFF}  # data size a recorder writes first and fixes on close


class CorruptRecording(Exception):
    """The file is there but holds no usable audio; the message says why."""


@dataclass(frozen=True, slots=True)
class WavInfo:
    channels: int
    rate: int
    sample_width: int
    data_offset: int
    data_bytes: int  # usable: present in the file, whole frames
    declared_bytes: int

    @property
    def frame_width(self) -> int:
        return self.channels * self.sample_width

    @property
    def duration(self) -> float:
        return self.data_bytes / (self.frame_width * self.rate)

    @property
    def problem(self) -> str | None:
        """Why the audio is incomplete though usable; None for a sound file."""
        if self.declared_bytes in UNFINISHED_SIZES:
            return "the recorder never finished the WAV header (stopped abruptly)"
        declared = self.declared_bytes // self.frame_width * self.frame_width
        if declared > self.data_bytes:
            seconds = declared / (self.frame_width * self.rate)
            return (f"truncated: the header declares {seconds:.1f} s, "
                    f"the file holds {self.duration:.1f} s")
        return None


def inspect_wav(head: bytes, size: int) -> WavInfo:
    """Read a WAV header from the first bytes of a file of `size` bytes.

    Raises CorruptRecording with the reason when the file holds no usable PCM audio.
    """
    if size == 0:
        raise CorruptRecording("empty file (0 bytes)")
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        raise CorruptRecording("not a WAV file (no RIFF/WAVE header)")
    fmt: bytes | None = None
    pos = 12
    while pos + 8 <= len(head):
        chunk, length = head[pos:pos + 4], struct.unpack_from("<I", head, pos + 4)[0]
        if chunk == b"fmt ":
            fmt = head[pos + 8:pos + 8 + length]
        elif chunk == b"data":
            return _with_data(fmt, pos + 8, length, size)
        pos += 8 + length + (length & 1)
    if size > len(head) and len(head) >= HEADER_BYTES:
        raise CorruptRecording(f"no data chunk in the first {HEADER_BYTES} bytes")
    raise CorruptRecording(f"truncated header ({size} bytes, no data chunk)")


def _with_data(fmt: bytes | None, offset: int, declared: int, size: int) -> WavInfo:
    channels, rate, width = _format(fmt)
    present = max(size - offset, 0)
    usable = present if declared in UNFINISHED_SIZES else min(declared, present)
    usable -= usable % (channels * width)
    if usable == 0:
        raise CorruptRecording("no audio (a WAV header without samples)")
    return WavInfo(channels, rate, width, offset, usable, declared)


def _format(fmt: bytes | None) -> tuple[int, int, int]:
    if fmt is None or len(fmt) < 16:
        raise CorruptRecording("truncated header (no complete fmt chunk before the data)")
    encoding, channels, rate = struct.unpack_from("<HHI", fmt, 0)
    bits = struct.unpack_from("<H", fmt, 14)[0]
    if encoding not in PCM_FORMATS:
        raise CorruptRecording(f"unsupported WAV encoding 0x{encoding:04X} (PCM only)")
    if channels < 1 or rate < 1 or bits not in {8, 16, 24, 32}:
        raise CorruptRecording(
            f"impossible format: {channels} channels, {rate} Hz, {bits} bits")
    return channels, rate, bits // 8
