"""User text: Markdown -> HTML (markdown-it-py) -> bleach allow-list, once, on write.

Also finds the ``@handles`` and ``#topics`` a text mentions, from the same parse, so that code
spans, code blocks and links never produce mentions. The only importer of bleach.
"""

from __future__ import annotations

import html as html_lib
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, partial

import bleach
from bleach.linkifier import TLDS, LinkifyFilter, build_url_re
from markdown_it import MarkdownIt
from markdown_it.token import Token

TAGS = {
    "p", "br", "strong", "em", "del", "s", "a", "ul", "ol", "li", "blockquote", "code", "pre",
    "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th", "td",
}
ATTRS = {"a": ["href", "title", "rel", "class"], "th": ["align"], "td": ["align"]}
PROTOCOLS = {"http", "https", "mailto"}
TOKEN_RE = re.compile(r"(?<![\w@#/&])([@#])([\w][\w.-]{0,58}[\w]|[\w])", re.UNICODE)

Resolver = Callable[[str], tuple[str, str] | None]  # handle -> (url, css class) or None


@dataclass
class Rendered:
    html: str
    mentions: set[str] = field(default_factory=set)  # handles, lower-case, without '@'
    topics: set[str] = field(default_factory=set)  # lower-case, without '#'


@cache
def _md() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
    return md


def _set_rel(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    """Allow-list and linkify in one pass, with one cleaner per thread (bleach's parser keeps
    state: "This cleaner is not thread-safe", and requests and sockets run on threads).

    bleach only links known TLDs: add the ones intranet host names use. Linkifying inside the
    cleaner (rather than ``Linker.linkify`` on its output) matters: ``Linker`` re-escapes the
    entities inside skipped tags and link labels (bleach 6, mozilla/bleach#704), which showed
    ``a &amp;amp; b`` in every code block.
    """
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        linkify = partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"},
                          parse_email=False, url_re=_url_re())
        cleaner = _local.cleaner = bleach.Cleaner(tags=TAGS, attributes=ATTRS, protocols=PROTOCOLS,
                                                  strip=True, filters=[linkify])
    return cleaner


@cache
def _url_re() -> re.Pattern[str]:
    return build_url_re(tlds=[*TLDS, "local", "lan", "corp", "internal", "intranet", "intra"])


def _text_tokens(tokens: list[Token]) -> Iterator[Token]:
    """Plain text tokens outside links (code spans are separate token types already)."""
    for block in tokens:
        depth = 0
        for tok in block.children or []:
            if tok.type == "link_open":
                depth += 1
            elif tok.type == "link_close":
                depth -= 1
            elif tok.type == "text" and depth == 0:
                yield tok


def _split(tok: Token, mentions: Resolver, topic_url: Callable[[str], str] | None) -> list[Token]:
    out: list[Token] = []
    pos = 0
    for m in TOKEN_RE.finditer(tok.content):
        sigil, name = m.group(1), m.group(2)
        if sigil == "@":
            target = mentions(name.lower())
        else:
            target = (topic_url(name.lower()), "topic") if topic_url is not None else None
        if target is None:
            continue
        if m.start() > pos:
            out.append(Token("text", "", 0, content=tok.content[pos : m.start()]))
        url, css = target
        out.append(Token("link_open", "a", 1, attrs={"href": url, "class": css}))
        out.append(Token("text", "", 0, content=m.group(0)))
        out.append(Token("link_close", "a", -1))
        pos = m.end()
    if pos < len(tok.content):
        out.append(Token("text", "", 0, content=tok.content[pos:]))
    return out


# Text that Markdown and bleach give back as one paragraph of itself: starts with a letter (no
# list, heading, quote or code block), one line, only letters, digits, spaces and . , ; : ! ? ' ’ ( ) -
# (nothing to escape, no emphasis, link, entity, mention or topic), a dot only before a space or
# the end (no domain name for linkify), nothing to strip at either end. Proven against the full
# path over a corpus and random strings (tests/test_sanitize_plain.py).
_PLAIN_RE = re.compile(r"[^\W\d_](?:[^\W_]|[ ,;:!?'\u2019()\u00a0\u202f-]|\.(?= |\u00a0|\u202f|$))*")


def _plain(text: str) -> bool:
    return _PLAIN_RE.fullmatch(text) is not None and text == text.strip()


def scan(text: str) -> Rendered:
    """Find mentions and topics without rendering (to resolve handles before ``render``)."""
    found = Rendered(html="")
    if _plain(text):
        return found
    for tok in _text_tokens(_md().parse(text)):
        for sigil, name in TOKEN_RE.findall(tok.content):
            (found.mentions if sigil == "@" else found.topics).add(name.lower())
    return found


def render(text: str, mentions: Resolver, topic_url: Callable[[str], str] | None) -> Rendered:
    """Render Markdown to safe HTML, turning known @handles and #topics into links.

    ``topic_url`` None: ``#words`` stay text (messages have no topic pages). Plain text (most
    chat messages: "ok, merci !") skips the parse and bleach (~1 ms) for the same HTML."""
    if _plain(text):
        return Rendered(html=f"<p>{text}</p>\n")
    return _render_markdown(text, mentions, topic_url)


def _render_markdown(text: str, mentions: Resolver, topic_url: Callable[[str], str] | None) -> Rendered:
    """The full path: Markdown parse, mentions and topics as links, bleach with linkify."""
    found = scan(text)
    tokens = _md().parse(text)
    for block in tokens:
        if block.children:
            new: list[Token] = []
            depth = 0
            for tok in block.children:
                depth += tok.type == "link_open"
                depth -= tok.type == "link_close"
                new.extend(_split(tok, mentions, topic_url) if tok.type == "text" and not depth
                           else [tok])
            block.children = new
    html = _md().renderer.render(tokens, _md().options, {})
    found.html = clean_html(html)
    return found


def clean_html(html: str) -> str:
    return _cleaner().clean(html)


def plain_text(html: str) -> str:
    """Text for the search index and notification previews (unescaped: ``a & b``, not ``&amp;``)."""
    text = html_lib.unescape(bleach.clean(html, tags=set(), strip=True))
    return re.sub(r"\s+", " ", text).strip()


def linkify_text(text: str) -> str:
    """Untrusted plain text (a customer's comment) as HTML: everything escaped, bare URLs made
    links with ``rel="nofollow noopener noreferrer"``; line breaks are left to CSS."""
    return clean_html(html_lib.escape(text, quote=False))


def safe_url(url: str) -> str:
    """``url`` when it is an http(s) link, else "" (never a ``javascript:`` href from outside)."""
    value = (url or "").strip()
    return value if re.match(r"^https?://[^\s]+$", value, re.IGNORECASE) else ""
_BLOCK_TAG_RE = re.compile(r"</?(?:p|br|li|ul|ol|h\d|blockquote|pre|tr|td|th|table|thead|tbody|hr)\b[^>]*>")
_ANY_TAG_RE = re.compile(r"<[^>]*>")


def index_text(html: str) -> str:
    """``plain_text`` for HTML this module already cleaned (stored ``html`` columns): ~30x faster.

    Search indexes and snippets read every post; bleach's parser cost ~1 ms a post, so a
    million-post rebuild spent more time there than in Whoosh. Stored HTML holds only our
    allow-listed tags, so dropping tags (blocks become spaces) is exact enough for words.
    """
    text = _ANY_TAG_RE.sub("", _BLOCK_TAG_RE.sub(" ", html))
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()
