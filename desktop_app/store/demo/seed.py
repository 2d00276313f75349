"""The deterministic demo store: catalog, customers, browsing history, orders and parcel scans.

Same seed, same bytes: everything random comes from one ``random.Random(seed)`` consumed in a
fixed order, and every time is relative to ``anchor``, the demo store's "now" (stored as the
``demo_anchor`` meta key so the services can use it as their clock).

Conventions the services and their tests rely on:

* Places and carriers are stored by their Chinese names (``上海``, ``顺丰速运``); see
  ``catalog_places`` for the English labels.
* Customer ``C001`` (李明轩, 上海) has exactly the scripted orders in
  ``catalog_orders.SCENARIOS`` and no random ones: a phone (PHN-LUM-A5) delivered about two
  days before the anchor, a delayed tent (CMP-NS-T2), a watch in transit, a paid order, a
  returned phone and two older deliveries.
* Other scripted orders cover the return rules; find them by customer code and SKU. Order
  numbers themselves come from the random source.
* Order statuses are the values of ``service.types.OrderStatus``; a returned order's items
  carry ``ReturnRequest`` rows with status "completed".
* Payment, price history, refunds, coupons and the unpaid and cancelled orders come from
  ``seed_after_sales`` (its own random source, so nothing above changes with it).
* With ``history=True`` (the ``demo_history`` setting), four weeks of service history come from
  ``history`` (conversations, complaints, agents' tickets, ratings, guide step times), also from its
  own random source. Off by default here: the tests' stores start without conversations.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from desktop_app.core.places import CARRIERS, CITIES, District
from desktop_app.store.db import Database
from desktop_app.store.demo.catalog_data import CATALOG, by_sku
from desktop_app.store.demo.catalog_orders import (
    DELAYED,
    DELIVERED,
    DELIVERED_AGES,
    IN_TRANSIT,
    ORDER_STATUSES,
    PAID,
    QUOTA,
    RETURNED,
    RETURNED_AGE,
    SCENARIOS,
    SHIPPED,
    Plan,
)
from desktop_app.store.demo.catalog_people import COMPOUNDS, CUSTOMERS, MOBILE_PREFIXES, CustomerProfile
from desktop_app.store.demo.catalog_types import ProductDef
from desktop_app.store.demo.history import seed_history
from desktop_app.store.demo.seed_after_sales import seed_after_sales
from desktop_app.store.demo.seed_logistics import Trip, promised_by, timeline, tracking_number
from desktop_app.store.schema import (
    BrowsingEvent,
    Customer,
    LogisticsEvent,
    Order,
    OrderItem,
    Product,
    ProductAttribute,
    ReturnRequest,
    SchemaMeta,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeedSummary:
    products: int
    customers: int
    orders: int
    orders_by_status: dict[str, int]
    anchor: datetime
    #: Conversations of the seeded service history (0 without it).
    conversations: int = 0


#: Market shares of the carriers, in ``CARRIERS`` order (SF, ZTO, YTO, JD, EMS).
_CARRIER_WEIGHTS = (30, 25, 20, 15, 10)
_IN_FLIGHT = (PAID, SHIPPED, IN_TRANSIT, DELAYED)


@dataclass(frozen=True)
class _Person:
    profile: CustomerProfile
    row: Customer
    district: District


def seed_demo_store(
    db: Database, *, seed: int = 20261125, anchor: datetime = datetime(2026, 11, 20, 14, 0), history: bool = False
) -> SeedSummary:
    """Fill an empty, prepared store in one transaction; refuse a store that has products."""
    if anchor.tzinfo is not None:
        raise ValueError("The demo anchor must be a naive datetime (the store keeps naive local times).")
    if db.has_products():
        raise ValueError("The store already has products; the demo data goes only into an empty store.")
    rng = random.Random(seed)
    with db.session() as s:
        products = _add_products(s, rng)
        people = _add_customers(s, rng, anchor)
        s.flush()
        orders = _add_orders(s, rng, anchor, products, people)
        _add_browsing(s, rng, anchor, products, people, orders)
        orders += seed_after_sales(s, seed=seed, anchor=anchor, products=products,
                                   customers={p.profile.code: p.row for p in people}, orders=orders)
        conversations = 0
        if history:
            conversations = seed_history(s, seed=seed, anchor=anchor, cipher=db.keys.cipher,
                                         customers={p.profile.code: p.row for p in people}, orders=orders).conversations
        for key, value in (("demo_anchor", anchor.isoformat()), ("demo_seed", str(seed))):
            s.merge(SchemaMeta(key=key, value=value))
        by_status = {st: sum(1 for o in orders if o.status == st) for st in ORDER_STATUSES}
        summary = SeedSummary(len(products), len(people), len(orders), by_status, anchor, conversations)
    log.info("seeded demo store: %d products, %d customers, %d orders", summary.products,
             summary.customers, summary.orders)
    return summary


def _add_products(s: Session, rng: random.Random) -> dict[str, Product]:
    rows: dict[str, Product] = {}
    for p in CATALOG:
        reviews = rng.randint(30, 2500) * (3 if p.price_fen < 20000 else 1)
        row = Product(
            sku=p.sku, category=p.category, name_en=p.name_en, name_zh=p.name_zh,
            description_en=p.description_en, description_zh=p.description_zh, brand=p.brand,
            origin_region=p.origin_region, ship_from=p.ship_from, price_fen=p.price_fen,
            stock=p.stock if p.stock is not None else rng.randint(12, 480),
            rating=rng.randint(36, 49) / 10, rating_count=reviews,
            sales_count=reviews * rng.randint(2, 6) + rng.randint(0, 99),
            needs_assembly=p.needs_assembly, final_sale=p.final_sale,
            attributes=[ProductAttribute(key=a.key, value=a.value, value_num=a.value_num)
                        for a in p.attributes],
        )
        s.add(row)
        rows[p.sku] = row
    return rows


def _add_customers(s: Session, rng: random.Random, anchor: datetime) -> list[_Person]:
    people: list[_Person] = []
    last_fours: set[str] = set()
    for profile in CUSTOMERS:
        while True:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
            if phone[-4:] not in last_fours:
                last_fours.add(phone[-4:])
                break
        district = rng.choice(CITIES[profile.city].districts)
        address = (f"{district.zh}{rng.choice(district.roads)}{rng.randint(1, 1999)}号"
                   f"{rng.choice(COMPOUNDS)}{rng.randint(1, 24)}栋{rng.randint(2, 32)}{rng.randint(1, 4):02d}室")
        created = anchor - timedelta(days=rng.uniform(120.0, 1100.0))
        row = Customer(code=profile.code, name=profile.name, phone=phone, city=profile.city,
                       address=address, language=profile.language, created_at=created.replace(microsecond=0))
        s.add(row)
        people.append(_Person(profile, row, district))
    return people


def _plans(rng: random.Random, people: list[_Person]) -> list[Plan]:
    """Scripted orders first, then random ones for everyone but C001 until each quota is met."""
    plans = list(SCENARIOS)
    others = [p.profile.code for p in people if p.profile.code != "C001"]
    rng.shuffle(others)
    turn = 0
    for status, quota in QUOTA.items():
        for i in range(quota - sum(1 for p in SCENARIOS if p.status == status)):
            days_ago = None
            if status == DELIVERED:
                days_ago = rng.uniform(*DELIVERED_AGES[i % len(DELIVERED_AGES)])
            elif status == RETURNED:
                days_ago = rng.uniform(*RETURNED_AGE)
            plans.append(Plan(others[turn % len(others)], status, (), days_ago))
            turn += 1
    return plans


def _eligible(p: ProductDef, status: str) -> bool:
    if p.stock == 0 and status in _IN_FLIGHT:
        return False  # sold out now, so it cannot have been bought in the last few days
    return not (status == RETURNED and (p.final_sale or p.category == "skincare"))


def _pick_items(rng: random.Random, plan: Plan, profile: CustomerProfile) -> list[ProductDef]:
    if plan.skus:
        return [by_sku(sku) for sku in plan.skus]
    interests = profile.interests
    if plan.status == RETURNED:
        interests = tuple(c for c in interests if c != "skincare") or ("apparel",)
    weights = [3.0] + [1.0] * (len(interests) - 1)
    category = rng.choices(interests, weights=weights)[0]
    first = rng.choice([p for p in CATALOG if p.category == category and _eligible(p, plan.status)])
    items = [first]
    roll = rng.random()
    for _ in range(2 if roll < 0.08 else 1 if roll < 0.35 else 0):
        same_shop = [p for p in CATALOG if p.ship_from == first.ship_from and p not in items
                     and _eligible(p, plan.status)]
        liked = [p for p in same_shop if p.category in interests]
        if liked or same_shop:
            items.append(rng.choice(liked or same_shop))
    return items


def _add_orders(s: Session, rng: random.Random, anchor: datetime, products: dict[str, Product],
                people: list[_Person]) -> list[Order]:
    by_code = {p.profile.code: p for p in people}
    carriers = list(CARRIERS.values())
    numbers: set[str] = set()
    last_fours: dict[str, set[str]] = {p.profile.code: set() for p in people}
    orders: list[Order] = []
    for plan in _plans(rng, people):
        person = by_code[plan.customer]
        items = _pick_items(rng, plan, person.profile)
        carrier = rng.choices(carriers, weights=_CARRIER_WEIGHTS)[0]
        trip = Trip(items[0].ship_from, person.profile.city, person.district, carrier)
        placed, scans = timeline(rng, plan.status, plan.days_ago, trip, anchor)
        while True:
            number = f"{placed:%y%m%d}{rng.randrange(10**10):010d}"
            if number not in numbers and number[-4:] not in last_fours[plan.customer]:
                numbers.add(number)
                last_fours[plan.customer].add(number[-4:])
                break
        lines = [_line(rng, p, products[p.sku], placed, anchor) for p in items]
        shipped = next((x.occurred_at for x in scans if x.code == "picked_up"), None)
        delivered = next((x.occurred_at for x in scans if x.code == "delivered"), None)
        order = Order(
            order_number=number, customer_id=person.row.id, status=plan.status,
            placed_at=placed.replace(microsecond=0), shipped_at=shipped, delivered_at=delivered,
            promised_by=promised_by(trip, placed), carrier=carrier.zh,
            tracking_number=tracking_number(rng, carrier) if plan.status != PAID else None,
            contact_phone=person.row.phone, ship_city=person.row.city, ship_address=person.row.address,
            total_fen=sum(line.quantity * line.unit_price_fen for line in lines), items=lines,
            events=[LogisticsEvent(occurred_at=x.occurred_at, code=x.code, location_en=x.location_en,
                                   location_zh=x.location_zh, description_en=x.description_en,
                                   description_zh=x.description_zh) for x in scans],
        )
        orders.append(order)
    orders.sort(key=lambda o: (o.placed_at, o.order_number))
    s.add_all(orders)
    s.flush()
    for order in orders:
        if order.status == RETURNED:
            _add_return_requests(s, rng, order)
    return orders


def _line(rng: random.Random, p: ProductDef, row: Product, placed: datetime, anchor: datetime) -> OrderItem:
    cheap_multiples = p.price_fen <= 15000 and p.category in ("skincare", "apparel", "camping")
    quantity = 2 if cheap_multiples and rng.random() < 0.3 else 1
    price = p.price_fen
    if anchor - placed > timedelta(days=25) and rng.random() < 0.3:
        price -= (p.price_fen // 1000) * 100  # a 10 % promotion then, rounded to whole yuan
    colours, sizes = p.values("colour"), p.values("size")
    return OrderItem(product=row, quantity=quantity, unit_price_fen=price,
                     colour=rng.choice(colours) if colours else None,
                     size=rng.choice(sizes) if sizes else None)


def _add_return_requests(s: Session, rng: random.Random, order: Order) -> None:
    """A returned order's items carry the completed requests that started the return."""
    assert order.delivered_at is not None
    for line in order.items:
        reason = "size" if line.product.category == "apparel" else rng.choice(("no_reason", "quality"))
        created = order.delivered_at + timedelta(hours=rng.uniform(1.0, 20.0))
        s.add(ReturnRequest(order_item_id=line.id, kind="return", reason_code=reason, status="completed",
                            created_at=created.replace(second=0, microsecond=0)))


