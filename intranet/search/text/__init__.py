"""The search language as text: analysis (stemming, accent folding), the query AST and in-memory
matching. The public language API other apps (the inbox's watch rules) build on."""
