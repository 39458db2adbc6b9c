"""Recording ingest: `python3 bench/recordings.py [--runs N] [--seconds S]`.

One 3-minute 8 kHz mono 16-bit WAV (espeak-ng speech when installed, else a tone), ingested
(a) by the ffmpeg CLI alone (`ffmpeg -i in.wav` with our codec, bitrate and output rate) and
(b) by our pipeline: the recordings worker's pass over one due row of a fresh SQLite
database (stat, SHA-256 while keeping the original with fsync and an atomic link, the pydub
encode, the compressed copy linked, the row marked stored). Runs alternate; medians of
`--runs`; the ratio (b)/(a) must be <= 1.2. Also bytes stored per minute of speech. Exits 0
whatever the figures (it is a report), 1 if something failed.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

from callcenter.calls.model.facts import CallEnded, CallEntered, RecordingAnnounced
from callcenter.calls.store.calls import SqlCallStore
from callcenter.core import logs, migrate
from callcenter.core.database import Database
from callcenter.recordings.audio import PydubEncoder, ffmpeg_path
from callcenter.recordings.service.archive import Archive
from callcenter.recordings.service.recordings import Recordings, RecordingSettings
from callcenter.recordings.store.recordings import SqlRecordingStore

ASTERISK = "/var/spool/asterisk/monitor"
TARGET = 1.2
TEXT = ("Good morning, this is the city hotline fifteen eighty. There has been no hot water "
        "in the building at Shevchenko street, house twelve, since yesterday evening, and "
        "the radiators in the stairwell are cold as well. The neighbours on the fifth floor "
        "say the basement is flooded. Please send someone from the housing company today.")


def make_wav(path: Path, seconds: float) -> str:
    """The sample: speech if espeak-ng is there (looped to length), else a 440 Hz tone."""
    ffmpeg = ffmpeg_path()
    espeak = shutil.which("espeak-ng")
    if espeak:
        spoken = path.with_name("speech.wav")
        subprocess.run([espeak, "-v", "en", "-s", "150", "-w", str(spoken), TEXT], check=True,
                       capture_output=True)
        source, kind = ["-stream_loop", "-1", "-i", str(spoken)], "espeak-ng speech"
    else:
        source, kind = ["-f", "lavfi", "-i", "sine=frequency=440"], "440 Hz tone"
    subprocess.run([ffmpeg, "-v", "error", "-y", *source, "-t", str(seconds), "-ac", "1",
                    "-ar", "8000", "-c:a", "pcm_s16le", str(path)], check=True)
    return kind


def ffmpeg_alone(encoder: PydubEncoder, source: Path, target: Path) -> float:
    command = [encoder.ffmpeg, "-v", "error", "-y", "-i", str(source), "-b:a", encoder.bitrate,
               *encoder.parameters(), "-f", encoder.format, str(target)]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - start


class Pipeline:
    """The recordings worker on a fresh SQLite database; one due row per run."""

    def __init__(self, work: Path, url: str, encoder: PydubEncoder) -> None:
        self.spool = work / "spool"
        self.spool.mkdir()
        self.db = Database(url)
        settings = RecordingSettings(spool_dir=str(self.spool), asterisk_spool_dir=ASTERISK,
                                     workers=1, settle_seconds=0.0)
        self.service = Recordings(store=SqlRecordingStore(self.db, pbx="pbx1"),
                                  archive=Archive(work / "archive"), encoder=encoder,
                                  settings=settings)
        self.calls = SqlCallStore(self.db, pbx="pbx1", timezone="Europe/Kyiv")
        self.pool = ThreadPoolExecutor(1)
        self.runs = 0

    async def once(self, sample: Path) -> float:
        self.runs += 1
        call_id = f"{self.runs}.0"
        shutil.copyfile(sample, self.spool / f"{call_id}.wav")
        at = datetime.now(UTC) - timedelta(minutes=5)
        facts = [CallEntered(call_id, at, "landline", "landline", "PJSIP/landline-1", None,
                             "", None, None),
                 RecordingAnnounced(call_id, at, f"{ASTERISK}/{call_id}.wav"),
                 CallEnded(call_id, at + timedelta(minutes=3), "answered", 16, "")]
        await self.calls.apply(facts)
        await self.service.facts_stored(facts)
        before = self.service.finished
        start = time.perf_counter()
        async with asyncio.TaskGroup() as tasks:
            await self.service.poll(tasks, self.pool)
        seconds = time.perf_counter() - start
        if self.service.finished != before + 1:
            raise RuntimeError("the pipeline did not store the recording")
        return seconds

    def stored_size(self) -> tuple[int, int]:
        """Bytes of the first recording's compressed copy and kept original."""
        archive = self.service.archive
        files = archive.files()
        mp3 = next(f for f in files if f.endswith(".mp3"))
        wav = next(f for f in files if f.endswith(".wav"))
        return archive.path(mp3).stat().st_size, archive.path(wav).stat().st_size


async def measure(args: argparse.Namespace, work: Path) -> int:
    encoder = PydubEncoder()
    sample = work / "sample.wav"
    kind = make_wav(sample, args.seconds)
    url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    await asyncio.to_thread(migrate.upgrade, url)
    pipeline = Pipeline(work, url, encoder)
    alone, ours = [], []
    try:
        for run in range(args.runs):
            if run % 2:
                ours.append(await pipeline.once(sample))
                alone.append(ffmpeg_alone(encoder, sample, work / f"alone-{run}.mp3"))
            else:
                alone.append(ffmpeg_alone(encoder, sample, work / f"alone-{run}.mp3"))
                ours.append(await pipeline.once(sample))
        mp3, wav = pipeline.stored_size()
    finally:
        pipeline.pool.shutdown()
        await pipeline.db.close()
    report(args, kind, encoder, statistics.median(alone), statistics.median(ours), mp3, wav)
    return 0


def report(args: argparse.Namespace, kind: str, encoder: PydubEncoder, alone: float,
           ours: float, mp3: int, wav: int) -> None:
    ratio = ours / alone
    minutes = args.seconds / 60
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print(f"recordings benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: {args.seconds:.0f} s "
          f"of {kind}, 8 kHz mono 16-bit; {encoder.format} {encoder.bitrate}, "
          f"{encoder.sample_rate} Hz out; ffmpeg {encoder.ffmpeg}; median of {args.runs}")
    print(f"(a) ffmpeg CLI alone        {alone:6.3f} s   1.00")
    print(f"(b) our pipeline (SQLite)   {ours:6.3f} s   {ratio:4.2f}   {verdict} "
          f"(ratio <= {TARGET})")
    print(f"stored per minute of speech: {mp3 / minutes / 1024:,.1f} KiB compressed "
          f"({encoder.format}), {wav / minutes / 1024:,.1f} KiB original WAV (kept "
          "recordings.original_days)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seconds", type=float, default=180.0)
    args = parser.parse_args(argv)
    logs.configure(level="warning")
    with tempfile.TemporaryDirectory(prefix="cc-bench-rec-") as work:
        try:
            return asyncio.run(measure(args, Path(work)))
        except (subprocess.CalledProcessError, RuntimeError) as exc:
            print(f"bench/recordings.py: {exc}", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
