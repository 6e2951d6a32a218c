"""One ``do_*`` per user-visible change of the core. Actions write, audit, publish events and
enqueue index work; they never commit (the caller owns the transaction)."""
