"""The search part of ``/readyz``: how far the index lags behind the database.

The index is derived data: a lagging indexer makes new posts late in search results, it does
not make this process unable to serve pages. So the check is not required (it never turns the
probe to 503); it reports the pending outbox rows and the age of the oldest, and says
``lagging`` past ``READYZ_SEARCH_LAG_SECONDS`` for whoever watches the numbers.
"""

from __future__ import annotations

import datetime as dt

from flask import current_app

from intranet.platform import db
from intranet.platform.health import LAGGING, OK, Check, failed
from intranet.search.index.indexer import pending


def search_check() -> Check:
    try:
        count, oldest = pending(db.session())
    except Exception as exc:
        return failed("search", exc, required=False)
    lag = (dt.datetime.now(dt.UTC) - oldest).total_seconds() if oldest else 0.0
    limit = current_app.config["READYZ_SEARCH_LAG_SECONDS"]
    status = LAGGING if count and lag > limit else OK
    detail = f"{count} pending, oldest {lag:.1f} s" if count else "nothing pending"
    return Check("search", status, detail, required=False,
                 data={"pending": count, "lag_seconds": round(lag, 1)})
