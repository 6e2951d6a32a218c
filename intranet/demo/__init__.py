"""The demo company, built through actions (``flask --app wsgi demo``)."""
