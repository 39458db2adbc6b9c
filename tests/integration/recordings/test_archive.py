"""The archive on a real disk: complete files or none, never an overwrite, temp files of dead
processes cleaned up."""

from __future__ import annotations

import hashlib
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import BinaryIO

import pytest

from callcenter.recordings.service.archive import Archive, ArchiveConflict


def test_copy_in_hashes_what_it_copied(tmp_path: Path) -> None:
    source = tmp_path / "in.wav"
    source.write_bytes(b"RIFF" + os.urandom(5000))
    archive = Archive(tmp_path / "archive")
    got = archive.copy_in(source, "2026/11/29/a.wav")
    assert got.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert got.size == 5004
    assert (tmp_path / "archive/2026/11/29/a.wav").read_bytes() == source.read_bytes()
    assert archive.copy_in(source, "2026/11/29/a.wav") == got  # again: the same file, kept
    assert archive.temp_files() == []


def test_a_different_file_under_a_taken_name_is_refused(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    first, second = tmp_path / "1.wav", tmp_path / "2.wav"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    archive.copy_in(first, "x.wav")
    with pytest.raises(ArchiveConflict, match="already exists with other content"):
        archive.copy_in(second, "x.wav")
    assert (tmp_path / "archive/x.wav").read_bytes() == b"one"


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")

    def half_then_fail(out: BinaryIO) -> None:
        out.write(b"half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        archive.produce("d/r.mp3", half_then_fail)
    assert archive.files() == [] and archive.temp_files() == []
    assert archive.produce("d/r.mp3", lambda out: out.write(b"whole") and None).size == 5
    assert archive.produce("d/r.mp3", half_then_fail).size == 5  # kept, not written again


def test_temp_files_of_dead_processes_are_removed(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "archive")
    folder = tmp_path / "archive/2026"
    folder.mkdir(parents=True)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    host = socket.gethostname().replace(".", "_")
    mine = folder / f".a.mp3.{host}-{os.getpid()}-0001.tmp"
    gone = folder / f".b.mp3.{host}-{dead}-0002.tmp"
    other_host = folder / f".c.mp3.elsewhere-{dead}-0003.tmp"
    for temp in (mine, gone, other_host):
        temp.write_bytes(b"partial")
    assert archive.remove_abandoned_temps() == [gone]
    day_later = os.path.getmtime(mine) + 25 * 3600
    assert sorted(archive.remove_abandoned_temps(now=day_later)) == sorted([mine, other_host])
