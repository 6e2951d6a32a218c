"""What every part stands on: config, extensions, the database session and transactions, events
published on commit, presence state, who is asking (auth), errors, web plumbing, security headers,
i18n, sanitizing (the only bleach importer), stored files and migrations."""
