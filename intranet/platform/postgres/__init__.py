"""The PostgreSQL-only counterparts of ``platform/sqlite/``, where PostgreSQL needs its own way."""
