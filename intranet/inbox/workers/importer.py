"""JSONL/CSV import of comments: resumable, idempotent, with line numbers for broken lines.

A file is known by its SHA-256: ``ImportJob(source, sha256)`` remembers how many records were
processed (``position``), so running the same file again (after Ctrl-C, a crash, a timeout of
the upload page) skips what is done and goes on. Each batch of records is one transaction that
also moves ``position``, so a batch is either fully in with its position or not at all; and
since comments are inserted with ON CONFLICT DO NOTHING, even a replayed batch stores nothing
twice. Broken records are reported with their line number and never stop the rest.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from intranet.inbox.actions.ingest import do_ingest
from intranet.inbox.connectors.items import Item, parse_item
from intranet.inbox.queries.rules import load_pipeline
from intranet.inbox.workers.parallel import ChildComputer, Pending
from intranet.inbox.workers.parallel import available as parallel_available
from intranet.models import ExternalComment, ImportJob, Source, User, utcnow
from intranet.platform import db
from intranet.platform.errors import Invalid
from intranet.platform.inputs import decode_json
from intranet.platform.sqlite.writes import ingest_transaction

log = logging.getLogger(__name__)
BATCH = 1000
MAX_ERRORS = 500  # kept on the job; more are logged only
FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
Record = tuple[int, Any]  # (line number, dict or the Invalid explaining why not)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def file_format(filename: str) -> str:
    fmt = FORMATS.get(Path(filename).suffix.lower())
    if fmt is None:
        raise Invalid(_("Import a .jsonl or .csv file."), field="file")
    return fmt


def count_records(path: Path) -> int:
    """Lines in the file (records for JSONL, records + header for CSV): the progress bar's length."""
    with open(path, "rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


def _jsonl(fh: io.TextIOBase) -> Iterator[Record]:
    for number, line in enumerate(fh, 1):
        if not line.strip():
            yield number, None
            continue
        try:
            yield number, decode_json(line, strict_ints=False)  # bounded depth; text judged per item
        except ValueError as exc:
            yield number, Invalid(_("not valid JSON (%(error)s)", error=getattr(exc, "msg", str(exc))))


def _csv(fh: io.TextIOBase) -> Iterator[Record]:
    reader = csv.reader(fh, strict=True)
    header = [h.strip() for h in next(reader, [])]
    if "external_id" not in header or "text" not in header:
        raise Invalid(_("The CSV header must name at least the external_id and text columns."),
                      field="file")
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, Invalid(_("unreadable CSV (%(error)s)", error=str(exc)))
            continue
        if not row:
            yield start, None
        elif len(row) != len(header):
            yield start, Invalid(_("expected %(n)d fields, found %(found)d",
                                   n=len(header), found=len(row)))
        else:
            yield start, dict(zip(header, row, strict=True))


def records(path: Path, fmt: str) -> Iterator[Record]:
    with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
        yield from (_jsonl(fh) if fmt == "jsonl" else _csv(fh))


@dataclass
class ImportOutcome:
    job_id: int
    accepted: int
    duplicates: int
    errors: list[dict[str, Any]]
    position: int
    finished: bool
    already_done: bool = False


def _job(source: Source, sha: str, filename: str, actor: User | None) -> ImportJob:
    with db.transaction() as s:
        job = s.scalar(select(ImportJob).where(ImportJob.source_id == source.id,
                                               ImportJob.sha256 == sha))
        if job is None:
            job = ImportJob(source_id=source.id, sha256=sha, filename=filename[:255],
                            created_by_id=actor.id if actor else None, errors=[])
            s.add(job)
    return job


def run_import(source: Source, path: Path, filename: str, *, actor: User | None = None,
               batch: int = BATCH, stop_after: int | None = None,
               progress: Callable[[int], None] | None = None, parallel: bool = False) -> ImportOutcome:
    """Import (or resume importing) a file into ``source``; needs an app context.

    ``stop_after``: process at most this many records this time (tests simulate an interruption
    with it; the next run resumes). ``progress`` is called with the number of records done.
    ``parallel``: rules and triage in a child process (``inbox.parallel``; the CLI's default).
    """

    fmt = file_format(filename)
    job = _job(source, file_sha256(path), filename, actor)
    if job.finished_at is not None:
        return _outcome(job, already_done=True)
    with db.transaction() as s:
        pipeline = load_pipeline(s)
    reader = _Reader(job, records(path, fmt), batch, stop_after)
    child = ChildComputer(pipeline) if parallel and parallel_available() else None
    try:
        current = _ahead(child, source, reader.next(), actor)
        while current is not None:  # the child computes the next batch while this one is written
            following = _ahead(child, source, reader.next(), actor)
            _commit_batch(job, source, current, pipeline, actor, progress)
            current = following
    finally:
        if child is not None:
            child.close()
    return _outcome(job)


@dataclass
class _Batch:
    items: list[Item]
    errors: list[dict[str, Any]]
    count: int  # records read, blank and broken ones included: how far ``position`` moves
    last: bool
    now: datetime | None = None  # set with ``computer``: when the child computed its cases
    computer: Pending | None = None


def _ahead(child: ChildComputer | None, source: Source, parsed: _Batch | None,
           actor: User | None) -> _Batch | None:
    """Send a batch's comments not stored yet to the child (``inbox.parallel``)."""
    if child is None or parsed is None or not parsed.items:
        return parsed
    known = _known_ids(source.id, [item.external_id for item in parsed.items])
    parsed.now = utcnow()
    parsed.computer = child.submit([item for item in parsed.items if item.external_id not in known],
                                   actor.id if actor else None, parsed.now)
    return parsed


def _known_ids(source_id: int, external_ids: list[str]) -> set[str]:
    """Which of these external ids the source already has (a read, ended at once: the write
    transaction that follows must not start from an old snapshot)."""
    s = db.session()
    try:
        return set(s.scalars(select(ExternalComment.external_id).where(
            ExternalComment.source_id == source_id, ExternalComment.external_id.in_(external_ids))))
    finally:
        s.rollback()


class _Reader:
    """The file's batches, validated, from the job's position on."""

    def __init__(self, job: ImportJob, found: Iterator[Record], batch: int, stop_after: int | None) -> None:
        self.job, self.records, self.batch, self.stop_after = job, found, batch, stop_after
        self.skip, self.done, self.ended = job.position, 0, False

    def next(self) -> _Batch | None:
        return self._read()

    def _read(self) -> _Batch | None:
        if self.ended:
            return None
        pending: list[Record] = []
        for number, record in self.records:
            if self.skip:
                self.skip -= 1
                continue
            pending.append((number, record))
            self.done += 1
            stop = self.stop_after is not None and self.done >= self.stop_after
            if stop:
                self.ended = True
            if len(pending) >= self.batch or stop:
                return self._parse(pending, last=False)
        self.ended = True  # the end of the file: the last batch (maybe empty) finishes the job
        return self._parse(pending, last=True)

    def _parse(self, pending: list[Record], last: bool) -> _Batch:
        items, errors = [], []
        for number, record in pending:
            if record is None:
                continue
            try:
                items.append(parse_item(record if not isinstance(record, Invalid) else _raise(record)))
            except Invalid as exc:
                errors.append({"line": number, "message": exc.message})
                log.warning("import %s line %d: %s", self.job.filename, number, exc.message)
        return _Batch(items, errors, len(pending), last)


def _commit_batch(job: ImportJob, source: Source, parsed: _Batch, pipeline: Any, actor: User | None,
                  progress: Callable[[int], None] | None) -> None:

    with ingest_transaction() as s:
        result = do_ingest(s, source, parsed.items, pipeline=pipeline, actor=actor, live=False,
                           now=parsed.now, computer=parsed.computer)
        row = s.get(ImportJob, job.id)
        row.position += parsed.count
        row.accepted += result.accepted
        row.duplicates += result.duplicate
        if parsed.errors and len(row.errors or []) < MAX_ERRORS:
            row.errors = [*(row.errors or []), *parsed.errors][:MAX_ERRORS]
        if parsed.last:
            row.finished_at = utcnow()
        job.position, job.accepted, job.duplicates = row.position, row.accepted, row.duplicates
        job.errors, job.finished_at = row.errors, row.finished_at
    if progress:
        progress(parsed.count)


def _raise(exc: Invalid) -> Any:
    raise exc


def _outcome(job: ImportJob, already_done: bool = False) -> ImportOutcome:
    return ImportOutcome(job.id, job.accepted, job.duplicates, list(job.errors or []), job.position,
                         job.finished_at is not None, already_done)
