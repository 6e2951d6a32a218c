"""The versioned JSON API under /api/v1: the contract scripts, other tools and our own pages' JS use.

Views are thin: parse JSON (``params``), fetch through ``access``, call one action inside
``db.transaction()``, answer JSON built by ``serializers``. Errors are ``{"error": {"code",
"message"[, "field"]}}`` (see ``web.py``). ``openapi/`` documents every route; a test keeps both
in step. Authentication: ``Authorization: Bearer <token>`` or the session cookie (with
``X-CSRFToken`` on writes).
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

# The routes' modules add themselves to ``bp`` when imported (after it exists, hence down here).
import intranet.views.api.account  # my password, password reset
import intranet.views.api.mail  # mail settings: registers its routes
import intranet.views.api.people  # noqa: F401  (join requests, people, personal data, audit)
from intranet.views.api import events, feed, groups, me, messaging, notifications, posts, search, tokens
from intranet.views.api import keeping as keeping_api  # noqa: F401  (bookmarks, drafts, follows, scheduled)
from intranet.views.api import tasks as tasks_api  # noqa: F401  (tasks and group file libraries)
from intranet.views.api.openapi import document

__all__ = ["bp", "document", "events", "feed", "groups", "me", "messaging", "notifications", "posts",
           "search", "tokens"]
