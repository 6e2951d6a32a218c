"""The index itself: schema, the on-disk store and its generations, the outbox indexer, rebuild."""
