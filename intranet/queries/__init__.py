"""Read models for pages, the API and sockets, always through ``access``: feeds, cards, groups,
notifications, conversations, catch-up."""
