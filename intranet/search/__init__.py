"""Search: the only package that imports whoosh (DESIGN §5).

analysis (analyzers), querylang (query AST), match (in-memory rules), schema, indexer, query.
"""
