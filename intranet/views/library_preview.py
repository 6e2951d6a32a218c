"""Previews in the Files tab: a thumbnail URL for a library file, or None.

Photos and PDFs get a thumbnail on upload (``platform.previews``, as shared files do), served
by ``library.thumb`` through access. Other kinds of preview may plug in with
``register_preview``; files without any show their type and size only."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from intranet.models import LibraryFile

Preview = Callable[[LibraryFile], str | None]
_previews: list[Preview] = []


def register_preview(fn: Preview) -> None:
    if fn not in _previews:
        _previews.append(fn)


def preview_of(item: LibraryFile) -> str | None:
    if item.thumb_sha256:
        return url_for("library.thumb", file_id=item.id, digest=item.thumb_sha256)
    for fn in _previews:
        url = fn(item)
        if url:
            return url
    return None
