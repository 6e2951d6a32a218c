"""Time zones: the company's (``TIMEZONE``), and each person's own choice over it.

A company on one site reads every time in its own zone; a colleague in Toronto or Singapore
chooses theirs on their profile, and from then on their pages show times, read the times they
type (a scheduled post, a poll's end) and count "today" (a task due today) in it. Flask-Babel
asks ``i18n.select_timezone`` once per request; the page and card caches already key on its
answer. Mails state no clock time, so they need no zone of their own.

The names are pytz's ``common_timezones``: the IANA zones a person would look for, without the
legacy aliases ("US/Pacific"), from the database pytz ships (Flask-Babel formats with pytz), so
a server without Debian's tzdata offers the same list.
"""

from __future__ import annotations

import datetime as dt

import pytz
from flask import Flask, current_app
from flask_babel import get_timezone

ZONES = tuple(pytz.common_timezones)  # sorted, "UTC" among them
_KNOWN = frozenset(ZONES)


def is_zone(name: str | None) -> bool:
    return bool(name) and name in _KNOWN


def zone_label(name: str) -> str:
    """A zone as people read it: "America/Los Angeles", not the database's underscore."""
    return name.replace("_", " ")


def reader_zone_label() -> str:
    """The reader's zone (``i18n.select_timezone``'s answer, as Flask-Babel keeps it), labelled."""
    return zone_label(str(get_timezone()))


def company_zone() -> str:
    return current_app.config["TIMEZONE"]


def local_today() -> dt.date:
    """Today's date where the reader is (the company's zone outside a request)."""
    return dt.datetime.now(get_timezone()).date()


def company_today() -> dt.date:
    """Today's date in the company's zone: the day of the company's daily jobs."""
    return dt.datetime.now(pytz.timezone(company_zone())).date()


def init_app(app: Flask) -> None:
    """A company zone the database does not know stops the start, saying what to set."""
    zone = app.config["TIMEZONE"]
    if not is_zone(zone):
        raise RuntimeError(f"INTRANET_TIMEZONE={zone!r} is not a time zone: use an IANA name such "
                           "as Europe/Paris or America/Toronto")
