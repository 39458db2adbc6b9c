"""A private Dovecot IMAP server for the tests: its own config in a temporary folder, on a
free loopback port, users from a passwd-file, mail in a Maildir there; nothing of the
machine's own configuration or paths. Skipped on a machine without Dovecot, never under CI
(`.ci/run` installs `dovecot-imapd`)."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

USER, PASSWORD = "hotline", "secret-1580"


def require_dovecot() -> str:
    found = shutil.which("dovecot") or ("/usr/sbin/dovecot"
                                        if Path("/usr/sbin/dovecot").exists() else None)
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("dovecot is required under CI (apt-get install dovecot-imapd)")
    pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")


@dataclass
class Dovecot:
    root: Path
    port: int

    @property
    def inbox(self) -> Path:
        return self.root / "mail" / USER

    def deliver(self, raw: bytes, name: str) -> None:
        """Put a letter in the Maildir as a delivery agent would (tmp, then new)."""
        for folder in (self.inbox, *(self.inbox / sub for sub in ("tmp", "new", "cur"))):
            folder.mkdir(parents=True, exist_ok=True)
            os.chmod(folder, 0o777)  # Dovecot's user writes its index files beside ours
        temp = self.inbox / "tmp" / name
        temp.write_bytes(raw)
        os.chmod(temp, 0o666)
        temp.rename(self.inbox / "new" / name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _config(root: Path, port: int) -> str:
    me = pwd.getpwuid(os.getuid())
    internal = "dovecot" if os.getuid() == 0 else me.pw_name
    login = "dovenull" if os.getuid() == 0 else me.pw_name
    return f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 0
default_internal_user = {internal}
default_login_user = {login}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


@contextlib.contextmanager
def dovecot() -> Iterator[Dovecot]:
    """Dovecot in a fresh folder of its own (readable by its unprivileged processes, unlike
    pytest's private temporary folders), removed afterwards."""
    binary = require_dovecot()
    root = Path(tempfile.mkdtemp(prefix="callcenter-dovecot-"))
    try:
        with _running(binary, root) as server:
            yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def _running(binary: str, root: Path) -> Iterator[Dovecot]:
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    os.chmod(root, 0o755)
    os.chmod(root / "mail", 0o777)
    port = _free_port()
    uid, gid = os.getuid(), os.getgid()
    if uid == 0:  # Dovecot never reads mail as root: as its own user, in a Maildir open to it
        owner = pwd.getpwnam("dovecot")
        uid, gid = owner.pw_uid, owner.pw_gid
    (root / "passwd").write_text(
        f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root}/home/{USER}::\n")
    conf = root / "dovecot.conf"
    conf.write_text(_config(root, port))
    errors = root / "start.err"
    with errors.open("wb") as err:  # dovecot forks: no pipe for its children to hold open
        started = subprocess.run([binary, "-c", str(conf)], stdin=subprocess.DEVNULL,
                                 stdout=subprocess.DEVNULL, stderr=err, check=False)
    if started.returncode != 0:
        raise RuntimeError(f"dovecot did not start: {errors.read_text()}")
    try:
        _wait_for(port, root)
        yield Dovecot(root, port)
    finally:
        subprocess.run(["doveadm", "-c", str(conf), "stop"], stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def _wait_for(port: int, root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
    raise RuntimeError(f"dovecot is not listening on {port}: {log[-2000:]}")
