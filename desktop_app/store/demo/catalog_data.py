"""The demo store's whole product catalog, checked once at import.

The entries live in per-category modules (``catalog_tech``, ``catalog_home``,
``catalog_outdoor``); this module joins them and refuses a catalog that breaks the rules the
rest of the app relies on (unique SKUs, SKU prefix per category, prices in the category's
believable range, known warehouse and origin), so a careless edit fails loudly at import.
"""

from __future__ import annotations

from desktop_app.core.places import CITIES, REGIONS
from desktop_app.store.demo.catalog_home import FURNITURE, GUIDED_FURNITURE_SKUS, SKINCARE
from desktop_app.store.demo.catalog_outdoor import APPAREL, CAMPING
from desktop_app.store.demo.catalog_tech import PHONES, WATCHES
from desktop_app.store.demo.catalog_types import ProductDef

__all__ = ["CATALOG", "GUIDED_FURNITURE_SKUS", "PRICE_RANGE_YUAN", "SKU_PREFIX", "by_sku", "check_catalog"]

SKU_PREFIX: dict[str, str] = {
    "phone": "PHN-",
    "smartwatch": "WAT-",
    "skincare": "SKN-",
    "camping": "CMP-",
    "apparel": "APP-",
    "furniture": "FUR-",
}

#: Believable shelf prices per category, whole yuan, inclusive.
PRICE_RANGE_YUAN: dict[str, tuple[int, int]] = {
    "phone": (399, 6999),
    "smartwatch": (199, 2999),
    "skincare": (49, 899),
    "camping": (39, 2599),
    "apparel": (59, 1299),
    "furniture": (99, 1999),
}


def check_catalog(catalog: tuple[ProductDef, ...]) -> None:
    """Raise ``ValueError`` naming the first entry that breaks a catalog rule."""
    seen: set[str] = set()
    for p in catalog:
        if p.sku in seen:
            raise ValueError(f"duplicate SKU {p.sku}")
        seen.add(p.sku)
        if not p.sku.startswith(SKU_PREFIX[p.category]):
            raise ValueError(f"{p.sku}: SKU prefix does not match category {p.category}")
        low, high = PRICE_RANGE_YUAN[p.category]
        if not low * 100 <= p.price_fen <= high * 100:
            raise ValueError(f"{p.sku}: price outside the {p.category} range")
        if p.ship_from not in CITIES:
            raise ValueError(f"{p.sku}: unknown warehouse city {p.ship_from}")
        if p.origin_region not in REGIONS:
            raise ValueError(f"{p.sku}: unknown origin region {p.origin_region}")
        if not all((p.name_en, p.name_zh, p.description_en, p.description_zh)):
            raise ValueError(f"{p.sku}: a name or description is empty")
        if p.category == "apparel" and not p.values("size"):
            raise ValueError(f"{p.sku}: apparel needs sizes")


CATALOG: tuple[ProductDef, ...] = PHONES + WATCHES + SKINCARE + CAMPING + APPAREL + FURNITURE
check_catalog(CATALOG)

_BY_SKU: dict[str, ProductDef] = {p.sku: p for p in CATALOG}


def by_sku(sku: str) -> ProductDef:
    return _BY_SKU[sku]
