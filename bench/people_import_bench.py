"""CSV import of people: lines per second, first run (creates) and second run (no change), on a
fresh database with one department, through the real runner (200-line batches, one transaction
each, a savepoint per line).

    .venv/bin/python bench/people_import_bench.py --lines 2000 [--backend postgresql]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask

from bench.backend import add_argument, fresh_url
from intranet import create_app
from intranet.actions.people_import import do_start_import
from intranet.actions.users import do_create_department, do_create_user
from intranet.models import PeopleImport, User
from intranet.platform import db
from intranet.platform.migrate import upgrade
from intranet.views.people_admin import import_runner


def run(app: Flask, admin_id: int, data: bytes) -> tuple[float, dict]:
    """One import through the runner's own batch function, timed from its first batch."""
    with app.app_context():
        with db.transaction() as s:
            job = do_start_import(s, "bench.csv", data, create_departments=False,
                                  acting_user=s.get(User, admin_id))
        start = time.perf_counter()
        while not import_runner._batch(job.id):
            pass
        elapsed = time.perf_counter() - start
        row = db.session.get(PeopleImport, job.id)
        return elapsed, {"created": row.created, "updated": row.updated, "unchanged": row.unchanged,
                         "errors": len(row.errors)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", type=int, default=2000)
    add_argument(parser)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="people-bench-"))
    app = create_app({"DATABASE_URL": fresh_url(args.backend, folder / "people.db"), "SECRET_KEY": "bench",
                      "SEARCH_INDEX_DIR": str(folder / "index"), "UPLOAD_DIR": str(folder / "uploads"),
                      "SEARCH_INDEXER_THREAD": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        upgrade()
        with db.transaction() as s:
            do_create_department(s, "Marketing", acting_user=None)
            admin_id = do_create_user(s, "admin@example.com", "Admin", "a long password", is_admin=True).id
    data = ("email;nom;poste;service\n" + "\n".join(
        f"p{n}@example.com;Personne {n};Poste {n % 7};Marketing" for n in range(args.lines))).encode()
    for label in ("first run (creates)", "second run (unchanged)"):
        elapsed, counts = run(app, admin_id, data)
        print(f"{args.backend} {label}: {args.lines} lines in {elapsed:.1f} s = "
              f"{args.lines / elapsed:.0f} lines/s {counts}")


if __name__ == "__main__":
    main()
