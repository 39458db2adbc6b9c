"""Announcement sounds as Asterisk plays them: 8 kHz mono 16-bit WAV in the sounds folder.

Spoken ones come from espeak-ng (Ukrainian voice) through ffmpeg; uploaded recordings (a
phone's m4a, mp3, ogg, wav ...) through ffmpeg alone. A sound is named after its content
(`notice-<16 hex>`), so the same text makes the same file, a file never changes under a
caller who is hearing it, and a preview is the very file that will play.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
import tempfile
import wave
from pathlib import Path

import structlog

from callcenter.outages.model.announcements import (
    MAX_SECONDS,
    MAX_UPLOAD,
    SOUND_NAME,
    AnnouncementRefused,
    Sound,
    speakable,
)

log = structlog.get_logger("callcenter.outages")
RUN_SECONDS = 60.0  # a converter taking longer than this is stopped
TO_PHONE_WAV = ["-vn", "-ac", "1", "-ar", "8000", "-c:a", "pcm_s16le", "-map_metadata", "-1",
                "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "wav"]


class SoundMaker:
    def __init__(self, folder: Path, *, voice: str = "uk", rate: int = 140,
                 espeak: str = "espeak-ng", ffmpeg: str = "ffmpeg") -> None:
        self.folder = folder
        self._voice, self._rate = voice, rate
        self._espeak, self._ffmpeg = espeak, ffmpeg

    def path(self, name: str) -> Path | None:
        """The WAV of a sound, None for a name that is not a sound's (or no such file)."""
        if not SOUND_NAME.fullmatch(name):
            return None
        path = self.folder / f"{name}.wav"
        return path if path.is_file() else None

    async def speak(self, text: str) -> Sound:
        espeak = _tool(self._espeak, "no_speech", "the speech synthesiser (espeak-ng) is not "
                       "installed on the server")
        with tempfile.TemporaryDirectory(prefix="notice-") as work:
            raw = Path(work) / "speech.wav"
            await _run([espeak, "-v", self._voice, "-s", str(self._rate), "-b", "1",
                        "-w", str(raw), "--stdin"], speakable(text).encode(), "speech_failed")
            return await self._to_phone(raw, Path(work))

    async def convert(self, data: bytes) -> Sound:
        if not data:
            raise AnnouncementRefused("not_audio", "the file is empty")
        if len(data) > MAX_UPLOAD:
            raise AnnouncementRefused("too_long", "the file is larger than 20 MB")
        with tempfile.TemporaryDirectory(prefix="notice-") as work:
            upload = Path(work) / "upload"
            upload.write_bytes(data)
            return await self._to_phone(upload, Path(work))

    async def _to_phone(self, source: Path, work: Path) -> Sound:
        ffmpeg = _tool(self._ffmpeg, "no_ffmpeg", "ffmpeg is not installed on the server")
        out = work / "phone.wav"
        await _run([ffmpeg, "-v", "error", "-nostdin", "-y", "-i", str(source),
                    "-t", str(MAX_SECONDS + 1), *TO_PHONE_WAV, str(out)], b"", "not_audio")
        seconds = _seconds(out)
        content = out.read_bytes()
        name = "notice-" + hashlib.sha256(content).hexdigest()[:16]
        self._keep(content, name)
        return Sound(name, seconds)

    def _keep(self, content: bytes, name: str) -> None:
        """Into the folder by a rename, so Asterisk never reads half a file."""
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{name}.wav"
        if final.exists():
            return
        fd, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)  # Asterisk runs as another user
        os.replace(temporary, final)


def _tool(name: str, error_id: str, message: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise AnnouncementRefused(error_id, message)
    return found


async def _run(argv: list[str], stdin: bytes, error_id: str) -> None:
    process = await asyncio.create_subprocess_exec(
        *argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(RUN_SECONDS):
            _, err = await process.communicate(stdin)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise AnnouncementRefused(error_id, f"{Path(argv[0]).name} took too long") from None
    if process.returncode != 0:
        detail = err.decode("utf-8", "replace").strip()[-500:]
        log.info("notice_sound_refused", tool=Path(argv[0]).name, error=detail)
        raise AnnouncementRefused(error_id, detail or f"exit code {process.returncode}")


def _seconds(path: Path) -> float:
    try:
        with wave.open(str(path), "rb") as sound:
            return sound.getnframes() / sound.getframerate()
    except (wave.Error, EOFError, OSError) as exc:
        raise AnnouncementRefused("not_audio", str(exc)) from exc
