"""Photos and PDF previews, made in a child process with resource limits.

``previews.make`` runs this file as a script (``python -I imaging.py JOB``, the file's bytes on
stdin), as ``files.text_of`` runs ``extract.py``: image decoders are C code fed hostile bytes
(libwebp's heap overflow of 2023 reached every browser and Pillow), so the decoding happens in a
process that lowers its own address space and CPU limits first (``extract.limit``'s twin) and
whose crash is a refused file, never a dead web process. Only the standard library, Pillow and
pypdfium2 are imported (~0.15 s to start; pypdf's import alone would cost 0.6 s).

Before any pixel is decoded the header's size is checked: pixels, longest side and frames
(``Image.open`` reads no pixels). A photo is then stored re-encoded: orientation applied, no
EXIF, GPS, XMP, comments or text chunks (only the colour profile and an animation's timing are
kept), the longest side at most ``display_side``; its thumbnail is a WebP. A PDF gets a WebP of
its first page, rendered at thumbnail size.

Answer on stdout: one JSON line (``{"width", "height", "clean", "thumb"}``, the last two the
byte lengths that follow, or ``{"error", "limit"}``), then the clean image's bytes, then the
thumbnail's.
"""

from __future__ import annotations

import io
import json
import resource
import sys
import warnings

import pypdfium2
from PIL import Image, ImageOps, ImageSequence

FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WEBP", ".gif": "GIF"}
KEEP_INFO = ("icc_profile", "transparency", "duration", "loop", "background")


class Refused(Exception):
    """A file we will not decode: ``reason`` is type, pixels, side, frames or damaged."""

    def __init__(self, reason: str, limit: int = 0) -> None:
        super().__init__(reason)
        self.reason, self.limit = reason, limit


def process_image(data: bytes, job: dict) -> tuple[int, int, bytes, bytes]:
    """(width, height, clean bytes, thumbnail bytes) of a photo, or ``Refused``."""
    image = Image.open(io.BytesIO(data))
    if image.format != FORMATS.get(job["ext"]):
        raise Refused("type")
    frames = getattr(image, "n_frames", 1)
    _check_size(image.width, image.height, frames, job)
    if frames > 1:
        clean, first = _animation(image), image.convert("RGBA")
        width, height = image.size
    else:
        if image.format == "JPEG":  # decode at the smallest scale libjpeg offers that still fits
            image.draft("RGB", (job["display_side"], job["display_side"]))
        image.load()
        kept = {k: image.info[k] for k in KEEP_INFO if k in image.info}
        ImageOps.exif_transpose(image, in_place=True)  # upright, as the camera meant it
        if image.mode == "P" and max(image.size) > job["display_side"]:
            image = image.convert("RGBA")
        if max(image.size) > job["display_side"]:
            image = image.resize(_fit(image.size, job["display_side"]), Image.Resampling.BICUBIC,
                                 reducing_gap=2.0)
        image.info = kept  # nothing else is written back: EXIF, GPS, XMP, comments are gone
        clean, first = _encode(image, FORMATS[job["ext"]]), image
        width, height = image.size
    return width, height, clean, _thumbnail(first, job["thumb_side"])


def _check_size(width: int, height: int, frames: int, job: dict) -> None:
    if width * height > job["max_pixels"]:
        raise Refused("pixels", job["max_pixels"])
    if max(width, height) > job["max_side"]:
        raise Refused("side", job["max_side"])
    if frames > job["max_frames"] or width * height * frames > job["max_pixels"]:
        raise Refused("frames", job["max_frames"])


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    options: dict = {"icc_profile": image.info.get("icc_profile")}
    if fmt == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        options.update(quality=88)  # optimize=True: 8 % smaller for twice the time
    elif fmt == "WEBP":
        options.update(quality=88)
    elif fmt == "GIF":
        options = {k: image.info[k] for k in ("transparency", "background") if k in image.info}
    image.save(out, fmt, **{k: v for k, v in options.items() if v is not None})
    return out.getvalue()


def _animation(image: Image.Image) -> bytes:
    """An animated GIF or WebP, every frame re-encoded (no comment or XMP extension kept)."""
    fmt = image.format
    frames = [frame.convert("RGBA") for frame in ImageSequence.Iterator(image)]
    durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(image)]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=durations,
                   loop=image.info.get("loop", 0), disposal=2 if fmt == "GIF" else 0)
    return out.getvalue()


def _fit(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled so that its longest side is ``side`` (never enlarged)."""
    scale = min(1.0, side / max(size))
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _thumbnail(image: Image.Image, side: int) -> bytes:
    """Scaled first (``reduce`` by whole factors, then bicubic), converted once small."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    if image.mode in ("P", "1", "I;16"):  # a palette scales badly: made RGB(A) first
        image = image.convert("RGBA" if has_alpha else "RGB")
    thumb = image.resize(_fit(image.size, side), Image.Resampling.BICUBIC, reducing_gap=2.0)
    thumb = thumb.convert("RGBA" if has_alpha else "RGB")
    out = io.BytesIO()
    thumb.save(out, "WEBP", quality=80)
    return out.getvalue()


def process_pdf(data: bytes, job: dict) -> tuple[int, int, bytes, bytes]:
    """A WebP of a PDF's first page, its longest side ``thumb_side`` (no clean copy: b'')."""
    pdf = pypdfium2.PdfDocument(data)
    try:
        if len(pdf) == 0:
            raise Refused("damaged")
        page = pdf[0]
        width, height = page.get_size()  # points
        if width <= 0 or height <= 0:
            raise Refused("damaged")
        scale = min(job["thumb_side"] / max(width, height), 4.0)
        bitmap = page.render(scale=scale)
        image = bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()
    return image.width, image.height, b"", _thumbnail(image, job["thumb_side"])


def limit(memory_mb: int, cpu_seconds: int) -> None:
    """As ``extract._limit``: address space, CPU time, no core file, no file written."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def main(argv: list[str]) -> int:
    job = json.loads(argv[1])
    limit(job["memory_mb"], job["cpu_seconds"])
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    Image.MAX_IMAGE_PIXELS = job["max_pixels"]  # Pillow's own guard, behind ours
    data = sys.stdin.buffer.read()
    clean = thumb = b""
    try:
        run = process_pdf if job["ext"] == ".pdf" else process_image
        width, height, clean, thumb = run(data, job)
        head = {"width": width, "height": height, "clean": len(clean), "thumb": len(thumb)}
    except Refused as exc:
        head = {"error": exc.reason, "limit": exc.limit}
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        head = {"error": "pixels", "limit": job["max_pixels"]}
    except MemoryError:
        head = {"error": "memory", "limit": job["memory_mb"]}
    except Exception as exc:  # a damaged file: the parent says so, briefly
        head = {"error": "damaged", "detail": f"{type(exc).__name__}: {exc}"[:300]}
    out = sys.stdout.buffer
    out.write(json.dumps(head).encode() + b"\n" + clean + thumb)
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
