"""Alembic revisions ``v1`` … ``vN``, one per schema version; alembic loads them by path."""
