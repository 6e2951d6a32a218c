"""Hostile files, built on the spot (nothing large in git): zip bombs in Office clothing, PDFs
with too many pages or one endless page, picture bombs. Used by the tests and bench/bombs_bench.py.

Each builder streams what it packs, so building a bomb costs the test a few MB, not its
unpacked size.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable

import docx
from PIL import Image

from tests.search_files import pdf_of

MB = 1024 * 1024


def _zip(parts: Iterable[tuple[str, Iterable[bytes]]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, chunks in parts:
            with z.open(name, "w", force_zip64=False) as member:
                for chunk in chunks:
                    member.write(chunk)
    return out.getvalue()


def docx_bomb(parts: int = 200) -> bytes:
    """A .docx of ``parts`` media parts of 0.9 MB of zeros each (~180 MB once unpacked, ~200 kB
    packed): each part alone is under the ratio rule, together far over the unpacked cap."""
    body = b'<w:document><w:body><w:p><w:r><w:t>bomb</w:t></w:r></w:p></w:body></w:document>'
    zeros = bytes(900 * 1024)
    return _zip([("[Content_Types].xml", [b"<Types/>"]), ("word/document.xml", [body]),
                 *((f"word/media/image{n}.bin", [zeros]) for n in range(parts))])


def docx_xml_bomb(megabytes: int = 51) -> bytes:
    """The issue's .docx: a real one (python-docx's own template) whose document.xml is
    ``megabytes`` MB of paragraphs (~150 kB packed); python-docx made a ~900 MB tree of it."""
    skeleton = io.BytesIO()
    docx.Document().save(skeleton)
    para = b"<w:p><w:r><w:t>bombe</w:t></w:r></w:p>" * (MB // 38)
    head = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body>")
    with zipfile.ZipFile(skeleton) as z:
        parts = [(i.filename, [z.read(i)]) for i in z.infolist()
                 if i.filename != "word/document.xml"]
    return _zip([*parts, ("word/document.xml",
                          [head, *(para for _ in range(megabytes)), b"</w:body></w:document>"])])


def odt_ratio_bomb(megabytes: int = 60) -> bytes:
    """An .odt whose content.xml is ``megabytes`` MB of one repeated paragraph (~1,000 to 1)."""
    para = b"<text:p>abracadabra</text:p>" * (MB // 28)
    return _zip([("mimetype", [b"application/vnd.oasis.opendocument.text"]),
                 ("content.xml", (para for _ in range(megabytes)))])


def xlsx_many_entries(entries: int = 20_000) -> bytes:
    """An .xlsx of ``entries`` empty parts: a central directory costs memory per entry."""
    return _zip([("[Content_Types].xml", [b"<Types/>"]),
                 *((f"xl/worksheets/_rels/r{n}.xml", [b""]) for n in range(entries))])




def _stream(data: bytes, *, deflate: bool = False) -> bytes:
    if deflate:
        data = zlib.compress(data, 9)
    flt = b" /Filter /FlateDecode" if deflate else b""
    return b"<< /Length " + str(len(data)).encode() + flt + b" >>\nstream\n" + data + b"\nendstream"


def pdf_many_pages(pages: int, first: str, last: str) -> bytes:
    """``pages`` pages: the first says ``first``, the last ``last``, the others nothing."""
    font = b"/Resources << /Font << /F1 4 0 R >> >>"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(f"{8 + n} 0 R".encode() for n in range(pages))
               + f"] /Count {pages} >>".encode(),
               b"<< >>",  # 3: unused
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               _stream(f"BT /F1 18 Tf 72 720 Td ({first}) Tj ET".encode()),
               _stream(f"BT /F1 18 Tf 72 720 Td ({last}) Tj ET".encode()),
               _stream(b"")]
    for n in range(pages):
        contents = 5 if n == 0 else 6 if n == pages - 1 else 7
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {contents}"
                       " 0 R ".encode() + font + b" >>")
    return pdf_of(objects)


def pdf_endless_page(operators: int = 1_000_000) -> bytes:
    """One page whose compressed content stream holds ``operators`` text operators (~22 MB
    unpacked from ~100 kB): reading its text takes far longer than any real page."""
    content = b"BT /F1 1 Tf (a) Tj ET\n" * operators
    return pdf_of([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                 b"/Resources << /Font << /F1 5 0 R >> >> >>",
                 _stream(content, deflate=True),
                 b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def png_bomb(width: int, height: int, *, rgb: bool = False) -> bytes:
    """A PNG declaring ``width`` x ``height`` pixels of zeros, its rows compressed as a stream."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    row = bytes(1 + width * (3 if rgb else 1))  # filter byte + samples
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 2 if rgb else 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def jpeg(width: int, height: int, *, progressive: bool = False, mode: str = "L") -> bytes:
    """A flat JPEG of that size (grey by default: 1 byte a pixel while the builder holds it)."""
    out = io.BytesIO()
    Image.new(mode, (width, height), 128).save(out, "JPEG", quality=60, progressive=progressive)
    return out.getvalue()
