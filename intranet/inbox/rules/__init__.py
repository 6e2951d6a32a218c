"""Pure logic of the inbox, no session and no writes: watch rules, triage, sentiment, routing, SLA."""
