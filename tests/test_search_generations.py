"""A searcher opened on an older index generation keeps answering after the indexer has merged
its segments away (and deleted their files): the web threads read while the indexer writes."""

from __future__ import annotations

from typing import Any

from flask import Flask

from intranet.search import indexer
from tests.test_search import post


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
