"""The one place that decides who may see and do what.

Pages, feeds, notifications, sockets, catch-up, search and the API all call these functions.
Missing and hidden objects both raise ``NotFound`` (404), so ids cannot be probed. Groups and
posts (``groups``), conversations (``messaging``), what events and notifications a person sees
(``visibility``) and the access version (``version``); other apps register their scopes here.
"""

from intranet.access.groups import *  # noqa: F403
from intranet.access.messaging import *  # noqa: F403
from intranet.access.people import *  # noqa: F403
from intranet.access.tasks import *  # noqa: F403
from intranet.access.visibility import *  # noqa: F403
