"""Every SQLite-only fast path, each behind a check of the dialect and with a portable twin that
the other backends take: pragmas, the checkpoint thread, multi-row inserts, the ingest write lock,
group commit and the data_version watcher. The only place that imports sqlite3."""
