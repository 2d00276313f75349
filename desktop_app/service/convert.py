"""ORM rows → frozen result types. The only place the service reads ORM attributes for output."""

from __future__ import annotations

from desktop_app.service.types import Attribute, ProductDetail, ProductSummary
from desktop_app.store.schema import Product


def summary(p: Product) -> ProductSummary:
    return ProductSummary(
        product_id=p.id,
        sku=p.sku,
        category=p.category,
        name_en=p.name_en,
        name_zh=p.name_zh,
        brand=p.brand,
        price_fen=p.price_fen,
        stock=p.stock,
        rating=p.rating,
        needs_assembly=p.needs_assembly,
    )


def detail(p: Product) -> ProductDetail:
    return ProductDetail(
        summary=summary(p),
        description_en=p.description_en,
        description_zh=p.description_zh,
        origin_region=p.origin_region,
        ship_from=p.ship_from,
        rating_count=p.rating_count,
        final_sale=p.final_sale,
        attributes=tuple(
            Attribute(a.key, a.value, a.value_num) for a in sorted(p.attributes, key=lambda a: (a.key, a.value))
        ),
    )
