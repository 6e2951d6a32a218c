"""The search query language, parsed into a small AST shared by search and watch rules.

Grammar (precedence: OR binds tighter than the implicit AND, as in web search engines, so
``budget marketing OR ventes`` means budget AND (marketing OR ventes))::

    query   := seq
    seq     := alt+                       implicit AND ("AND" is accepted and ignored)
    alt     := unary ("OR" unary)*
    unary   := ("-" | "NOT") primary | primary
    primary := "(" seq ")" | "phrase" | field:value | field:"value" | #topic | word | prefix*

Fields: ``from:`` (person), ``in:`` (group), ``type:`` (kind), ``skill:``, ``is:`` (a task's
status), ``assignee:`` (a task's person or service), ``before:``/``after:``
(YYYY, YYYY-MM or YYYY-MM-DD; ``after:`` includes the date, ``before:`` excludes it) and
``#topic``. An unknown ``name:`` is read as text, so pasted sentences with colons still work.
Errors are ``QuerySyntaxError`` with a message for a person and the character position.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import gettext as _

from intranet.platform.errors import Invalid

FIELDS = ("from", "in", "type", "skill", "before", "after", "is", "assignee")
POST_TYPES = ("question",)  # type: values that are kinds of post, not of document
KINDS = ("post", "comment", "file", "group", "person", "message", "case", "task", "libfile")
IS_VALUES = {"open": "open", "in_progress": "in_progress", "done": "done", "todo": "open",
             "ouvert": "open", "ouverte": "open", "en_cours": "in_progress", "fait": "done",
             "faite": "done", "termine": "done", "terminee": "done",
             # questions
             "unanswered": "unanswered", "answered": "answered", "sans_reponse": "unanswered",
             "repondue": "answered", "resolue": "answered"}
_KIND_ALIASES = {"posts": "post", "comments": "comment", "files": "file", "groups": "group",
                 "people": "person", "persons": "person", "messages": "message",
                 "cases": "case", "fichier": "file", "fichiers": "file", "personne": "person",
                 "personnes": "person", "groupe": "group", "groupes": "group",
                 "commentaire": "comment", "commentaires": "comment", "tasks": "task",
                 "tache": "task", "taches": "task", "tâche": "task", "tâches": "task"}
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


class QuerySyntaxError(Invalid):
    """A query that cannot be read; ``position`` is the 0-based character offset."""

    code = "query_syntax"

    def __init__(self, message: str, position: int) -> None:
        super().__init__(message, field="q")
        self.position = position


# ---- AST -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str
    pos: int = 0


@dataclass(frozen=True)
class Phrase:
    text: str
    pos: int = 0


@dataclass(frozen=True)
class Prefix:
    text: str
    pos: int = 0


@dataclass(frozen=True)
class Field:
    """``name`` in FIELDS or "topic"; ``value`` is the raw text, or a date for before/after."""

    name: str
    value: str | dt.date
    pos: int = 0


@dataclass(frozen=True)
class Not:
    child: Node
    pos: int = 0


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Word | Phrase | Prefix | Field | Not | And | Or


def walk(node: Node):
    """Every node of the tree, depth first."""
    yield node
    if isinstance(node, (And, Or)):
        for child in node.children:
            yield from walk(child)
    elif isinstance(node, Not):
        yield from walk(node.child)


# ---- Lexer -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Tok:
    kind: str  # "(" ")" "OR" "NOT" "PHRASE" "BARE" "FIELD"
    text: str
    pos: int
    field: str = ""


def _read_quoted(q: str, i: int) -> tuple[str, int]:
    end = q.find('"', i + 1)
    if end < 0:
        raise QuerySyntaxError(_("A quotation mark is not closed (position %(pos)d).",
                                 pos=i + 1), i)
    return q[i + 1:end], end + 1


def _lex(q: str) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(_Tok(c, c, i))
            i += 1
        elif c == '"':
            text, j = _read_quoted(q, i)
            toks.append(_Tok("PHRASE", text, i))
            i = j
        elif c == "-" and (i + 1 < n and not q[i + 1].isspace()):
            toks.append(_Tok("NOT", "-", i))
            i += 1
        else:
            i = _lex_bare(q, i, toks)
    return toks


def _lex_bare(q: str, i: int, toks: list[_Tok]) -> int:
    start, n = i, len(q)
    while i < n and not q[i].isspace() and q[i] not in '()"':
        if q[i] == ":" and q[start:i].lower() in FIELDS:
            name = q[start:i].lower()
            if i + 1 < n and q[i + 1] == '"':
                value, j = _read_quoted(q, i + 1)
                toks.append(_Tok("FIELD", value, start, name))
                return j
            j = i + 1
            while j < n and not q[j].isspace() and q[j] not in '()"':
                j += 1
            toks.append(_Tok("FIELD", q[i + 1:j], start, name))
            return j
        i += 1
    text = q[start:i]
    if text == "OR" or text == "|":
        toks.append(_Tok("OR", text, start))
    elif text == "NOT":
        toks.append(_Tok("NOT", text, start))
    elif text != "AND":
        toks.append(_Tok("BARE", text, start))
    return i


# ---- Parser ----------------------------------------------------------------------------------

class _Parser:
    def __init__(self, q: str) -> None:
        self.q = q
        self.toks = _lex(q)
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def seq(self, closing: bool) -> Node:
        items: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            items.append(self.alt())
        if tok is not None and not closing:
            raise QuerySyntaxError(
                _("A closing parenthesis has no opening one (position %(pos)d).",
                  pos=tok.pos + 1), tok.pos)
        return items[0] if len(items) == 1 else And(tuple(items))

    def alt(self) -> Node:
        first = self.peek()
        if first is not None and first.kind == "OR":
            raise QuerySyntaxError(_("OR needs a word before it (position %(pos)d).",
                                     pos=first.pos + 1), first.pos)
        items = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR"):
                raise QuerySyntaxError(_("OR needs a word after it (position %(pos)d).",
                                         pos=tok.pos + 1), tok.pos)
            items.append(self.unary())
        return items[0] if len(items) == 1 else Or(tuple(items))

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "NOT":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "NOT"):
                raise QuerySyntaxError(
                    _("Put a word right after the minus sign or NOT (position %(pos)d).",
                      pos=tok.pos + 1), tok.pos)
            return Not(self.primary(), tok.pos)
        return self.primary()

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "(":
            inner = self.seq(closing=True)
            close = self.peek()
            if close is None:
                raise QuerySyntaxError(
                    _("A parenthesis is not closed (position %(pos)d).", pos=tok.pos + 1),
                    tok.pos)
            self.take()
            if isinstance(inner, And) and not inner.children:
                raise QuerySyntaxError(_("Empty parentheses (position %(pos)d).",
                                         pos=tok.pos + 1), tok.pos)
            return inner
        if tok.kind == "PHRASE":
            if not tok.text.strip():
                raise QuerySyntaxError(_("Empty quotation marks (position %(pos)d).",
                                         pos=tok.pos + 1), tok.pos)
            return Phrase(tok.text, tok.pos)
        if tok.kind == "FIELD":
            return _field(tok)
        return _bare(tok)


def _bare(tok: _Tok) -> Node:
    text = tok.text
    if text.startswith("#"):
        tag = text.lstrip("#")
        if not tag:
            raise QuerySyntaxError(_("Write a topic after # (position %(pos)d).",
                                     pos=tok.pos + 1), tok.pos)
        return Field("topic", tag, tok.pos)
    if text.endswith("*"):
        stem = text.rstrip("*")
        if "*" in stem or len(stem) < 2:
            raise QuerySyntaxError(
                _("A prefix search needs at least 2 letters before * (position %(pos)d).",
                  pos=tok.pos + 1), tok.pos)
        return Prefix(stem, tok.pos)
    if "*" in text:
        raise QuerySyntaxError(_("* only works at the end of a word (position %(pos)d).",
                                 pos=tok.pos + 1), tok.pos)
    return Word(text, tok.pos)


def _field(tok: _Tok) -> Field:
    value = tok.text.strip()
    if not value:
        raise QuerySyntaxError(_("%(field)s: needs a value (position %(pos)d).",
                                 field=tok.field, pos=tok.pos + 1), tok.pos)
    if tok.field in ("before", "after"):
        return Field(tok.field, _date(value, tok), tok.pos)
    if tok.field == "type":
        kind = _KIND_ALIASES.get(value.lower(), value.lower())
        if kind in POST_TYPES or kind in ("questions",):
            return Field("type", "question", tok.pos)
        if kind not in KINDS:
            raise QuerySyntaxError(
                _("Unknown type “%(value)s” (position %(pos)d). Types: %(kinds)s.",
                  value=value, pos=tok.pos + 1, kinds=", ".join(KINDS)), tok.pos)
        return Field("type", kind, tok.pos)
    if tok.field == "is":
        state = IS_VALUES.get(value.lower().replace("-", "_"))
        if state is None:
            raise QuerySyntaxError(
                _("Unknown state “%(value)s” (position %(pos)d). States: %(states)s.",
                  value=value, pos=tok.pos + 1, states="open, in_progress, done, unanswered, answered"),
                tok.pos)
        return Field("is", state, tok.pos)
    return Field(tok.field, value, tok.pos)


def _date(value: str, tok: _Tok) -> dt.date:
    m = _DATE_RE.match(value)
    try:
        if not m:
            raise ValueError(value)
        return dt.date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        raise QuerySyntaxError(
            _("%(field)s: expects a date like 2024-05-31 (position %(pos)d).",
              field=tok.field, pos=tok.pos + 1), tok.pos) from None


def parse(q: str) -> Node:
    """Parse a query into its AST. Raises QuerySyntaxError; an empty query is an error too."""
    if not isinstance(q, str) or not q.strip():
        raise QuerySyntaxError(_("Type something to search for."), 0)
    if len(q) > 500:
        raise QuerySyntaxError(_("The query is too long (at most 500 characters)."), 500)
    p = _Parser(q)
    node = p.seq(closing=False)
    if isinstance(node, And) and not node.children:
        raise QuerySyntaxError(_("Type something to search for."), 0)
    return node


def positive_terms(node: Node) -> bool:
    """True when the query has at least one thing to find (not only exclusions or filters)."""
    if isinstance(node, (Word, Phrase, Prefix)):
        return True
    if isinstance(node, Field):
        return node.name not in ("before", "after")
    if isinstance(node, Not):
        return False
    return any(positive_terms(c) for c in node.children)
