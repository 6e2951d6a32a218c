"""Administration of people: the people pages, CSV imports, personal data, retention, audit log."""
