"""Background work of the inbox: processing stored comments, the scheduler (feeds, SLA, sweeps),
bulk import, outbound replies."""
