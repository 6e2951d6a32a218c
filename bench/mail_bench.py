"""Mail outbox: what queueing costs an action, and how fast senders drain it into a real SMTP
server (aiosmtpd on loopback, in this process).

    .venv/bin/python bench/mail_bench.py [--mails 2000] [--senders 2] [--database-url URL]

Prints: queue_mail per call inside one transaction (µs), then mails/s for the senders (each a
thread with its own app, as worker processes would be, all on one database), and checks that
every mail arrived exactly once. SQLite in a temporary folder unless --database-url is given.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller

from intranet import create_app
from intranet.actions.mail import queue_mail
from intranet.platform import db
from intranet.platform.mail.sender import send_all
from intranet.platform.migrate import upgrade
from tests.ports import free_port


class Counter:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:
        for line in envelope.content.split(b"\r\n"):
            if line.lower().startswith(b"message-id:"):
                with self.lock:
                    self.ids.append(line.decode())
                break
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--senders", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="mail-bench-"))
    counter, port = Counter(), free_port()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    config = {"SECRET_KEY": "bench", "DATABASE_URL": args.database_url or f"sqlite:///{folder / 'db.sqlite'}",
              "SEARCH_INDEX_DIR": str(folder / "index"), "UPLOAD_DIR": str(folder / "up"),
              "MAIL_SENDER_THREAD": False, "SEARCH_INDEXER_THREAD": False, "SQLITE_CHECKPOINT_SECONDS": 0,
              "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_BATCH": 20, "TESTING": True}
    apps = [create_app(dict(config)) for _ in range(args.senders)]
    with apps[0].app_context():
        upgrade()
        started = time.perf_counter()
        with db.transaction() as s:
            for n in range(args.mails):
                queue_mail(s, to=f"person{n}@example.com", subject=f"Bench {n}", text="Hello\n" * 20,
                           html="<p>Hello</p>" * 20)
        queued = time.perf_counter() - started
    print(f"queue_mail: {queued / args.mails * 1e6:.0f} µs per mail ({args.mails} in one transaction)")
    sent: list[int] = []

    def run(app) -> None:
        with app.app_context():
            sent.append(send_all())

    threads = [threading.Thread(target=run, args=(app,)) for app in apps]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    controller.stop()
    rate = sum(sent) / elapsed
    print(f"{args.senders} sender(s): {sum(sent)} mails in {elapsed:.2f} s = {rate:.0f} mails/s "
          f"(per sender: {sent}); received {len(counter.ids)}, distinct {len(set(counter.ids))}")


if __name__ == "__main__":
    main()
