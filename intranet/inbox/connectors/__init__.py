"""How comments come in and replies go out: item validation, webhook signatures, RSS/Atom feeds,
the per-source rate limit."""
