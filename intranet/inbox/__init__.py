"""The inbox's way in: connectors (webhook, feeds, file import, forward), watch rules, triage,
routing and SLA clocks. State changes go through ``actions/inbox_ingest.py`` and
``actions/inbox_admin.py``; this package holds the pure logic they use."""
