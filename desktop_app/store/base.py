"""The declarative base every table of the store's one schema hangs on.

In its own module so the schema can be split into readable parts (``schema``, ``schema_after_sales``,
``schema_desk``) without an import cycle; blind indexes are maintained for every model on it.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from desktop_app.store.sealed import maintain_blind_indexes


class Base(DeclarativeBase):
    pass


maintain_blind_indexes(Base)
