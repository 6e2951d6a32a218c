"""Shared files: the allow-list, where bytes live, and their text for the index.

Bytes are stored once per content under ``UPLOAD_DIR/files/<sha[:2]>/<sha256>`` (written with a
rename, so a reader never sees half a file); the name and type a person sees are on the
``Attachment`` row. Types are decided by extension AND checked against the content's first
bytes, and downloads are served with the type from this list, never the browser's claim.
Text extraction runs in the indexer (not in the request), with size caps against zip bombs.
"""

from __future__ import annotations

import hashlib
import html
import io
import os
import re
import threading
import time
import zipfile
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import docx
from flask import current_app
from flask_babel import format_decimal
from pypdf import PdfReader

ALLOWED: dict[str, str] = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
}
TEXT_TYPES = {".txt", ".md", ".csv"}
ZIP_TYPES = {".docx", ".xlsx", ".pptx", ".odt"}
MAX_TEXT = 200_000  # characters of a file's text that go to the index
MAX_MEMBER = 20 * 1024 * 1024  # bytes read from one member of an Office zip
_TAG_RE = re.compile(r"<[^>]+>")


def extension(filename: str) -> str:
    return os.path.splitext(filename.lower())[1]


def content_looks_right(ext: str, data: bytes) -> bool:
    """The first bytes agree with the extension (a renamed executable is refused)."""
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext in ZIP_TYPES:
        return data.startswith(b"PK\x03\x04")
    if ext in TEXT_TYPES:
        if b"\x00" in data[:8192]:
            return False
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return False


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_path(digest: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / "files" / digest[:2] / digest


def store_bytes(data: bytes) -> str:
    """Write the content once (atomic rename); returns its sha256. Content already there is
    touched instead: ``sweep_orphans`` leaves recently touched files alone, so a second upload
    of the same bytes is never swept before its row commits."""
    digest = sha256(data)
    path = stored_path(digest)
    try:
        os.utime(path)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{digest}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    return digest


def sweep_orphans(referenced: Callable[[list[str]], set[str]], *, grace_seconds: float = 3600,
                  now: float | None = None) -> int:
    """Delete stored contents no attachment refers to any more (their post was removed, their
    message deleted), once untouched for ``grace_seconds``; returns how many went.

    Garbage collection instead of a delete in each action: the same bytes may back several
    attachments, and no removal path has to remember its files. The grace period covers an
    upload whose row is not committed yet; ``referenced`` answers which digests still have rows.
    """
    root = Path(current_app.config["UPLOAD_DIR"]) / "files"
    cutoff = (time.time() if now is None else now) - grace_seconds
    old = [p for p in root.glob("*/*") if _mtime(p) < cutoff]
    removed = 0
    for start in range(0, len(old), 500):
        batch = old[start:start + 500]
        kept = referenced([p.name for p in batch if not p.name.startswith(".")])
        for path in batch:  # a ".tmp" name is a write that crashed: never referenced
            if path.name not in kept and _mtime(path) < cutoff:  # checked again: touched meanwhile?
                path.unlink(missing_ok=True)
                removed += 1
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


@lru_cache(maxsize=64)
def text_of(digest: str, filename: str) -> str:
    """``extract_text`` of a stored content, remembered: result snippets need it per page."""
    return extract_text(stored_path(digest), filename)


def extract_text(path: Path, filename: str) -> str:
    """The searchable text of a stored file ('' when it cannot be read: it stays downloadable)."""
    ext = extension(filename)
    try:
        if ext in TEXT_TYPES:
            return path.read_bytes()[: MAX_TEXT * 4].decode("utf-8", "replace")[:MAX_TEXT]
        if ext == ".pdf":
            return _pdf(path)[:MAX_TEXT]
        if ext == ".docx":
            return _docx(path)[:MAX_TEXT]
        if ext in ZIP_TYPES:
            return _office_xml(path, ext)[:MAX_TEXT]
    except Exception:  # a damaged file must not stop the indexer; it is still listed by name
        current_app.logger.warning("could not extract text from %s", filename, exc_info=True)
    return ""


def _pdf(path: Path) -> str:

    reader = PdfReader(str(path))
    parts, size = [], 0
    for page in reader.pages[:500]:
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
        if size > MAX_TEXT:
            break
    return "\n".join(parts)


def _docx(path: Path) -> str:

    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


_MEMBERS = {".xlsx": re.compile(r"xl/sharedStrings\.xml$|xl/worksheets/sheet\d+\.xml$"),
            ".pptx": re.compile(r"ppt/slides/slide\d+\.xml$"),
            ".odt": re.compile(r"content\.xml$")}


def _office_xml(path: Path, ext: str) -> str:
    """Text of the XML parts that hold it (cells, slides, body), tags stripped."""
    parts = []
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if _MEMBERS[ext].search(info.filename) and info.file_size <= MAX_MEMBER:
                with z.open(info) as fh:
                    xml = fh.read(MAX_MEMBER).decode("utf-8", "replace")
                parts.append(html.unescape(_TAG_RE.sub(" ", xml)))
    return re.sub(r"\s+", " ", " ".join(parts)).strip()


def read_limited(stream: io.BufferedIOBase, limit: int) -> bytes:
    """At most ``limit + 1`` bytes, so an oversized upload is detected without reading it all."""
    return stream.read(limit + 1)


def filesize(n: int) -> str:
    """A size for people, in the reader's number format (12 kB, 1.4 MB)."""

    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{format_decimal(round(n / 1000))} kB"
    return f"{format_decimal(round(n / 1_000_000, 1))} MB"


def init_app(app) -> None:
    """Template helpers for shared files: the size filter and the file input's ``accept``."""
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.globals["attachment_accept"] = lambda: ",".join(sorted(ALLOWED))
