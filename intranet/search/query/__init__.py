"""Answering a search: the query AST to Whoosh, one pass over postings, facets, highlights, people,
related words and the results as pages show them."""
