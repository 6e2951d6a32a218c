"""Where the index lives, which generation is served, and the per-segment arrays read at query time.

Layout: ``SEARCH_INDEX_DIR/CURRENT`` names the live index folder (``ix-<stamp>``). A rebuild
fills a new folder and replaces CURRENT atomically, so the old index serves until the swap. Each
folder holds the outbox cursor of its own index (``cursor.py``), so the swap moves both at once.

A searcher is opened per index generation (DESIGN §5: never ``Searcher.refresh()``, which gave
stale and duplicated hits). Each generation's segments carry arrays docnum -> code for the ACL
and facet fields, built from postings once per immutable segment and reused by every later
generation that still contains it; the ACL check is then an array read and a set test per hit,
never an ``Or([Term...])`` filter.
"""

from __future__ import annotations

import os
import threading
import time
from array import array
from collections.abc import Collection, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app
from whoosh import index as whoosh_index
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from intranet.search.index.schema import FACET_FIELDS, make_schema

WRITE_TIMEOUT = 60.0  # seconds a writer waits for the lock (blocking, never AsyncWriter)


class Codes:
    """Interned facet values: (field, value) <-> small int, shared by all segments (0 = none)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._codes: dict[str, dict[str, int]] = {f: {} for f in FACET_FIELDS}
        self._values: dict[str, list[str]] = {f: [""] for f in FACET_FIELDS}
        self._sets: dict[tuple[str, Hashable], tuple[Collection[str], int, frozenset[int]]] = {}

    def code(self, field: str, value: str) -> int:
        table = self._codes[field]
        found = table.get(value)
        if found is None:
            with self._lock:
                found = table.get(value)
                if found is None:
                    found = len(self._values[field])
                    self._values[field].append(value)
                    table[value] = found
        return found

    def known(self, field: str, value: str) -> int | None:
        return self._codes[field].get(value)

    def known_set(self, field: str, values: Collection[str], owner: Hashable) -> frozenset[int]:
        """The codes of ``values`` that exist, kept for ``owner`` while it asks with the same
        object and no code was added (codes never change, so only a new one can join): a
        reader's ~300 principals cost ~30 µs to look up on every search otherwise."""
        size = len(self._values[field])  # read first: a code added meanwhile means "again"
        found = self._sets.get((field, owner))
        if found is not None and found[0] is values and found[1] == size:
            return found[2]
        table = self._codes[field]
        out = frozenset(c for v in values if (c := table.get(v)) is not None)
        self._sets[(field, owner)] = (values, size, out)
        return out

    def value(self, field: str, code: int) -> str:
        return self._values[field][code]

    def values(self, field: str) -> list[str]:
        """The field's values by code (append-only: a code never changes its value)."""
        return self._values[field]


