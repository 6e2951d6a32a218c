"""A throwaway PostgreSQL server for the test run, from Debian's binaries (no Docker, no network).

``make test`` runs the whole suite a second time with ``--db=postgresql``; the session starts
one server in a temp folder on a free loopback port, with durability off (fsync, synchronous
commit, full-page writes: a test database is thrown away anyway), and stops it at the end.
``INTRANET_TEST_POSTGRES_URL`` (``postgresql://user@host:port``) uses a running server instead.

PostgreSQL refuses to run as root, so as root (CI runs as root) the server runs as the
``postgres`` system user that Debian's package creates.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.ports import free_port

DRIVER = "postgresql+psycopg"


def binaries() -> Path | None:
    """Debian's newest server binaries (``/usr/lib/postgresql/<version>/bin``), if installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None



@dataclass
class Server:
    url: str  # without a database name: postgresql+psycopg://postgres@127.0.0.1:port
    folder: Path | None = None  # ours to stop and delete; None: a server someone else runs
    run_as: list[str] | None = None
    port: int = 0

    def database_url(self, name: str) -> str:
        return f"{self.url}/{name}"

    def admin_url(self, name: str) -> str:
        """The superuser over the server's Unix socket (trusted even when TCP wants a password)."""
        if self.folder is None:
            return self.database_url(name)
        return f"{DRIVER}://postgres@/{name}?host={self.folder}&port={self.port}"

    def stop(self) -> None:
        if self.folder is None:
            return
        bin_dir = binaries()
        subprocess.run([*(self.run_as or []), str(bin_dir / "pg_ctl"), "-D", str(self.folder / "data"),
                        "-m", "immediate", "stop"], capture_output=True, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def start(host_auth: str = "trust") -> Server:
    """A new cluster in a temp folder of its own, started and ready; raises with the server's log.

    Not under pytest's temp folder: that one is private to root, and the server runs as postgres.
    ``host_auth="scram-sha-256"``: TCP logins need a password, as in a deployment (the Unix socket
    stays trusted for ``admin_url``)."""
    given = os.environ.get("INTRANET_TEST_POSTGRES_URL")
    if given:
        return Server(given.replace("postgresql://", f"{DRIVER}://", 1).rstrip("/"))
    bin_dir = binaries()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (or set "
                           "INTRANET_TEST_POSTGRES_URL to a running server)")
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    folder = Path(tempfile.mkdtemp(prefix="intranet-pg-"))
    if run_as:
        shutil.chown(folder, "postgres", "postgres")
    data, port = folder / "data", free_port()
    subprocess.run([*run_as, str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth-local=trust",
                    f"--auth-host={host_auth}", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
                   check=True, capture_output=True)
    options = (f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} "
               "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 "
               "-c shared_buffers=64MB")
    log = folder / "server.log"
    subprocess.run([*run_as, str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log),
                    "-w", "-t", "60", "start"], check=True, capture_output=True)
    server = Server(f"{DRIVER}://postgres@127.0.0.1:{port}", folder, run_as, port)
    deadline = time.monotonic() + 30
    while subprocess.run([str(bin_dir / "pg_isready"), "-h", "127.0.0.1", "-p", str(port)],
                         capture_output=True).returncode != 0:
        if time.monotonic() > deadline:
            raise RuntimeError("PostgreSQL did not start:\n" + log.read_text(errors="replace"))
        time.sleep(0.1)
    return server
