"""One ``do_*`` per change of the inbox: ingest, cases, replies, knowledge, settings. Never commit."""
