"""What every product-showing path actually shows, unit by unit, for the fairness audit.

The audit must judge the lists customers see, so it calls the same service methods the dialogue
(``dialogue/products_flow.py``) calls, with the same arguments:

- ``recommend``: "recommend something" from a signed-in customer with history: ``for_customer(code, 5)``.
- ``no_history``: the same from a customer with no history: ``for_customer`` gives nothing, so the
  dialogue shows ``recommend(RecommendationRequest(), customer_code=code, limit=5)``.
- ``request``: anonymous recommendations for a request: ``recommend(request, limit=5)`` for every
  category, every product type, every recipient and every occasion the recommender knows, and the
  empty request (the best-rated picks).
- ``search``: ``catalog.search`` with ``page_size=8`` for every category, every category sorted each
  way a shopper can ask (cheapest, dearest, best rated), every attribute condition present in the
  in-stock catalogue within its category (flags and listed values; numbers at the category's median),
  every product type's search word, and, so the empty-result path runs too, each category and
  attribute query with a budget under its cheapest match.
- ``search_fallback``: a search that found nothing shows the nearest alternatives,
  ``recommend(request of that search, limit=5)`` when the list says what it relaxed.
- ``similar``: "something like this": ``catalog.similar(sku, 5)`` for every product, sold-out last.

The query set is derived from the catalogue and the vocabulary tables, never hand-picked phrasings,
so it cannot be tuned to make the figures look good. Each unit also names the products it could
have shown (its baseline): a fair path shows groups roughly as often as they appear there.
"""

from __future__ import annotations

import logging
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from sqlalchemy import select

from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES
from desktop_app.service.catalog import MAX_PAGE_SIZE, PRODUCT_TYPES
from desktop_app.service.recommend import AUDIENCES, OCCASIONS, RecommendationList, RecommendationRequest
from desktop_app.service.types import (
    AttributeFilter,
    ProductDetail,
    Recommendation,
    SearchQuery,
    SearchResult,
    SortOrder,
)
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Product, ProductAttribute

log = logging.getLogger(__name__)

#: How many items each path shows, as the dialogue asks for them.
SEARCH_PAGE, PICKS = 8, 5
#: The orders a shopper can ask a search for ("cheapest first", "most expensive", "best rated").
ASKED_SORTS = (SortOrder.PRICE_ASC, SortOrder.PRICE_DESC, SortOrder.RATING)
#: Attribute keys that describe a product's build, not what a shopper filters by.
_NOT_FILTERS = frozenset({"width_cm", "depth_cm", "height_cm"})


class Recommender(Protocol):
    def for_customer(self, customer_code: str, limit: int = 5) -> Sequence[Recommendation]: ...

    def recommend(self, request: RecommendationRequest, *, customer_code: str | None = None,
                  limit: int = 5) -> RecommendationList: ...


class Catalogue(Protocol):
    def search(self, query: SearchQuery) -> SearchResult: ...

    def similar(self, sku_or_id: str | int, limit: int = 5) -> tuple[ProductDetail, ...]: ...


@dataclass(frozen=True)
class ProductFacts:
    """The groups one product belongs to, and whether it can be bought now."""

    product_id: int
    sku: str
    category: str
    brand: str
    origin_region: str
    price_fen: int
    in_stock: bool


@dataclass(frozen=True)
class Unit:
    """One audited customer, query or product: what it was shown (product ids, best first) and
    the products it could have been shown (the baseline)."""

    shown: tuple[int, ...]
    eligible: frozenset[int]


@dataclass(frozen=True)
class CustomerPicks:
    """What one customer is shown on "recommend something", with the groups parity compares.
    No identity: the audit needs the groups, never who."""

    language: str
    city: str
    shown: tuple[int, ...]


@dataclass(frozen=True)
class AuditUnits:
    products: dict[int, ProductFacts]
    #: path → its units, in a stable order (bootstrap resamples them by index).
    paths: dict[str, tuple[Unit, ...]]
    customers: tuple[CustomerPicks, ...]


