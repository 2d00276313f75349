"""The products a recommendation can pick from, read as plain rows in two queries.

The recommender scores every candidate on every call, and the fairness audit calls it hundreds of
times in a row: building an ORM object per product and per attribute (about 700 of them on the demo
store) was most of each call's time. Plain rows hold the same values, are read fresh on every call
(so a change of stock is never missed) and cost a fraction of that.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_app.service.types import ProductSummary
from desktop_app.store.schema import Product, ProductAttribute


@dataclass(frozen=True)
class CandidateAttribute:
    key: str
    value: str
    value_num: float | None


@dataclass(frozen=True, eq=False)
class Candidate:
    """One product as the recommender reads it; compared by identity, like the rows it replaces."""

    id: int
    sku: str
    category: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    brand: str
    price_fen: int
    stock: int
    rating: float
    rating_count: int
    needs_assembly: bool
    final_sale: bool
    #: In the order the store holds them (by attribute id), as the product's own collection lists them.
    attributes: tuple[CandidateAttribute, ...]

    def summary(self) -> ProductSummary:
        return ProductSummary(product_id=self.id, sku=self.sku, category=self.category, name_en=self.name_en,
                              name_zh=self.name_zh, brand=self.brand, price_fen=self.price_fen, stock=self.stock,
                              rating=self.rating, needs_assembly=self.needs_assembly)


def load_candidates(s: Session, *, in_stock_only: bool = False) -> list[Candidate]:
    """Every product (or every one in stock), by id, with its attributes."""
    products = select(Product.id, Product.sku, Product.category, Product.name_en, Product.name_zh,
                      Product.description_en, Product.description_zh, Product.brand, Product.price_fen,
                      Product.stock, Product.rating, Product.rating_count, Product.needs_assembly,
                      Product.final_sale).order_by(Product.id)
    attributes = select(ProductAttribute.product_id, ProductAttribute.key, ProductAttribute.value,
                        ProductAttribute.value_num).order_by(ProductAttribute.product_id, ProductAttribute.id)
    if in_stock_only:
        products = products.where(Product.stock > 0)
    by_product: dict[int, list[CandidateAttribute]] = defaultdict(list)
    for product_id, key, value, value_num in s.execute(attributes):
        by_product[product_id].append(CandidateAttribute(key, value, value_num))
    return [Candidate(r.id, r.sku, r.category, r.name_en, r.name_zh, r.description_en, r.description_zh, r.brand,
                      r.price_fen, r.stock, r.rating, r.rating_count, r.needs_assembly, r.final_sale,
                      tuple(by_product.get(r.id, ()))) for r in s.execute(products)]
