"""A throwaway redis-server for the test run (Debian's binary, no Docker): the scale-out tests run
several app instances, or several server processes, against it.

One server per session on a free loopback port, in a temp folder, with persistence off; each test
that uses it starts from an empty database (``flush``). Without redis-server those tests skip.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from tests.ports import free_port

STARTUP_TIMEOUT_S = 60


def binary() -> str | None:
    return shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/local/bin/redis-server") if Path(p).exists()), None)



@dataclass
class Server:
    url: str
    proc: subprocess.Popen

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start(folder: Path) -> Server:
    """Start redis-server in ``folder`` and wait until it answers; raises with its log if not."""
    exe = binary()
    if exe is None:
        raise RuntimeError("redis-server is not installed")
    port, log = free_port(), folder / "redis.log"
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                             "--save", "", "--appendonly", "no", "--logfile", str(log)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    server = Server(f"redis://127.0.0.1:{port}/0", proc)
    client = redis.Redis.from_url(server.url)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        while True:
            try:
                client.ping()
                return server
            except redis.ConnectionError as exc:
                if proc.poll() is not None or time.monotonic() > deadline:
                    server.stop()
                    written = log.read_text() if log.exists() else ""
                    raise RuntimeError(f"redis-server did not start:\n{written}") from exc
                time.sleep(0.05)
    finally:
        client.close()


def flush(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
