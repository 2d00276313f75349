"""Product questions, product facts by field, comparisons and multi-condition search.

The product-type table lives in ``product_types``, facts by field in ``field_facts`` and comparisons
in ``product_comparison``; their public names are re-exported here for the callers that import them
from the catalogue.

Filters are SQL (one EXISTS per attribute condition) so the same query runs on SQLite and
PostgreSQL, sorts and paginates in the database, and stays fast as the catalog grows. Facts
("how many mAh?", "how heavy?", "which is cheaper?") are read from the stored product only: a
field the store does not hold is reported as unknown, never guessed.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from sqlalchemy import ColumnElement, Exists, Select, UnaryExpression, and_, exists, func, or_, select
from sqlalchemy.orm import Session, lazyload

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput, NotFound
from desktop_app.core.text import clean_text
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES
from desktop_app.service.convert import detail, summary
from desktop_app.service.delivery import estimate_delivery
from desktop_app.service.field_facts import (
    FIELDS as FIELDS,
    FieldFact as FieldFact,
    field_fact as field_fact,
    field_label as field_label,
)
from desktop_app.service.policy import WarrantyRules
from desktop_app.service.product_comparison import (
    DEFAULT_COMPARE_FIELDS as DEFAULT_COMPARE_FIELDS,
    ComparisonRow as ComparisonRow,
    ProductComparison as ProductComparison,
    compare_facts as compare_facts,
    winner_words as winner_words,
)
from desktop_app.service.product_types import (
    PRODUCT_TYPES as PRODUCT_TYPES,
    ProductType as ProductType,
    product_type as product_type,
    product_type_in as product_type_in,
)
from desktop_app.service.types import (
    AttributeFilter,
    ProductAnswer,
    ProductDetail,
    SearchQuery,
    SearchResult,
    SortOrder,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Product, ProductAttribute

log = logging.getLogger(__name__)

MAX_PAGE_SIZE = 50


class CatalogService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def product(self, sku_or_id: str | int) -> ProductDetail:
        with self._db.session() as s:
            return detail(self._load(s, sku_or_id))

    def answer(self, sku_or_id: str | int, *, destination_city: str | None = None) -> ProductAnswer:
        """Price, specs, stock and a delivery estimate for one product, in one result."""
        with self._db.session() as s:
            product = self._load(s, sku_or_id)
            info = detail(product)
        stock = info.summary.stock
        if stock <= 0:
            en, zh = "Out of stock", "暂时缺货"
        elif stock < 10:
            en, zh = f"Only {stock} left", f"仅剩 {stock} 件"
        else:
            en, zh = "In stock", "有货"
        delivery = estimate_delivery(info.ship_from, destination_city, in_stock=stock > 0)
        return ProductAnswer(product=info, stock_text_en=en, stock_text_zh=zh, delivery=delivery)

    def fact(self, sku_or_id: str | int, field: str, *, destination_city: str | None = None,
             warranty: WarrantyRules | None = None) -> tuple[FieldFact, ProductAnswer]:
        """One field of one product, and the product's whole answer to show as its card."""
        answer = self.answer(sku_or_id, destination_city=destination_city)
        return field_fact(answer, field, warranty=warranty), answer

    def compare(self, skus: Sequence[str | int], fields: Sequence[str] = (), *, destination_city: str | None = None,
                direction: dict[str, str] | None = None, warranty: WarrantyRules | None = None) -> ProductComparison:
        """Two or more products side by side; with no fields, the ones that matter for their category."""
        unique = list(dict.fromkeys(skus))
        if len(unique) < 2:
            raise InvalidInput("Name at least two products to compare.", message_zh="请至少说出两件要对比的商品。")
        answers = [self.answer(s, destination_city=destination_city) for s in unique]
        if not fields:
            category = answers[0].product.summary.category
            same = all(a.product.summary.category == category for a in answers)
            fields = DEFAULT_COMPARE_FIELDS.get(category, ("price", "rating")) if same else ("price", "rating")
        return compare_facts(answers, fields, direction=direction, warranty=warranty)

    def search(self, query: SearchQuery) -> SearchResult:
        self._validate(query)
        stmt = self._filtered(query)
        with self._db.session() as s:
            total = s.scalar(select(func.count()).select_from(stmt.subquery())) or 0
            pages = max(1, math.ceil(total / query.page_size))
            page = min(query.page, pages)
            # A result lists summaries only: the attributes are not read, so they are not loaded either.
            page_stmt = self._sorted(stmt, query).options(lazyload(Product.attributes))
            rows = s.scalars(page_stmt.limit(query.page_size).offset((page - 1) * query.page_size)).all()
            items = tuple(summary(p) for p in rows)
        log.debug("search matched %d products", total)
        return SearchResult(query=query, items=items, total=total, page=page, pages=pages)

    def names(self) -> tuple[tuple[str, str, str], ...]:
        """(sku, English name, Chinese name) of every product, for the language layer's lexicon."""
        with self._db.session() as s:
            rows = s.execute(select(Product.sku, Product.name_en, Product.name_zh).order_by(Product.id))
            return tuple((sku, en, zh) for sku, en, zh in rows)

    def brands(self) -> tuple[str, ...]:
        """Every brand the store sells, spelled as stored, for the language layer's brand list."""
        with self._db.session() as s:
            return tuple(s.scalars(select(Product.brand).distinct().order_by(Product.brand)).all())

    def similar(self, sku_or_id: str | int, limit: int = 5) -> tuple[ProductDetail, ...]:
        """Same category, ranked by shared attribute values and price closeness."""
        with self._db.session() as s:
            base = self._load(s, sku_or_id)
            base_values = {(a.key, a.value) for a in base.attributes}
            candidates = s.scalars(
                select(Product).where(Product.category == base.category, Product.id != base.id)
            ).all()

            def score(p: Product) -> float:
                values = {(a.key, a.value) for a in p.attributes}
                overlap = len(values & base_values) / max(1, len(values | base_values))
                closeness = 1 - min(1.0, abs(p.price_fen - base.price_fen) / max(base.price_fen, 1))
                return 0.7 * overlap + 0.3 * closeness

            ranked = sorted(candidates, key=lambda p: (-score(p), p.id))[:limit]
            return tuple(detail(p) for p in ranked)

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _load(s: Session, sku_or_id: str | int) -> Product:
        product: Product | None
        if isinstance(sku_or_id, int):
            product = s.get(Product, sku_or_id)
        else:
            key = clean_text(str(sku_or_id), max_chars=64)
            product = s.scalar(select(Product).where(Product.sku == key.upper())) if key else None
        if product is None:
            raise NotFound(f"No product {str(sku_or_id)[:40]!r} in this store.", message_zh="没有找到该商品。")
        return product

    @staticmethod
    def _validate(q: SearchQuery) -> None:
        if q.category is not None and q.category not in CATEGORIES:
            raise InvalidInput(f"Unknown category {q.category!r}.", message_zh=f"未知的商品类目：{q.category}")
        for f in q.attributes:
            if f.key not in ATTRIBUTES:
                raise InvalidInput(f"Unknown attribute {f.key!r}.", message_zh=f"未知的筛选条件：{f.key}")
        for value in (q.min_price_fen, q.max_price_fen):
            if value is not None and value < 0:
                raise InvalidInput("Prices cannot be negative.", message_zh="价格不能为负数。")
        if q.min_price_fen is not None and q.max_price_fen is not None and q.min_price_fen > q.max_price_fen:
            raise InvalidInput("The minimum price is above the maximum.", message_zh="最低价高于最高价。")
        if q.page < 1 or not 1 <= q.page_size <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"Page must be ≥ 1 and page size 1–{MAX_PAGE_SIZE}.", message_zh="页码或每页数量无效。"
            )

    @staticmethod
    def _attribute_condition(f: AttributeFilter) -> Exists:
        conditions: list[ColumnElement[bool]] = [ProductAttribute.product_id == Product.id, ProductAttribute.key == f.key]
        if f.value is not None:
            conditions.append(ProductAttribute.value == f.value)
        if f.min_value is not None:
            conditions.append(ProductAttribute.value_num >= f.min_value)
        if f.max_value is not None:
            conditions.append(ProductAttribute.value_num <= f.max_value)
        return exists().where(and_(*conditions))

    def _filtered(self, q: SearchQuery) -> Select[Product]:
        stmt = select(Product)
        if q.category:
            stmt = stmt.where(Product.category == q.category)
        brands = [b.strip() for b in q.brands if b.strip()]  # compared exactly as stored: no normalising
        if brands:
            stmt = stmt.where(Product.brand.in_(brands))
        if q.min_price_fen is not None:
            stmt = stmt.where(Product.price_fen >= q.min_price_fen)
        if q.max_price_fen is not None:
            stmt = stmt.where(Product.price_fen <= q.max_price_fen)
        if q.in_stock_only:
            stmt = stmt.where(Product.stock > 0)
        for f in q.attributes:
            stmt = stmt.where(self._attribute_condition(f))
        text = clean_text(q.text or "", max_chars=100)
        if text:
            # LIKE wildcards in user text are literals, never patterns.
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            stmt = stmt.where(
                or_(
                    Product.name_en.ilike(pattern, escape="\\"),
                    Product.name_zh.like(pattern, escape="\\"),
                    Product.brand.ilike(pattern, escape="\\"),
                    Product.sku.ilike(pattern, escape="\\"),
                )
            )
        return stmt

    @staticmethod
    def _sorted(stmt: Select[Product], q: SearchQuery) -> Select[Product]:
        orders: dict[SortOrder, tuple[UnaryExpression[int] | UnaryExpression[float] | UnaryExpression[bool], ...]] = {
            SortOrder.PRICE_ASC: (Product.price_fen.asc(),),
            SortOrder.PRICE_DESC: (Product.price_fen.desc(),),
            SortOrder.RATING: (Product.rating.desc(),),
            SortOrder.SALES: (Product.sales_count.desc(),),
            # Relevance without a ranking model: what sells and rates well, in stock first.
            SortOrder.RELEVANCE: (Product.sales_count.desc(), Product.rating.desc()),
        }
        # Whatever the order asked, what can be bought comes first: a sold-out item never leads a list.
        return stmt.order_by((Product.stock > 0).desc(), *orders[q.sort], Product.id)
