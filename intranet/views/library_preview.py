"""The hook for previews in the Files tab: a thumbnail URL for a library file, or None.

The photos work (image thumbnails, PDF first pages) plugs in here with ``register_preview``;
until then files show their type and size only."""

from __future__ import annotations

from collections.abc import Callable

from intranet.models import LibraryFile

Preview = Callable[[LibraryFile], str | None]
_previews: list[Preview] = []


def register_preview(fn: Preview) -> None:
    if fn not in _previews:
        _previews.append(fn)


def preview_of(item: LibraryFile) -> str | None:
    for fn in _previews:
        url = fn(item)
        if url:
            return url
    return None
