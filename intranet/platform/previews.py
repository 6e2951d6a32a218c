"""Photos made safe to show, and PDF previews: the parent's side of ``imaging.py``.

``make(data, ext)`` is called on upload, before anything is written: a photo comes back
re-encoded (metadata gone, size capped) with its thumbnail, or is refused with a reason the
person can act on; a PDF comes back with a first-page preview when one could be made within the
limits (a PDF without one is still accepted: its preview is a nicety, its text goes to search).
The child gets the same kind of limits as text extraction (``files._extract_in_child``), with
its own memory budget: a 40-megapixel photo decodes to 160 MB.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass

from flask import current_app

from intranet.platform import imaging

IMAGE_TYPES: dict[str, str] = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
    ".gif": "image/gif",
}
THUMB_TYPE = "image/webp"


@dataclass
class Preview:
    """What the child made: the photo to store instead of the upload (b'' for a PDF), its size
    in pixels (the preview's for a PDF) and the thumbnail."""

    data: bytes
    width: int
    height: int
    thumb: bytes


class Refused(Exception):
    """A photo we will not store: ``reason`` is type, pixels, side, frames, memory, time or
    damaged; ``limit`` the cap it went past."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(f"{reason} (limit {limit})" if limit else reason)
        self.reason, self.limit = reason, limit


def looks_like_image(ext: str, data: bytes) -> bool:
    """The first bytes are those of the type the extension names (the child checks again)."""
    if ext in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext == ".gif":
        return data[:6] in (b"GIF87a", b"GIF89a")
    if ext == ".webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return False


def make(data: bytes, ext: str) -> Preview | None:
    """A photo's clean copy and thumbnail (``Refused`` when it cannot be one); a PDF's preview
    or None (never refused for want of a preview)."""
    try:
        return _run(data, ext)
    except Refused as refused:
        if ext == ".pdf":
            current_app.logger.info("no preview for a PDF: %s", refused)
            return None
        raise


def _run(data: bytes, ext: str) -> Preview:
    cfg = current_app.config
    job = {"ext": ext, "max_pixels": cfg["IMAGE_MAX_PIXELS"], "max_side": cfg["IMAGE_MAX_SIDE"],
           "max_frames": cfg["IMAGE_MAX_FRAMES"], "display_side": cfg["IMAGE_DISPLAY_SIDE"],
           "thumb_side": cfg["IMAGE_THUMB_SIDE"], "memory_mb": cfg["IMAGE_MEMORY_MB"],
           "cpu_seconds": cfg["EXTRACT_CPU_SECONDS"]}
    try:
        done = subprocess.run([sys.executable, "-I", imaging.__file__, json.dumps(job)],
                              input=data, capture_output=True, timeout=cfg["IMAGE_SECONDS"],
                              check=False)
    except subprocess.TimeoutExpired:
        raise Refused("time", cfg["IMAGE_SECONDS"]) from None
    except OSError as exc:  # no child could start: say the file cannot be taken now
        current_app.logger.warning("previews: no child process: %s", exc)
        raise Refused("damaged") from exc
    head, _, rest = done.stdout.partition(b"\n")
    try:
        answer = json.loads(head)
    except ValueError:  # killed by a limit before answering
        raise Refused("memory" if done.returncode < 0 else "damaged", job["memory_mb"]) from None
    if "error" in answer:
        if answer.get("detail"):
            current_app.logger.info("previews: refused a %s: %s", ext, answer["detail"])
        raise Refused(answer["error"], int(answer.get("limit") or 0))
    clean_len, thumb_len = int(answer["clean"]), int(answer["thumb"])
    if len(rest) != clean_len + thumb_len:
        raise Refused("damaged")
    return Preview(rest[:clean_len], int(answer["width"]), int(answer["height"]), rest[clean_len:])

