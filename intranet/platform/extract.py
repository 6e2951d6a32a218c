"""The text of shared files, read in a child process with resource limits; the zip checks.

``files.text_of`` runs this file as a script (``python -I extract.py JOB``), never in the web
process: the child lowers its own address-space and CPU limits first, so a hostile file (a zip
bomb, a PDF whose one page never ends, a parser bug) costs at most those limits, and a child
killed by one is a failed extraction, never a dead web process or indexer. Only the standard
library and pypdf are imported here (no Flask, no app), so the child starts in ~0.2 s of CPU.

``check_zip`` walks an Office file's central directory by hand, without building one
``ZipInfo`` per entry: it runs on every upload (in the web process) and again in the child,
and refuses too many entries, too many bytes once unpacked, or an entry packed more densely
than real documents are (a zip bomb's ratio is ~1,000 to 1; Office XML is ~5 to 20).
Python's ``zipfile`` trusts the central directory's sizes and stops each member there, so
checking the declared sizes bounds what unpacking can cost.
"""

from __future__ import annotations

import codecs
import html
import json
import logging
import re
import resource
import struct
import sys
import time
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from pypdf import PdfReader

MAX_ENTRIES = 5_000  # a 300-slide deck with its media has ~1,500
MAX_UNPACKED = 100 * 1024 * 1024  # bytes, all entries together, as declared
MAX_RATIO = 100  # unpacked / packed, for an entry above RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
CHUNK = 1024 * 1024  # bytes of XML read at a time: memory stays flat whatever the member's size
_EOCD = b"PK\x05\x06"
_CENTRAL = b"PK\x01\x02"
_MEMBERS = {".docx": re.compile(r"^word/document\.xml$"),
            ".xlsx": re.compile(r"^xl/sharedStrings\.xml$|^xl/worksheets/sheet\d+\.xml$"),
            ".pptx": re.compile(r"^ppt/slides/slide\d+\.xml$"),
            ".odt": re.compile(r"^content\.xml$")}
# Elements that end a word (paragraphs, cells, tabs, breaks); any other tag (a run, a span)
# joins its text to its neighbours', since Word splits a word into runs wherever it likes.
_BREAKS = {"p", "h", "tab", "br", "cr", "s", "si", "c", "tc", "line-break", "table-cell"}
_TAG_RE = re.compile(r"<(/?)(?:[\w.-]+:)?([\w.-]*)[^>]*>")


