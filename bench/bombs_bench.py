"""Peak memory of the web process while each hostile file is uploaded and indexed.

    python bench/bombs_bench.py                   # this checkout
    python bench/bombs_bench.py --root /work/old  # another checkout (e.g. before the caps)

Starts the real server (``gunicorn -w 1 --threads 8 wsgi:app``, the search indexer as a thread
of the web process, as out of the box) on a fresh SQLite database, logs in through the form, then
for each bomb of ``tests/bombs.py``: notes the server's RSS, resets its peak (``clear_refs``),
uploads the bomb (a post's file, or the avatar), waits until the indexer has taken the post's
file in (its name is found by search; the text extraction has run by then, in a child process
since the caps), and reads the peak (``VmHWM``). Reported: the answer, the RSS before, the peak
growth and the time, per bomb. Aim (issue 16): every bomb under +50 MB for the web process.
The bombs are always built by this checkout's tests/bombs.py.
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests import bombs  # noqa: E402

PASSWORD = "bench-bombs-1234"
EMAIL = "bomb@bench.example"
Bomb = tuple[str, str, Callable[[], bytes]]  # name, where (post|avatar), builder
BOMBS: list[Bomb] = [
    ("issue.docx", "post", lambda: bombs.docx_xml_bomb(51)),
    ("parts.docx", "post", bombs.docx_bomb),
    ("entries.xlsx", "post", bombs.xlsx_many_entries),
    ("ratio.odt", "post", bombs.odt_ratio_bomb),
    ("pages.pdf", "post", lambda: bombs.pdf_many_pages(20_000, "Firstpage", "Lastpage")),
    ("endless.pdf", "post", lambda: bombs.pdf_endless_page(2_000_000)),
    ("bomb400mp.png", "avatar", lambda: bombs.png_bomb(20_000, 20_000)),
    ("rgb36mp.png", "avatar", lambda: bombs.png_bomb(6_000, 6_000, rgb=True)),
    ("photo40mp.jpg", "avatar", lambda: bombs.jpeg(7_300, 5_470, mode="RGB")),
    ("progressive39mp.jpg", "avatar", lambda: bombs.jpeg(7_000, 5_600, progressive=True,
                                                         mode="RGB")),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def start(root: Path, data: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "INTRANET_SECRET_KEY": secrets.token_hex(16),
           "INTRANET_DATABASE_URL": f"sqlite:///{data / 'bench.db'}",
           "INTRANET_SEARCH_INDEX_DIR": str(data / "index"), "INTRANET_UPLOAD_DIR": str(data / "up"),
           "INTRANET_LOGIN_RATE_LIMIT": "1000 per minute"}
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi"]
    subprocess.run([*flask, "init-db"], cwd=root, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "create-user", EMAIL, "--name", "Bomb Tester", "--password", PASSWORD],
                   cwd=root, env=env, check=True, capture_output=True)
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "1",
                               "--threads", "8", "-b", f"127.0.0.1:{port}", "wsgi:app"],
                              cwd=root, env=env, stdout=subprocess.DEVNULL,
                              stderr=open(data / "server.log", "w"))  # noqa: SIM115
    for _ in range(150):
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).ok:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"the server did not start; see {data / 'server.log'}")


def worker_pid(master: int) -> int:
    """gunicorn's one worker: the web process whose memory is measured."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def login(base: str) -> tuple[requests.Session, str]:
    web = requests.Session()
    page = web.get(f"{base}/login").text
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    res = web.post(f"{base}/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token},
                   allow_redirects=False)
    assert res.status_code in (302, 303), res.status_code
    page = web.get(f"{base}/").text
    return web, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def send(web: requests.Session, base: str, token: str, bomb: Bomb, data: bytes) -> tuple[int, str]:
    name, where, _build = bomb
    headers = {"X-CSRFToken": token, "Accept": "application/json"}
    if where == "avatar":
        res = web.post(f"{base}/profile/avatar", files={"avatar": (name, data)}, headers=headers,
                       timeout=300)
    else:
        res = web.post(f"{base}/posts", data={"body": f"bomb {name}", "group_id": ""},
                       files={"files": (name, data)}, headers=headers, timeout=300)
    message = res.json().get("error", {}).get("message", "") if res.status_code >= 400 else ""
    return res.status_code, message


def wait_indexed(web: requests.Session, base: str, name: str, budget: float = 180.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < budget:
        items = web.get(f"{base}/api/v1/search", params={"q": name, "type": "file"}).json()
        if items.get("items"):
            return time.monotonic() - start
        time.sleep(0.2)
    return float("nan")


def run(root: Path, only: list[str]) -> list[dict]:
    rows = []
    with tempfile.TemporaryDirectory(prefix="bombs-bench-") as tmp:
        port = free_port()
        server = start(root, Path(tmp), port)
        base = f"http://127.0.0.1:{port}"
        try:
            web, token = login(base)
            pid = worker_pid(server.pid)
            for bomb in BOMBS:
                if only and bomb[0] not in only:
                    continue
                data = bomb[2]()
                before = kb(pid, "VmRSS")
                Path(f"/proc/{pid}/clear_refs").write_text("5")  # VmHWM := VmRSS
                t0 = time.monotonic()
                status, message = send(web, base, token, bomb, data)
                if status == 201:
                    wait_indexed(web, base, bomb[0])
                rows.append({"bomb": bomb[0], "size_kb": len(data) // 1024, "status": status,
                             "message": message, "rss_mb": before / 1024,
                             "peak_mb": (kb(pid, "VmHWM") - before) / 1024,
                             "seconds": time.monotonic() - t0, "alive": server.poll() is None})
                print(report_line(rows[-1]), flush=True)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return rows


def report_line(r: dict) -> str:
    answer = f"{r['status']} {r['message'][:60]}".strip()
    return (f"| {r['bomb']} | {r['size_kb']:,} kB | {answer} | {r['rss_mb']:.0f} MB | "
            f"+{r['peak_mb']:.1f} MB | {r['seconds']:.1f} s |" + ("" if r["alive"] else " DIED |"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose server runs")
    parser.add_argument("--only", nargs="*", default=[], help="bomb names to run (all by default)")
    args = parser.parse_args()
    print(f"server: {args.root} (gunicorn -w 1 --threads 8, indexer thread); load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("| bomb | size | answer | RSS before | peak growth | time |\n|---|---|---|---|---|---|")
    rows = run(args.root.resolve(), args.only)
    worst = max(rows, key=lambda r: r["peak_mb"])
    print(f"worst: {worst['bomb']} +{worst['peak_mb']:.1f} MB (aim: under +50 MB)")


if __name__ == "__main__":
    main()
