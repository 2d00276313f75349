"""The store's schema migrations (alembic): the revisions in ``versions/``, their environment, and
the runner that creates, checks and upgrades a store with them (``runner``)."""
