"""What a posting's BM25 score reads, outside Whoosh's matchers: weights and field lengths.

``evaluate.py`` decodes posting blocks itself (ids, weights) and scores them with the leaf
scorer's numbers; these helpers give it the weights exactly as ``W3LeafMatcher`` de-minifies
them and each document's field-length byte exactly as ``doc_field_length`` decodes it.
"""

from __future__ import annotations

import threading
from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length

from intranet.search.index.store import SegmentArrays

LENGTH_OF_BYTE = [byte_to_length(b) for b in range(256)]
_lengths_lock = threading.Lock()


def _weights(stored, n: int):
    """A block's weights as ``_read_weights`` gives them: None means 1.0 each, one float means
    that weight each (both through a float32 array, as Whoosh stores them)."""
    if stored is None or isinstance(stored, float):
        return array("f", [1.0 if stored is None else stored]) * n
    return stored


def _lengths(reader, arr: SegmentArrays, field: str) -> bytes:
    """The segment's field-length bytes (what ``doc_field_length`` decodes), read once."""
    found = arr.lengths.get(field)
    if found is None:
        with _lengths_lock:
            found = arr.lengths.get(field)
            if found is None:
                column = reader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
                found = arr.lengths[field] = bytes(column) if column is not None else b""
    return found