#: path → the kind of unit it is audited over.
PATH_UNITS = {"recommend": "customer", "no_history": "customer", "request": "query", "search": "query",
              "search_fallback": "query", "similar": "product"}


def collect(db: Database, catalog: Catalogue, recommender: Recommender) -> AuditUnits:
    products, attributes, customers = _read_store(db)
    in_stock = frozenset(p.product_id for p in products.values() if p.in_stock)
    paths: dict[str, list[Unit]] = {path: [] for path in PATH_UNITS}
    picks: list[CustomerPicks] = []
    for code, language, city in customers:
        personal = tuple(r.product.product_id for r in recommender.for_customer(code, limit=PICKS))
        if personal:
            paths["recommend"].append(Unit(personal, in_stock))
            picks.append(CustomerPicks(language, city, personal))
            continue
        general = recommender.recommend(RecommendationRequest(), customer_code=code, limit=PICKS)
        shown = tuple(r.product.product_id for r in general.items)
        paths["no_history"].append(Unit(shown, in_stock))
        picks.append(CustomerPicks(language, city, shown))
    for request in requests():
        result = recommender.recommend(request, limit=PICKS)
        paths["request"].append(Unit(tuple(r.product.product_id for r in result.items),
                                     _in_categories(products, _request_categories(request))))
    for query in search_queries(products, attributes):
        found = catalog.search(query)
        matched = _all_matches(catalog, query, found)
        paths["search"].append(Unit(tuple(p.product_id for p in found.items), matched))
        if found.total == 0:
            request = RecommendationRequest(categories=(query.category,) if query.category else (),
                                            min_price_fen=query.min_price_fen, max_price_fen=query.max_price_fen,
                                            attributes=query.attributes, brands=query.brands)
            nearest = recommender.recommend(request, limit=PICKS)
            if nearest.items and nearest.relaxed:  # what the dialogue shows; otherwise it says "nothing matches"
                paths["search_fallback"].append(Unit(tuple(r.product.product_id for r in nearest.items),
                                                     _in_categories(products, request.categories)))
    for p in products.values():
        similar = sorted(catalog.similar(p.sku, limit=PICKS), key=lambda d: d.summary.stock <= 0)
        same = frozenset(q.product_id for q in products.values() if q.category == p.category) - {p.product_id}
        paths["similar"].append(Unit(tuple(d.summary.product_id for d in similar), same))
    log.debug("fairness units: %s", {k: len(v) for k, v in paths.items()})
    return AuditUnits(products, {k: tuple(v) for k, v in paths.items()}, tuple(picks))


def requests() -> tuple[RecommendationRequest, ...]:
    """Every request the recommender has a table entry for, and the empty one."""
    return (RecommendationRequest(),
            *(RecommendationRequest(categories=(c,)) for c in CATEGORIES),
            *(RecommendationRequest(product_type=t.key) for t in PRODUCT_TYPES),
            *(RecommendationRequest(audience=a) for a in AUDIENCES),
            *(RecommendationRequest(occasion=o) for o in OCCASIONS))


