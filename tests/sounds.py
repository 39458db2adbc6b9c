"""Audio the tests make themselves (no binary files in git): tones, silence, espeak-ng speech,
files cut short, and a decoder check through the ffmpeg binary."""

from __future__ import annotations

import math
import os
import shutil
import struct
import subprocess
import wave
from pathlib import Path

import pytest

from callcenter.recordings.audio import ffmpeg_path
from callcenter.recordings.model.wav import inspect_wav


def require_tool(name: str) -> str:
    """The path of a Debian tool; skip without it, but fail under CI (.ci/run installs it)."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required under CI (.ci/run installs it)")
    pytest.skip(f"{name} is not installed")


def tone_frames(seconds: float, *, rate: int = 8000, freq: float = 440.0) -> bytes:
    count = int(seconds * rate)
    step = 2 * math.pi * freq / rate
    return b"".join(struct.pack("<h", int(9000 * math.sin(step * i))) for i in range(count))


def tone_wav(path: Path, seconds: float, *, rate: int = 8000, freq: float = 440.0) -> Path:
    """A mono 16-bit PCM WAV as Asterisk's MixMonitor writes it (8 kHz by default)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(tone_frames(seconds, rate=rate, freq=freq))
    return path


def wav_header(data_bytes: int, *, rate: int = 8000) -> bytes:
    """A 44-byte PCM header; `data_bytes` 0 is what a recorder writes before it finishes."""
    riff = 36 + data_bytes if data_bytes else 0
    return (b"RIFF" + struct.pack("<I", riff) + b"WAVEfmt "
            + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
            + b"data" + struct.pack("<I", data_bytes))


def speech_wav(path: Path, text: str, *, rate: int = 8000) -> Path:
    """espeak-ng speech resampled to `rate` Hz mono 16-bit, as a phone line carries it."""
    espeak = require_tool("espeak-ng")
    raw = path.with_suffix(".espeak.wav")
    subprocess.run([espeak, "-v", "en", "-s", "150", "-w", str(raw), text], check=True,
                   capture_output=True, timeout=120)
    subprocess.run([ffmpeg_path(), "-v", "error", "-y", "-i", str(raw), "-ac", "1", "-ar",
                    str(rate), "-c:a", "pcm_s16le", str(path)], check=True, timeout=120)
    raw.unlink()
    return path


def decoded_seconds(path: Path) -> float:
    """Decode a compressed file completely with ffmpeg; fail on any decoder complaint."""
    result = subprocess.run([ffmpeg_path(), "-v", "error", "-i", str(path), "-f", "wav",
                             "-c:a", "pcm_s16le", "-"], capture_output=True, timeout=120,
                            check=False)
    assert result.returncode == 0 and not result.stderr, result.stderr.decode()
    info = inspect_wav(result.stdout[:4096], len(result.stdout))
    return info.duration
