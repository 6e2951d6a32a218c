"""Importing people from a CSV file: keyed on the e-mail, so running it again updates people and
never creates them twice.

The upload is checked (encoding, header) and stored as a ``PeopleImport`` row at once; its lines
are then imported by ``do_import_batch``, a batch per transaction, by a background thread
(``workers.people_import``), so a 10,000-line file neither holds a request nor one long write
lock, and the page shows a progress bar. A line that cannot be imported is reported with its
line number and the others go on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from intranet.actions.common import audit
from intranet.actions.people import UNCHANGED, do_update_person
from intranet.actions.users import do_create_department, do_create_user
from intranet.models import Department, PeopleImport, User, utcnow
from intranet.platform.errors import DomainError, Invalid

BATCH = 200
MAX_LINES = 50_000
MAX_ERRORS = 1000  # kept on the row; the count goes on
COLUMNS = {  # accepted header names (lower case, French and English) -> field
    "email": "email", "e-mail": "email", "mail": "email", "courriel": "email",
    "adresse e-mail": "email", "email address": "email",
    "name": "name", "full name": "name", "nom": "name", "nom complet": "name",
    "job_title": "job_title", "job title": "job_title", "title": "job_title", "poste": "job_title",
    "fonction": "job_title", "intitulé du poste": "job_title",
    "department": "department", "département": "department", "departement": "department",
    "service": "department",
    "admin": "admin", "is_admin": "admin", "administrator": "admin", "administrateur": "admin",
}
YES, NO = {"1", "yes", "y", "true", "oui", "o", "vrai", "x"}, {"", "0", "no", "n", "false", "non", "faux"}


def decode(data: bytes) -> str:
    """UTF-8 (with or without Excel's BOM), else Windows-1252: what spreadsheets write."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> type[csv.Dialect] | csv.Dialect:
    """Commas, or semicolons (French spreadsheets), or tabs: whichever the header line uses."""
    header = text.split("\n", 1)[0]
    try:
        return csv.Sniffer().sniff(header, delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _header(text: str) -> dict[str, int]:
    reader = csv.reader(io.StringIO(text), _dialect(text))
    names = [n.strip().lower() for n in next(reader, [])]
    fields = {COLUMNS[n]: i for i, n in reversed(list(enumerate(names))) if n in COLUMNS}
    if "email" not in fields:
        raise Invalid(_("The first line must name the columns, with at least an e-mail column "
                        "(email, name, job_title, department, admin)."), field="file")
    return fields


@dataclass
class Reading:
    records: list[tuple[int, list[str]]]  # (line number, values)
    offset: int  # where the next batch starts in the text
    line: int


def read_batch(text: str, offset: int, line: int, size: int) -> Reading:
    """``size`` records from ``offset`` (a character position just after a record), each with
    the line it starts on; quoted fields may span lines."""
    stream = io.StringIO(text)
    stream.seek(offset)
    reader = csv.reader(iter(stream.readline, ""), _dialect(text))
    records, before = [], 0
    for values in reader:
        records.append((line + before + 1, values))
        before = reader.line_num
        if len(records) >= size:
            break
    return Reading(records, stream.tell(), line + reader.line_num)


def count_records(text: str) -> int:
    return sum(1 for _row in csv.reader(io.StringIO(text), _dialect(text))) - 1


def do_start_import(session: Session, filename: str, data: bytes, *, create_departments: bool,
                    acting_user: User) -> PeopleImport:
    """Check the file's header and size, store it; the lines are imported in the background."""
    text = decode(data).replace("\r\n", "\n").replace("\r", "\n")
    _header(text)
    total = count_records(text)
    if total < 1:
        raise Invalid(_("The file has no line under its header."), field="file")
    if total > MAX_LINES:
        raise Invalid(_("At most %(n)d lines per file: split it.", n=MAX_LINES), field="file")
    header = read_batch(text, 0, 0, 1)
    job = PeopleImport(filename=(filename or "people.csv")[:255], content=text, total=total,
                       options={"create_departments": bool(create_departments),
                                "offset": header.offset, "line": header.line},
                       created_by_id=acting_user.id)
    session.add(job)
    session.flush()
    return job


def do_import_batch(session: Session, job: PeopleImport, acting_user: User,
                    size: int = BATCH) -> bool:
    """Import the next ``size`` lines of ``job``; True once the file is done.

    Each line runs in a savepoint: a line refused by the database as well as by our checks is
    reported and leaves the rest of the batch alone (PostgreSQL aborts a whole transaction on a
    failed statement otherwise).
    """
    text, options = job.content, dict(job.options)
    fields = _header(text)
    departments = _departments(session)
    reading = read_batch(text, options["offset"], options["line"], size)
    errors, counts = list(job.errors), {"created": 0, "updated": 0, "unchanged": 0}
    for line, values in reading.records:
        if not any(v.strip() for v in values):
            continue
        try:
            with session.begin_nested():
                outcome = _import_line(session, fields, values, departments, options, acting_user)
            counts[outcome] += 1
        except DomainError as exc:
            if len(errors) < MAX_ERRORS:
                errors.append({"line": line, "message": exc.message})
    job.processed = min(job.total, job.processed + len(reading.records))
    job.created += counts["created"]
    job.updated += counts["updated"]
    job.unchanged += counts["unchanged"]
    job.errors = errors
    job.options = {**options, "offset": reading.offset, "line": reading.line}
    job.status = "running"
    done = not reading.records or job.processed >= job.total
    if done:
        _finish(session, job, acting_user)
    return done


def _finish(session: Session, job: PeopleImport, acting_user: User) -> None:
    job.status, job.finished_at, job.content, job.processed = "done", utcnow(), "", job.total
    audit(session, acting_user, "people.import", "import", job.id, created=job.created,
          updated=job.updated, unchanged=job.unchanged, errors=len(job.errors), lines=job.total)


def _departments(session: Session) -> dict[str, Department]:
    return {d.name.lower(): d for d in session.scalars(select(Department))}


def _cell(fields: dict[str, int], values: list[str], name: str) -> str | None:
    index = fields.get(name)
    if index is None or index >= len(values):
        return None
    return values[index].strip()


def _admin(raw: str | None) -> object:
    if raw is None:
        return UNCHANGED
    if raw.lower() in YES:
        return True
    if raw.lower() in NO:
        return False
    raise Invalid(_("admin must be yes or no (oui/non, 1/0)."), field="admin")


def _department(session: Session, raw: str | None, departments: dict[str, Department],
                options: dict, acting_user: User) -> Department | object | None:
    if raw is None:
        return UNCHANGED
    if not raw:
        return None
    found = departments.get(raw.lower())
    if found is None:
        if not options.get("create_departments"):
            raise Invalid(_("Unknown department: %(name)s.", name=raw), field="department")
        found = do_create_department(session, raw, acting_user=acting_user)
        departments[raw.lower()] = found
    return found


def _import_line(session: Session, fields: dict[str, int], values: list[str],
                 departments: dict[str, Department], options: dict, acting_user: User) -> str:
    email = (_cell(fields, values, "email") or "").lower()
    if not email:
        raise Invalid(_("The e-mail is missing."), field="email")
    name, title = _cell(fields, values, "name"), _cell(fields, values, "job_title")
    admin = _admin(_cell(fields, values, "admin"))
    department = _department(session, _cell(fields, values, "department"), departments, options,
                             acting_user)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None:
        if not name:
            raise Invalid(_("A new person needs a name."), field="name")
        do_create_user(session, email, name, None, job_title=title or "",
                       department=None if department is UNCHANGED else department,
                       is_admin=admin is True, acting_user=acting_user, no_password=True)
        return "created"
    if user.deleted_at is not None:
        raise Invalid(_("This e-mail belonged to a deleted person."), field="email")
    changed = do_update_person(
        session, user, acting_user=acting_user, name=name if name else UNCHANGED,
        job_title=UNCHANGED if title is None else title, department=department, is_admin=admin,
        audited=False)  # the import is audited once, with its counts
    return "updated" if changed else "unchanged"