def search_queries(products: dict[int, ProductFacts],
                   attributes: Sequence[tuple[int, str, str, float | None]]) -> tuple[SearchQuery, ...]:
    """The generic query set (see the module docstring), derived from the in-stock catalogue."""
    stocked = [p for p in products.values() if p.in_stock]
    categories = sorted({p.category for p in stocked})
    base = [SearchQuery(category=c, page_size=SEARCH_PAGE) for c in categories]
    filtered: list[SearchQuery] = []
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    numbers: dict[tuple[str, str], list[float]] = defaultdict(list)
    for product_id, key, value, number in attributes:
        p = products.get(product_id)
        spec = ATTRIBUTES.get(key)
        if p is None or not p.in_stock or spec is None or key in _NOT_FILTERS:
            continue
        if spec.kind == "number":
            if number is not None:
                numbers[(p.category, key)].append(number)
        else:
            values[(p.category, key)].add(value)
    for (category, key), found in sorted(values.items()):
        filtered += [SearchQuery(category=category, attributes=(AttributeFilter(key, v),), page_size=SEARCH_PAGE)
                     for v in sorted(found)]
    for (category, key), found_numbers in sorted(numbers.items()):
        filtered.append(SearchQuery(category=category, page_size=SEARCH_PAGE,
                                    attributes=(AttributeFilter(key, min_value=statistics.median(found_numbers)),)))
    sorted_queries = [replace(q, sort=s) for q in base for s in ASKED_SORTS]
    typed = [SearchQuery(text=t.search_word, category=t.categories[0] if len(t.categories) == 1 else None,
                         page_size=SEARCH_PAGE) for t in PRODUCT_TYPES]
    held: dict[int, list[tuple[str, str, float | None]]] = defaultdict(list)
    for product_id, key, value, number in attributes:
        held[product_id].append((key, value, number))
    too_cheap = []
    for q in (*base, *filtered):
        cheapest = min((p.price_fen for p in stocked
                        if p.category == q.category and _meets(held[p.product_id], q.attributes)), default=None)
        if cheapest is not None and cheapest >= 2:
            too_cheap.append(replace(q, max_price_fen=cheapest // 2))
    return (*base, *sorted_queries, *filtered, *typed, *too_cheap)


def _meets(held: Sequence[tuple[str, str, float | None]], filters: Sequence[AttributeFilter]) -> bool:
    """Whether a product holding ``held`` attributes meets every filter (to find a query's cheapest match)."""
    return all(any(key == f.key and (f.value is None or value == f.value)
                   and (f.min_value is None or (number is not None and number >= f.min_value))
                   for key, value, number in held) for f in filters)


def _all_matches(catalog: Catalogue, query: SearchQuery, first: SearchResult) -> frozenset[int]:
    """Every product the search matched (the shown page is only the top of them)."""
    if first.total <= len(first.items):
        return frozenset(p.product_id for p in first.items)
    found: set[int] = set()
    page, pages = 1, 1
    while page <= pages:
        result = catalog.search(replace(query, page=page, page_size=MAX_PAGE_SIZE))
        found |= {p.product_id for p in result.items}
        page, pages = page + 1, result.pages
    return frozenset(found)


def _request_categories(r: RecommendationRequest) -> tuple[str, ...]:
    """The categories a request draws from (the recommender's own tables say which)."""
    if r.categories:
        return r.categories
    if r.product_type:
        return next(t.categories for t in PRODUCT_TYPES if t.key == r.product_type)
    if r.audience:
        return AUDIENCES[r.audience].categories
    if r.occasion and OCCASIONS[r.occasion].categories:
        return OCCASIONS[r.occasion].categories
    return ()


def _in_categories(products: dict[int, ProductFacts], categories: Sequence[str]) -> frozenset[int]:
    """In-stock products of ``categories`` (every category when none is named)."""
    return frozenset(p.product_id for p in products.values()
                     if p.in_stock and (not categories or p.category in categories))


def _read_store(db: Database) -> tuple[dict[int, ProductFacts], list[tuple[int, str, str, float | None]],
                                        list[tuple[str, str, str]]]:
    with db.session() as s:
        products = {p.id: ProductFacts(p.id, p.sku, p.category, p.brand, p.origin_region, p.price_fen, p.stock > 0)
                    for p in s.execute(select(Product.id, Product.sku, Product.category, Product.brand,
                                              Product.origin_region, Product.price_fen, Product.stock)
                                       .order_by(Product.id)).all()}
        attributes = [(pid, key, value, number) for pid, key, value, number in s.execute(
            select(ProductAttribute.product_id, ProductAttribute.key, ProductAttribute.value,
                   ProductAttribute.value_num).order_by(ProductAttribute.id)).all()]
        customers = [(code, language, city) for code, language, city in s.execute(
            select(Customer.code, Customer.language, Customer.city).order_by(Customer.id)).all()]
    return products, attributes, customers
