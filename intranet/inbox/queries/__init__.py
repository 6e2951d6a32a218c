"""Read models of the inbox, always through ``inbox.access``: case lists, the case page, the
dashboard, suggestions."""