class DecodedPostings:
    """A segment's posting lists as decoded by searches, kept while the segment lives.

    A segment never changes once written (deletions are a separate set), so a term's decoded
    docnums and weights stay true for every later generation holding the segment. Common
    words are searched again and again (the capacity mix draws from 14 words), and decoding
    their blocks (unpickle, zlib) was the largest cost left of a search. Entries are
    ``term -> (first docnum, docnums array, weights array)``, extended towards older docnums
    as wider windows ask; least recently used entries go past ``budget`` postings
    (4 bytes + 4 bytes each: 4 per document of the segment, at least 200,000)."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._entries: dict[Hashable, tuple[int, array, array]] = {}  # insertion = use order
        self._size = 0

    def get(self, term: Hashable) -> tuple[int, array, array] | None:
        with self._lock:
            found = self._entries.pop(term, None)
            if found is not None:
                self._entries[term] = found  # most recently used last
            return found

    def put(self, term: Hashable, entry: tuple[int, array, array]) -> None:
        with self._lock:
            old = self._entries.pop(term, None)
            self._size += len(entry[1]) - (len(old[1]) if old is not None else 0)
            self._entries[term] = entry
            while self._size > self.budget and len(self._entries) > 1:
                victim = next(iter(self._entries))
                self._size -= len(self._entries.pop(victim)[1])


@dataclass
class SegmentArrays:
    """docnum -> code per facet field, and docnum -> creation seconds, for one segment
    (views over one packed array when they fit in it, see ``IndexStore._arrays``)."""

    fields: dict[str, memoryview]
    ts: array | memoryview
    min_ts: int = 0  # oldest creation time in the segment (0: empty)
    ts_sorted: bool = False  # docnums in creation order: a time window is a docnum range
    lengths: dict[str, bytes | memoryview] = field(default_factory=dict)  # field -> length bytes
    postings: DecodedPostings = field(default_factory=lambda: DecodedPostings(200_000))


# A document's packed values (``_arrays``): the FACET_FIELDS' codes in their order, then:
RECORD = 8
TS_SLOT = 5
LENGTH_SLOTS = {"title": 6, "body": 7}  # the encoded length byte BM25 reads (bulk.py)
OPEN_ATTEMPTS = 3  # a generation can vanish while being opened (see ``snapshot``)
SCORED_FIELDS = ("title", "body", "skills", "topics")  # BM25 reads their per-document lengths


def _open_lazy_files(reader) -> None:
    """Open now the per-document files that queries read later (stored keys, field lengths).

    Whoosh opens them on first use, and the indexer's next merge deletes an older generation's
    segment files: an open file stays readable, a deleted one cannot be opened, and the reader
    then fails with "'NoneType' object is not subscriptable" (seen under load in the browser
    tests). A generation's files all exist while it is the newest, which is when it is opened.
    """
    if not reader.doc_count_all():
        return
    reader.stored_fields(0)
    for name in SCORED_FIELDS:
        reader.doc_field_length(0, name)


def _length_column(reader, name: str):
    """The segment's encoded field-length bytes (what ``doc_field_length`` decodes), or None
    when the codec keeps them elsewhere."""
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is None or not hasattr(perdoc, "_cached_reader"):
        return None
    return perdoc._cached_reader(_lenfield(name), LENGTHS_COLUMN)


@dataclass
class Snapshot:
    """One index generation as served: its searcher and each leaf's arrays and offset."""

    searcher: Searcher
    generation: tuple[str, int]
    leaves: list[tuple[Searcher, int, SegmentArrays]]

    @property
    def min_ts(self) -> int:
        return min((a.min_ts for _s, _o, a in self.leaves if a.min_ts), default=0)


def store() -> IndexStore:
    """This app's index store (``search.init_app`` puts it on the app)."""
    return current_app.extensions["search"]