def _add_browsing(s: Session, rng: random.Random, anchor: datetime, products: dict[str, Product],
                  people: list[_Person], orders: list[Order]) -> None:
    """Views that reflect each customer's interests, plus the look before every purchase."""
    by_customer: dict[int, list[Order]] = {}
    for order in orders:
        by_customer.setdefault(order.customer_id or 0, []).append(order)
    categories = sorted({p.category for p in CATALOG})
    for person in people:
        interests = person.profile.interests
        others = [c for c in categories if c not in interests]
        views: list[tuple[datetime, str, int]] = []
        for _ in range(rng.randint(18, 40)):
            roll = rng.random()
            if roll < 0.55:
                category, keen = interests[0], True
            elif roll < 0.85 and len(interests) > 1:
                category, keen = rng.choice(interests[1:]), True
            else:
                category, keen = rng.choice(others or list(interests)), False
            sku = rng.choice([p.sku for p in CATALOG if p.category == category])
            at = anchor - timedelta(hours=rng.uniform(0.2, 45 * 24.0))
            dwell = rng.randint(40, 420) if keen else rng.randint(3, 35)
            views.append((at, sku, dwell))
        for order in by_customer.get(person.row.id, []):
            for line in order.items:
                at = order.placed_at - timedelta(hours=rng.uniform(0.3, 72.0))
                views.append((at, line.product.sku, rng.randint(60, 600)))
        for at, sku, dwell in sorted(v for v in views if v[0] > person.row.created_at):
            s.add(BrowsingEvent(customer_id=person.row.id, product_id=products[sku].id,
                                viewed_at=at.replace(microsecond=0), dwell_seconds=dwell))
