"""Parametric designs of the furniture the store sells, one module per product."""

from __future__ import annotations

from collections.abc import Callable

from desktop_app.ar.designs import bookshelf, side_table, stool
from desktop_app.ar.designs.builder import DesignBuilder

DESIGNS: dict[str, Callable[[], DesignBuilder]] = {
    "FUR-SHELF-3T": bookshelf.build,
    "FUR-TABLE-SIDE": side_table.build,
    "FUR-STOOL-01": stool.build,
}