class IndexStore:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)
        self.codes = Codes()
        self._lock = threading.Lock()
        self._local = threading.local()
        self._build_lock = threading.Lock()
        self._newest: tuple[str, int] = ("", -1)
        self._segments: dict[str, SegmentArrays] = {}
        self._ix: FileIndex | None = None
        self._ix_dir: Path | None = None

    # ---- folders -----------------------------------------------------------------------------
    def current_dir(self) -> Path:
        """The live index folder; creates an empty index on first use."""
        pointer = self.root / "CURRENT"
        try:
            return self.root / pointer.read_text().strip()
        except FileNotFoundError:
            with self._lock:
                if not pointer.exists():
                    folder = self.new_dir()
                    self.swap_to(folder)
            return self.root / pointer.read_text().strip()

    def new_dir(self) -> Path:
        """A fresh empty index folder (not yet live)."""
        self.root.mkdir(parents=True, exist_ok=True)
        folder = self.root / f"ix-{time.strftime('%Y%m%d%H%M%S')}-{os.urandom(3).hex()}"
        folder.mkdir()
        whoosh_index.create_in(str(folder), make_schema())
        return folder

    def swap_to(self, folder: Path) -> None:
        """Make ``folder`` the live index (atomic rename of the pointer file)."""
        tmp = self.root / f"CURRENT.{os.getpid()}.tmp"
        tmp.write_text(folder.name)
        os.replace(tmp, self.root / "CURRENT")

    def index(self) -> FileIndex:
        """The live FileIndex (reopened when CURRENT changed)."""
        folder = self.current_dir()
        if self._ix is None or self._ix_dir != folder:
            self._ix, self._ix_dir = whoosh_index.open_dir(str(folder)), folder
        return self._ix

    def writer(self, ix: FileIndex | None = None):
        """A blocking writer (waits for the lock), writing separate files (compound=False)."""
        return (ix or self.index()).writer(timeout=WRITE_TIMEOUT, compound=False)

    # ---- reading -----------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        """This thread's searcher on the newest generation (a new one when the index changed).

        One searcher per thread: Whoosh readers keep file positions, so sharing one between
        request threads is not safe; opening one costs ~2 ms per generation, and the segment
        arrays behind it are shared by every thread.
        """
        for _retry in range(OPEN_ATTEMPTS - 1):
            try:
                return self._current()
            except (FileNotFoundError, TypeError):
                continue  # the indexer merged the generation away while it was being opened
        return self._current()

    def _current(self) -> Snapshot:
        ix = self.index()
        generation = (ix.storage.folder, ix.latest_generation())
        snap = getattr(self._local, "snapshot", None)
        if snap is None or snap.generation != generation:
            snap = self._local.snapshot = self._open(ix, generation)
        return snap

    def _open(self, ix: FileIndex, generation: tuple[str, int]) -> Snapshot:
        searcher = ix.searcher()
        leaves = []
        for sub, offset in searcher.leaf_searchers():
            reader = sub.reader()
            _open_lazy_files(reader)
            segment = reader.segment() if hasattr(reader, "segment") else None
            segid = segment.segment_id() if segment is not None else ""
            leaves.append((sub, offset, self._segment_arrays(segid, reader)))
        with self._lock:
            if generation > self._newest:  # forget segments merged away (others rebuild if needed)
                self._newest = generation
                live = {segid for segid in self._segments if any(
                    a is self._segments[segid] for _s, _o, a in leaves)}
                self._segments = {k: v for k, v in self._segments.items() if k in live}
        return Snapshot(searcher, generation, leaves)

    def _segment_arrays(self, segid: str, reader) -> SegmentArrays:
        arrays = self._segments.get(segid)
        if arrays is None:
            with self._build_lock:  # one thread reads a big segment's postings, others wait
                arrays = self._segments.get(segid)
                if arrays is None:
                    arrays = self._arrays(reader)
                    with self._lock:
                        self._segments[segid] = arrays
        return arrays

    def _arrays(self, reader) -> SegmentArrays:
        """A segment's codes, creation times and two field lengths, packed by document.

        A search reads about seven values per hit (the ACL, four facets, the creation time, a
        field length); in one array per value, a mid word's ~2k hits cost ~7 cache misses each
        in arrays of megabytes. Here a document's values are neighbours (``RECORD`` unsigned
        ints, one cache line), and ``fields``/``ts``/``lengths`` are strided views over them,
        read exactly as the separate arrays were."""
        n = reader.doc_count_all()
        packed = array("I", bytes(4 * RECORD * n))
        view = memoryview(packed)
        fields: dict[str, memoryview] = {}
        for slot, name in enumerate(FACET_FIELDS):
            codes = array("I", bytes(4 * n))
            for term in reader.lexicon(name):
                value = term.decode("utf-8") if isinstance(term, bytes) else term
                code = self.codes.code(name, value)
                for d in reader.postings(name, term).all_ids():
                    codes[d] = code
            view[slot::RECORD] = memoryview(codes)
            fields[name] = view[slot::RECORD]
        ts = array("q", bytes(8 * n))
        if n and reader.has_column("ts"):
            for d, value in enumerate(reader.column_reader("ts")):
                ts[d] = value or 0
        arrays = SegmentArrays(fields, ts, min((t for t in ts if t), default=0),
                               ts == array("q", sorted(ts)),
                               postings=DecodedPostings(max(200_000, 4 * n)))
        if n and min(ts) >= 0 and max(ts) < 2 ** 32:  # else the separate array serves
            view[TS_SLOT::RECORD] = memoryview(array("I", ts))
            arrays.ts = view[TS_SLOT::RECORD]
        for name, slot in LENGTH_SLOTS.items():
            column = _length_column(reader, name)
            if column is not None and len(column) == n:
                view[slot::RECORD] = memoryview(array("I", iter(column)))
                arrays.lengths[name] = view[slot::RECORD]
        return arrays

    def doc_count(self) -> int:
        return self.snapshot().searcher.doc_count()
