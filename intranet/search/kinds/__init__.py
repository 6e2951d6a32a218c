"""What is indexed: the core's kinds (posts, comments, groups, people, files, messages).

``register_core`` registers them in the order facets list them; other apps add theirs after.
"""

from __future__ import annotations

from intranet.search.kinds import content, files, messages, tasks


def register_core() -> None:
    content.register_foundation()
    files.register()
    messages.register_private()
    tasks.register()
