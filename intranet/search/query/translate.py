"""Query AST -> Whoosh query, with names resolved through access (from:, in:).

Words and phrases search the title and body; a word that analyses to two stems (French and
English) matches either. ``in:`` only resolves groups the reader may see, so a secret group's
name never narrows (or reveals) anything. Exclusions beside words become ``Excluding`` (an
``AndNot`` whose matcher excludes on every path; a bare ``Not`` inside ``And`` walks every
document); an exclusion anywhere else (``budget OR -café``, ``-(-word)``) is a ``Not``, so its
meaning is kept, never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from whoosh import query as wq

from intranet import access
from intranet.models import Group, User
from intranet.platform import db
from intranet.queries.social import question_ids
from intranet.search.index.schema import day_number
from intranet.search.query.excluding import Excluding
from intranet.search.text.analysis import fold, keyword_value, text_terms, token_terms
from intranet.search.text.querylang import And, Field, Node, Not, Or, Phrase, Prefix, QuerySyntaxError, Word

TEXT_FIELDS = ("title", "body")


@dataclass
class Translation:
    """The Whoosh query, the terms to highlight, and notes for the reader (unknown names)."""

    query: wq.Query
    terms: set[str] = field(default_factory=set)
    prefixes: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def translate(node: Node, user: User) -> Translation:
    out = Translation(wq.NullQuery)
    q = _node(node, user, out, negated=False)
    if q is None:
        raise QuerySyntaxError(_("Only very common words (such as “the” or “les”): add a more "
                                 "specific word."), 0)
    out.query = q
    return out


def _terms_query(terms: tuple[str, ...]) -> wq.Query:
    subs = [wq.Term(f, t) for f in TEXT_FIELDS for t in terms]
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def _sequence(seq: list[tuple[str, ...]]) -> wq.Query:
    per_field = []
    for f in TEXT_FIELDS:
        if all(len(terms) == 1 for terms in seq):
            per_field.append(wq.Phrase(f, [terms[0] for terms in seq]))
        else:
            per_field.append(wq.Sequence([
                wq.Term(f, terms[0]) if len(terms) == 1 else wq.Or([wq.Term(f, t) for t in terms])
                for terms in seq]))
    return wq.Or(per_field)


def _text(text: str, out: Translation, negated: bool) -> wq.Query | None:
    seq = text_terms(text)
    if not seq:
        return None  # only stop words
    if not negated:
        for terms in seq:
            out.terms.update(terms)
    return _terms_query(seq[0]) if len(seq) == 1 else _sequence(seq)


def _prefix(text: str, out: Translation, negated: bool) -> wq.Query:
    folded = fold(text)
    own = token_terms(text)
    if not negated:
        out.prefixes.add(folded)
        out.terms.update(own)
    subs: list[wq.Query] = [wq.Prefix(f, folded) for f in TEXT_FIELDS]
    subs += [wq.Term(f, t) for f in TEXT_FIELDS for t in own]
    return wq.Or(subs)


def _node(node: Node, user: User, out: Translation, negated: bool) -> wq.Query | None:
    if isinstance(node, (Word, Phrase)):
        return _text(node.text, out, negated)
    if isinstance(node, Prefix):
        return _prefix(node.text, out, negated)
    if isinstance(node, Field):
        return _field(node, user, out)
    if isinstance(node, Not):  # not beside words (``_and`` takes those): everything but it
        child = _node(node.child, user, out, not negated)
        return None if child is None else wq.Not(child)
    if isinstance(node, Or):
        subs = [q for c in node.children if (q := _node(c, user, out, negated)) is not None]
        return None if not subs else subs[0] if len(subs) == 1 else wq.Or(subs)
    return _and(node, user, out, negated)


def _and(node: And, user: User, out: Translation, negated: bool) -> wq.Query | None:
    positive, negative = [], []
    for child in node.children:
        target = negative if isinstance(child, Not) else positive
        q = _node(child.child if isinstance(child, Not) else child, user, out,
                  negated if target is positive else not negated)
        if q is not None:
            target.append(q)
    if not positive:
        return None if not negative else wq.Not(_or(negative))
    base = positive[0] if len(positive) == 1 else wq.And(positive)
    return Excluding(base, _or(negative)) if negative else base


def _or(queries: list[wq.Query]) -> wq.Query:
    return queries[0] if len(queries) == 1 else wq.Or(queries)


def _field(node: Field, user: User, out: Translation) -> wq.Query:
    name, value = node.name, node.value
    if name == "type" and value == "question":
        return _questions(user, answered=None)
    if name == "is" and value in ("answered", "unanswered"):
        return _questions(user, answered=value == "answered")
    if name == "type":
        # a library file is a file too: ``type:file`` finds both
        return wq.Or([wq.Term("kind", "file"), wq.Term("kind", "libfile")]) if value == "file" \
            else wq.Term("kind", value)
    if name == "is":
        return wq.Term("topics", f"is:{value}")
    if name == "assignee":
        return _assignee(str(value), user, out)
    if name == "skill":
        return wq.Term("skills", keyword_value(str(value)))
    if name == "topic":
        return wq.Term("topics", keyword_value(str(value)))
    if name == "after":
        return wq.NumericRange("day", day_number(value), None)
    if name == "before":
        return wq.NumericRange("day", None, day_number(value) - 1)
    if name == "from":
        ids = people_named(str(value))
        if not ids:
            out.notes.append(_("No colleague matches “%(name)s”.", name=value))
        return _ids_query("author", ids)
    ids = groups_named(user, str(value))
    if not ids:
        out.notes.append(_("No group you can see matches “%(name)s”.", name=value))
    return _ids_query("group", ids)


def _assignee(value: str, user: User, out: Translation) -> wq.Query:
    """``assignee:me``, a person (as ``from:``) or a service (a group, as ``in:``)."""
    people = [user.id] if value.lower() in ("me", "moi") else people_named(value)
    groups = [] if value.lower() in ("me", "moi") else groups_named(user, value)
    terms = [wq.Term("topics", f"assignee:{i}") for i in people]
    terms += [wq.Term("topics", f"assignee:g{i}") for i in groups]
    if not terms:
        out.notes.append(_("No colleague or service matches “%(name)s”.", name=value))
        return wq.NullQuery
    return terms[0] if len(terms) == 1 else wq.Or(terms)
def _questions(user: User, *, answered: bool | None) -> wq.Query:
    """Questions are posts: their state (answered or not) is read from the database at query
    time (``queries.social.question_ids``, the newest 1000 the reader may open), never indexed,
    so marking a best answer needs no reindexing and a search is never stale."""
    ids = question_ids(db.session, user, answered=answered)
    return _keys_query("post", ids)


def _keys_query(kind: str, ids: list[int]) -> wq.Query:
    if not ids:
        return wq.NullQuery
    subs = [wq.Term("key", f"{kind}:{i}") for i in ids]
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def _ids_query(fieldname: str, ids: list[int]) -> wq.Query:
    if not ids:
        return wq.NullQuery
    subs = [wq.Term(fieldname, str(i)) for i in ids]
    return subs[0] if len(subs) == 1 else wq.Or(subs)


def people_named(value: str) -> list[int]:
    """``from:alice``, ``from:@alice``, ``from:"Alice Martin"``: username, else name words."""
    handle = value.lstrip("@").lower()
    exact = list(db.session.scalars(select(User.id).where(func.lower(User.username) == handle)))
    if exact:
        return exact
    return list(db.session.scalars(select(User.id).where(
        func.lower(User.name).contains(value.lower())).limit(20)))


def groups_named(user: User, value: str) -> list[int]:
    """``in:apollo``, ``in:"Project Apollo"``: slug or name, among groups the reader can see."""
    low = value.lstrip("@").lower()
    return list(db.session.scalars(select(Group.id).where(
        access.visible_groups_clause(user),
        or_(func.lower(Group.slug) == low, func.lower(Group.name).contains(low))).limit(20)))
