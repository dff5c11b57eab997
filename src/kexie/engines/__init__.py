"""Django-free engines shared by the domain apps.

* ``matching``: text matching of demands, experts, entries and judges (BM25F with explanations);
* ``search``: full-text search behind a backend (tantivy, or SQLite FTS5 where tantivy is absent).
* ``contest``: judge assignment (exact, with conflicts and loads) and ranking of calls' entries.

Nothing here imports Django or an app: the apps pass plain data in and get plain data back.
"""
