"""The compressed copy of a recording, made with pydub and ffmpeg.

ffmpeg: Debian's `ffmpeg` when it is on PATH, else the binary the imageio-ffmpeg wheel ships
(`imageio_ffmpeg.get_ffmpeg_exe()`), so a fresh `pip install -e .` has one. pydub reads the
WAV through the `wave`-style parser of ours (no ffprobe needed) and runs ffmpeg to encode.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path
from typing import BinaryIO

from callcenter.recordings.model.wav import WavInfo

with warnings.catch_warnings():
    # pydub 0.25 imports audioop, deprecated since Python 3.11 (PEP 594); and it warns at
    # import when ffmpeg is not on PATH although we hand it the binary ourselves.
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    warnings.filterwarnings("ignore", "Couldn't find ffmpeg or avconv", RuntimeWarning)
    from pydub import AudioSegment

# 8-bit WAV samples are unsigned; pydub keeps them signed.
UNSIGNED_TO_SIGNED = bytes((b - 128) & 0xFF for b in range(256))


def ffmpeg_path() -> str:
    """Debian's ffmpeg if installed, else the one inside the imageio-ffmpeg package."""
    found = shutil.which("ffmpeg")
    if found:
        return found
    import imageio_ffmpeg

    return str(imageio_ffmpeg.get_ffmpeg_exe())


class PydubEncoder:
    """The `Encoder` of services.ingest: PCM WAV -> `format` (mp3) at `bitrate`, mono."""

    def __init__(self, *, format: str = "mp3", bitrate: str = "32k",
                 sample_rate: int = 16000, ffmpeg: str | None = None) -> None:
        self._format = format
        self.bitrate = bitrate
        self.sample_rate = sample_rate
        self.ffmpeg = ffmpeg or ffmpeg_path()

    @property
    def format(self) -> str:
        return self._format

    def parameters(self) -> list[str]:
        return ["-ac", "1", "-ar", str(self.sample_rate)]

    def encode(self, source: Path, wav: WavInfo, target: BinaryIO) -> None:
        segment = AudioSegment(data=_pcm(source, wav), sample_width=wav.sample_width,
                               frame_rate=wav.rate, channels=wav.channels)
        segment.converter = self.ffmpeg
        # Given an open file, export() writes into it and returns the same object (given a
        # path, it would return a handle it opened and never closes); the caller closes it.
        segment.export(target, format=self._format, bitrate=self.bitrate,
                       parameters=self.parameters())


def _pcm(source: Path, wav: WavInfo) -> bytes:
    with source.open("rb") as handle:
        handle.seek(wav.data_offset)
        data = handle.read(wav.data_bytes)
    data = data[:len(data) - len(data) % wav.frame_width]
    return data.translate(UNSIGNED_TO_SIGNED) if wav.sample_width == 1 else data
