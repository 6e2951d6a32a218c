"""The PostgreSQL-only counterparts of ``platform/sqlite/``, where PostgreSQL needs its own way.

- ``locks``: transaction-level advisory locks, so that periodic work (the inbox scheduler's feed
  polls, SLA checks and sweeps) runs once across every worker and server on the same database.
  The twin on SQLite is ``platform.locks.exclusive`` letting every run go: SQLite's single writer
  serializes their transactions, and the jobs are idempotent.
"""
