"""The index's fields and the document shape every kind builds.

Choices from DESIGN §5 ("What 1,000,000 posts taught us"):
- the creation time is a day number (NUMERIC, few terms) for ``before:``/``after:`` and the
  recency windows, and a seconds COLUMN (not indexed: no terms at all) for sorting;
- ``acl`` names ONE principal per document ("company", "g:12" group content, "gv:12" a group
  visible to its viewers, later "c:3" conversations, "inbox:agent" cases). Who holds which
  principal is decided at query time from access.py, so leaving a group or a visibility change
  needs no re-indexing;
- nothing large is stored: snippets are highlighted from the database text at hydration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, TEXT, Schema

from intranet.search.text.analysis import keyword_value, mixed_analyzer

EPOCH = dt.date(1970, 1, 1)

# Fields read per document at query time (facets, ACL): built into per-segment arrays.
FACET_FIELDS = ("acl", "kind", "group", "author", "department")


def make_schema() -> Schema:
    text = mixed_analyzer()
    return Schema(
        key=ID(unique=True, stored=True),  # "post:12"
        kind=ID,
        parent=ID,  # "post:12" for its comments and files: one delete removes them all
        title=TEXT(analyzer=text, phrase=True, field_boost=2.0),
        body=TEXT(analyzer=text, phrase=True),
        author=ID,
        group=ID,
        department=ID,
        skills=KEYWORD(commas=True, lowercase=True, field_boost=3.0),
        topics=KEYWORD(commas=True, lowercase=True),
        day=NUMERIC(int, bits=32),  # signed: unsigned open-ended ranges misbehave in Whoosh
        ts=COLUMN(NumericColumn("q")),
        acl=ID,
    )


def day_number(when: dt.date | dt.datetime) -> int:
    """Days since 1970-01-01 (UTC date for datetimes)."""
    if isinstance(when, dt.datetime):
        when = when.astimezone(dt.UTC).date() if when.tzinfo else when.date()
    return (when - EPOCH).days


@dataclass
class Doc:
    """What a kind's builder returns for one object; ``to_fields`` makes the Whoosh document."""

    kind: str
    id: int
    title: str
    body: str
    created: dt.datetime
    acl: str
    author_id: int | None = None
    group_id: int | None = None
    department_id: int | None = None
    parent: str = ""
    skills: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def to_fields(self) -> dict[str, object]:
        created = self.created if self.created.tzinfo else self.created.replace(tzinfo=dt.UTC)
        fields = {
            "key": self.key, "kind": self.kind, "parent": self.parent,
            "title": self.title, "body": self.body,
            "author": _id(self.author_id), "group": _id(self.group_id),
            "department": _id(self.department_id),
            "skills": ",".join(keyword_value(s) for s in self.skills),
            "topics": ",".join(keyword_value(t) for t in self.topics),
            "day": day_number(created), "ts": int(created.timestamp()), "acl": self.acl,
        }
        return {k: v for k, v in fields.items() if v != ""}  # no empty terms in ID fields


def _id(value: int | None) -> str:
    return "" if value is None else str(value)
