"""Shared files: the allow-list, where bytes live, and their text for the index.

Bytes are stored once per content under ``UPLOAD_DIR/files/<sha[:2]>/<sha256>`` (written with a
rename, so a reader never sees half a file); the name and type a person sees are on the
``Attachment`` row. Types are decided by extension AND checked against the content's first
bytes, and downloads are served with the type from this list, never the browser's claim.
Text extraction runs for the indexer (not in the request), in a child process with resource
limits (``extract.py``); Office files are checked against zip bombs on upload as well.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from flask_babel import format_decimal

from intranet.platform import extract, previews

ALLOWED: dict[str, str] = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    **previews.IMAGE_TYPES,  # stored re-encoded, with a thumbnail (``previews.make``)
}
TEXT_TYPES = {".txt", ".md", ".csv"}
ZIP_TYPES = {".docx", ".xlsx", ".pptx", ".odt"}
MAX_TEXT = 200_000  # characters of a file's text that go to the index


def extension(filename: str) -> str:
    return os.path.splitext(filename.lower())[1]


def content_looks_right(ext: str, data: bytes) -> bool:
    """The first bytes agree with the extension (a renamed executable is refused)."""
    if ext == ".pdf":
        return data.startswith(b"%PDF-")
    if ext in previews.IMAGE_TYPES:
        return previews.looks_like_image(ext, data)
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
        write_private(path, data)
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
                for text in _text_file(path.name, "").parent.glob(f"{path.name}.*"):
                    text.unlink(missing_ok=True)
                removed += 1
    return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def text_of(digest: str, filename: str) -> str:
    """The searchable text of a stored content ('' when it cannot be read: it stays listed by
    name and downloadable). Office and PDF files are read once, by a child process with resource
    limits (``extract.py``), and the answer is kept beside the index: result snippets need the
    text on every page of results, and no request should pay for a child."""
    ext, path = extension(filename), stored_path(digest)
    if ext not in ALLOWED or ext in previews.IMAGE_TYPES or not path.is_file():  # a photo has no
        # text; a missing file was swept, or not restored yet: nothing to read
        return ""
    if ext in TEXT_TYPES:  # plain text: a bounded read, nothing to unpack or interpret
        with path.open("rb") as fh:
            return fh.read(MAX_TEXT * 4).decode("utf-8", "replace")[:MAX_TEXT]
    cached = _text_file(digest, ext)
    failed = cached.with_name(cached.name + ".failed")
    try:
        return cached.read_text("utf-8")
    except FileNotFoundError:
        if failed.exists():
            return ""
    try:
        text, error = _extract_in_child(path, ext)
    except OSError as exc:  # no child could start (no memory, no process left): try again later
        current_app.logger.warning("search: no child to read %s: %s", filename, exc)
        return ""
    if error is not None:
        current_app.logger.warning("search: no text taken from %s (%s): %s; it is stored and "
                                   "downloadable, not searchable by its content", filename,
                                   digest[:12], error)
    try:  # remembered either way; a full disk only means reading it again next time
        write_private(failed if error else cached, (error or text).encode("utf-8"))
    except OSError as exc:
        current_app.logger.warning("search: could not keep the text of %s: %s", filename, exc)
    return text


def text_status(digest: str, filename: str) -> str:
    """``indexed``, ``failed`` (its text could not be read within the limits) or ``pending``."""
    if extension(filename) in TEXT_TYPES or extension(filename) in previews.IMAGE_TYPES:
        return "indexed"
    cached = _text_file(digest, extension(filename))
    if cached.exists():
        return "indexed"
    return "failed" if cached.with_name(cached.name + ".failed").exists() else "pending"


def _text_file(digest: str, ext: str) -> Path:
    """Derived data beside the index (never backed up): the text of one content read as ``ext``."""
    return Path(current_app.config["SEARCH_INDEX_DIR"]) / "texts" / digest[:2] / f"{digest}{ext}"


def _extract_in_child(path: Path, ext: str) -> tuple[str, str | None]:
    """(text, None) or ("", why): ``extract.py`` run in a fresh interpreter (``-I``: no
    environment, no user site) with the configured memory, CPU and wall-clock limits."""
    cfg = current_app.config
    job = {"path": str(path), "ext": ext, "max_text": MAX_TEXT,
           "max_pages": cfg["EXTRACT_MAX_PDF_PAGES"], "memory_mb": cfg["EXTRACT_MEMORY_MB"],
           "cpu_seconds": cfg["EXTRACT_CPU_SECONDS"], "seconds": cfg["EXTRACT_SECONDS"] / 2}
    try:
        done = subprocess.run([sys.executable, "-I", extract.__file__, json.dumps(job)],
                              stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=cfg["EXTRACT_SECONDS"], check=False)
    except subprocess.TimeoutExpired:
        return "", f"took more than {cfg['EXTRACT_SECONDS']} s (stopped)"
    if done.returncode < 0:
        try:
            name = signal.Signals(-done.returncode).name
        except ValueError:
            name = f"signal {-done.returncode}"
        return "", f"stopped by {name} (a resource limit)"
    try:
        answer = json.loads(done.stdout)
    except ValueError:
        last = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["no answer"]
        return "", f"exit {done.returncode}: {last[0][:300]}"
    if "error" in answer:
        return "", str(answer["error"])
    text = str(answer.get("text", ""))[:MAX_TEXT]
    return text.encode("utf-8", "replace").decode("utf-8"), None  # no lone surrogate goes on


def archive_problem(data: bytes) -> extract.Refused | None:
    """Why an uploaded Office file must be refused (a zip bomb, a damaged archive), or None;
    only the central directory is read, in this process, at a cost of its own size."""
    try:
        extract.check_zip(io.BytesIO(data))
    except extract.Refused as refused:
        return refused
    return None


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` atomically (a reader never sees half a file), readable by the service's
    user only: 0600, in a folder made 0700 (what people share is theirs, not the machine's)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


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


def private_dir(path: Path) -> None:
    """``path`` exists and only the service's user may list or enter it (0700)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.stat().st_mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except PermissionError:  # not ours (an administrator's choice): say so, start anyway
            current_app.logger.warning("%s is readable by others and not ours to change", path)


def init_app(app) -> None:
    """Template helpers for shared files: the size filter and the file input's ``accept``; the
    upload folder (and its parts) closed to every user but the service's."""
    with app.app_context():
        root = Path(app.config["UPLOAD_DIR"])
        for folder in (root, root / "files", root / "avatars"):
            private_dir(folder)
    app.jinja_env.filters["filesize"] = filesize
    app.jinja_env.globals["attachment_accept"] = lambda: ",".join(sorted(ALLOWED))
