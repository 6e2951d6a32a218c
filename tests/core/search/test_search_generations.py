"""A searcher opened on an older index generation keeps answering after the indexer has merged
its segments away (and deleted their files): the web threads read while the indexer writes."""

from __future__ import annotations

from typing import Any

from flask import Flask

from intranet.search.index import indexer
from intranet.search.query.postings import LENGTH_OF_BYTE
from tests.core.search.test_search import post


def test_an_old_snapshot_survives_a_merge_that_deletes_its_files(app: Flask, cast: Any,
                                                                 drain_index: Any) -> None:
    first = post(app, cast.alice, "Zeppelin maintenance handbook")
    drain_index()
    with app.app_context():
        store = indexer.store()
        old = store.snapshot()
        docnums = list(old.searcher.document_numbers())
        writer = store.writer()  # what the indexer does later: merge everything into one segment
        writer.add_document(key="post:999999", kind="post")
        writer.commit(optimize=True)
        keys = [old.searcher.stored_fields(d)["key"] for d in docnums]
    assert f"post:{first}" in keys


def test_packed_segment_values_read_as_whoosh_reads_them(app: Flask, cast: Any,
                                                         drain_index: Any) -> None:
    """The per-document codes, creation times and length bytes packed in one array per
    segment (store._arrays) give, through their views, what Whoosh itself stores."""
    post(app, cast.alice, "Zeppelin maintenance handbook, chapter one")
    post(app, cast.lea, "Zeppelin hangar", cast.apollo)
    drain_index()
    with app.app_context():
        store = indexer.store()
        snap = store.snapshot()
        checked = 0
        for sub, _offset, arr in snap.leaves:
            reader = sub.reader()
            ts = list(reader.column_reader("ts"))
            for d in range(reader.doc_count_all()):
                assert arr.ts[d] == (ts[d] or 0)
                for name in ("title", "body"):
                    byte = arr.lengths[name][d]
                    assert (LENGTH_OF_BYTE[byte] if byte else None) == \
                        reader.doc_field_length(d, name)
                for name, values in arr.fields.items():
                    code = values[d]
                    docs = set(reader.postings(name, store.codes.value(name, code)).all_ids()) \
                        if code else set()
                    assert not code or d in docs
                checked += 1
    assert checked >= 2