class Refused(Exception):
    """An archive we will not unpack: ``reason`` is entries, unpacked, ratio or damaged."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(f"{reason} (limit {limit})" if limit else reason)
        self.reason, self.limit = reason, limit


def check_zip(f: IO[bytes]) -> None:
    """Raise ``Refused`` unless the archive's central directory is within the caps."""
    f.seek(0, 2)
    size = f.tell()
    tail_len = min(size, 22 + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    at = len(tail) - 22 if tail[-22:-18] == _EOCD else tail.rfind(_EOCD)  # as zipfile looks
    if at < 0 or at + 22 > len(tail):
        raise Refused("damaged")
    total, cd_size = struct.unpack_from("<HI", tail, at + 10)
    # 0xFFFF: a zip64 count, never needed by a document; a directory longer than that many
    # entries with long names can only hold more entries than it says.
    if total == 0xFFFF or total > MAX_ENTRIES or cd_size > MAX_ENTRIES * (46 + 1024):
        raise Refused("entries", MAX_ENTRIES)
    cd_start = size - tail_len + at - cd_size
    if cd_start < 0:
        raise Refused("damaged")
    f.seek(cd_start)
    _check_entries(f.read(cd_size))


def _check_entries(cd: bytes) -> None:
    """Count the entries and add up their declared sizes, record by record (no objects)."""
    pos = count = unpacked = 0
    while pos + 46 <= len(cd):
        if cd[pos:pos + 4] != _CENTRAL:
            raise Refused("damaged")
        packed, size, name_len, extra_len, comment_len = struct.unpack_from("<IIHHH", cd, pos + 20)
        count += 1
        unpacked += size
        if count > MAX_ENTRIES:
            raise Refused("entries", MAX_ENTRIES)
        if size == 0xFFFFFFFF or unpacked > MAX_UNPACKED:  # 0xFFFFFFFF: a zip64 size (> 4 GB)
            raise Refused("unpacked", MAX_UNPACKED)
        if size > RATIO_FROM and size > MAX_RATIO * max(packed, 1):
            raise Refused("ratio", MAX_RATIO)
        pos += 46 + name_len + extra_len + comment_len


def read_text(path: Path, ext: str, *, max_text: int, max_pages: int, seconds: float) -> str:
    """The searchable text of one stored file, at most ``max_text`` characters. A PDF stops at
    ``max_pages`` pages or after ``seconds`` (its text so far is kept)."""
    if ext == ".pdf":
        return _pdf(path, max_text, max_pages, time.monotonic() + seconds)
    if ext in _MEMBERS:
        return _office(path, ext, max_text)
    raise ValueError(f"no reader for {ext}")


def _pdf(path: Path, max_text: int, max_pages: int, deadline: float) -> str:
    reader = PdfReader(str(path))
    parts, size = [], 0
    for number, page in enumerate(reader.pages):
        if number >= max_pages or size > max_text or time.monotonic() > deadline:
            break
        text = page.extract_text() or ""
        parts.append(text)
        size += len(text)
    return "\n".join(parts)[:max_text]


def _office(path: Path, ext: str, max_text: int) -> str:
    """Text of the XML parts that hold it (body, cells, slides), tags stripped as a stream."""
    with path.open("rb") as f:
        check_zip(f)
    parts: list[str] = []
    size = 0
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            if not _MEMBERS[ext].search(info.filename):
                continue
            with z.open(info) as member:
                for piece in _xml_text(member):
                    parts.append(piece)
                    size += len(piece)
                    if size > max_text:
                        break
            parts.append(" ")
            if size > max_text:
                break
    return re.sub(r"\s+", " ", "".join(parts)).strip()[:max_text]


def _xml_text(stream: IO[bytes]) -> Iterator[str]:
    """The character data of an XML stream, chunk by chunk; a tag or an entity cut by a chunk's
    end is carried to the next one."""
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    carry = ""
    while True:
        raw = stream.read(CHUNK)
        buf = carry + decoder.decode(raw, final=not raw)
        carry = ""
        if raw:
            cut = buf.rfind("<")
            if cut != -1 and ">" not in buf[cut:]:
                buf, carry = buf[:cut], buf[cut:]
            amp = buf.rfind("&")
            if amp != -1 and ";" not in buf[amp:] and len(buf) - amp < 12:
                buf, carry = buf[:amp], buf[amp:] + carry
            carry = carry[:CHUNK]  # a tag longer than a chunk is garbage: dropped, not kept
        yield html.unescape(_TAG_RE.sub(_tag_space, buf))
        if not raw:
            return


def _tag_space(match: re.Match[str]) -> str:
    return " " if match.group(2) in _BREAKS else ""


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    """This process's own limits, set before it opens the file: address space (a bomb fails
    with MemoryError), CPU time (SIGXCPU, then SIGKILL a second later), no core file, no file
    written."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def main(argv: list[str]) -> int:
    """The child: one job as JSON in argv, one answer as JSON on stdout ({"text"} or {"error"})."""
    job = json.loads(argv[1])
    _limit(job["memory_mb"], job["cpu_seconds"])
    # pypdf warns per broken object: a hostile file could fill the parent's stderr buffer with
    # millions of lines. Silenced, stderr only carries a crash of the interpreter itself.
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:
        answer = {"text": read_text(Path(job["path"]), job["ext"], max_text=job["max_text"],
                                    max_pages=job["max_pages"], seconds=job["seconds"])}
    except Refused as exc:
        answer = {"error": f"refused: {exc}"}
    except MemoryError:
        answer = {"error": f"more than {job['memory_mb']} MB of memory"}
    except Exception as exc:  # a damaged file: say what, briefly; the parent logs it
        answer = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    sys.stdout.write(json.dumps(answer))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
