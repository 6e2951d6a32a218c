"""`flask --app wsgi directory sync` against Debian's slapd holding N people (default 1,000).

Three runs on a fresh SQLite file (or ``--database-url``): the first creates every account
(``--create``) and department; then the directory changes (10 % new job titles, 5 % another
department, 2 % removed) and the second run applies it; the third finds nothing to do. Each run is
timed end to end (LDAP paged search + one write transaction), and the LDAP read alone.

    .venv/bin/python bench/directory_bench.py --people 1000
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from intranet import create_app  # noqa: E402
from intranet.platform import db  # noqa: E402
from intranet.platform.directory import ldap  # noqa: E402
from intranet.platform.migrate import upgrade  # noqa: E402
from tests import ldap_server  # noqa: E402


def directory_ldif(people: int, departments: int, rng: random.Random) -> str:
    entries = [ldap_server.department_ldif(f"Département {d}") for d in range(departments)]
    entries += [ldap_server.person_ldif(f"p{i:05d}", f"Personne {i}", password=f"pw-{i}",
                                        department=f"Département {rng.randrange(departments)}",
                                        title=f"Poste {rng.randrange(50)}") for i in range(people)]
    return "\n".join(entries)


def change_directory(server: ldap_server.Server, people: int, departments: int, rng: random.Random) -> str:
    ids = rng.sample(range(people), k=people * 17 // 100)
    cut1, cut2 = people // 10, people * 15 // 100
    titles, moves, removed = ids[:cut1], ids[cut1:cut2], ids[cut2:]
    with ldap_server.admin_connection(server) as conn:
        for i in titles:
            conn.modify(ldap_server.person_dn(f"p{i:05d}"),
                        {"title": [("MODIFY_REPLACE", ["Nouveau poste"])]})
        for i in moves:
            conn.modify(ldap_server.person_dn(f"p{i:05d}"),
                        {"departmentNumber": [("MODIFY_REPLACE", [f"Département {departments + i % 3}"])]})
        for i in removed:
            conn.delete(ldap_server.person_dn(f"p{i:05d}"))
    return f"{len(titles)} new titles, {len(moves)} moved to 3 new departments, {len(removed)} removed"


def timed_sync(app, *args: str) -> tuple[float, str]:
    runner = app.test_cli_runner()
    start = time.perf_counter()
    result = runner.invoke(args=["directory", "sync", *args])
    elapsed = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(result.output)
    return elapsed, result.output.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--departments", type=int, default=25)
    parser.add_argument("--database-url", help="default: a fresh SQLite file in a temp folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if reason := ldap_server.missing_reason():
        raise SystemExit(reason)
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="directory-bench-"))
    server = ldap_server.start(directory_ldif(args.people, args.departments, rng))
    try:
        app = create_app({"DATABASE_URL": args.database_url or f"sqlite:///{folder / 'bench.db'}",
                          "SECRET_KEY": "directory-bench", "UPLOAD_DIR": str(folder / "uploads"),
                          "SEARCH_INDEX_DIR": str(folder / "index"), "SEARCH_INDEXER_THREAD": False,
                          "INBOX_SCHEDULER": False, **server.settings})
        with app.app_context():
            upgrade()
            start = time.perf_counter()
            listed = sum(1 for _ in ldap.people())
            print(f"LDAP paged read of {listed} people: {time.perf_counter() - start:.2f} s")
        seconds, out = timed_sync(app, "--create")
        print(f"first sync (--create): {seconds:.2f} s | {out}")
        print("directory changed:", change_directory(server, args.people, args.departments, rng))
        seconds, out = timed_sync(app)
        print(f"second sync: {seconds:.2f} s | {out}")
        seconds, out = timed_sync(app)
        print(f"third sync (nothing to do): {seconds:.2f} s | {out}")
        with app.app_context():
            db.engine().dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
