"""The demo store generator: deterministic, complete, and internally consistent.

Every check reads the database the generator wrote (not the generator's own tables), so a
mistake anywhere between the catalog definitions and the rows shows up here.
"""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Exists, func, select
from sqlalchemy.orm import Session

from desktop_app.core.crypto import StoreKeys
from desktop_app.core.places import CARRIERS, CITIES, carrier_label, place_label
from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES
from desktop_app.service.types import OrderStatus
from desktop_app.store.db import Database
from desktop_app.store.demo.catalog_data import CATALOG, PRICE_RANGE_YUAN, SKU_PREFIX, check_catalog
from desktop_app.store.demo.catalog_orders import ORDER_STATUSES
from desktop_app.store.demo.catalog_people import CUSTOMERS
from desktop_app.store.demo.catalog_types import attribute_rows
from desktop_app.store.demo.seed import SeedSummary, seed_demo_store
from desktop_app.store.schema import (
    Base,
    BrowsingEvent,
    Customer,
    Order,
    PriceHistory,
    Product,
    ProductAttribute,
    ReturnRequest,
)

ANCHOR = datetime(2026, 11, 20, 14, 0)
CJK = re.compile(r"[\u4e00-\u9fff]")


#: One fixed key, so stores seeded apart read (and blind-index) alike.
_KEY = b"c2VlZC10ZXN0LWtleTogMzIgYnl0ZXMsIGZpeGVkISE="


def _open(path: Path) -> Database:
    db = Database(f"sqlite:///{path}")
    db.bind_keys(StoreKeys.from_key(_KEY))
    return db


def _fresh(path: Path) -> Database:
    db = _open(path)
    db.prepare()
    return db


def _dump(db: Database) -> dict[str, list[tuple]]:
    with db.engine.connect() as conn:
        return {
            table.name: [tuple(row) for row in conn.execute(select(table).order_by(*table.primary_key.columns))]
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, SeedSummary]]:
    db = _fresh(tmp_path_factory.mktemp("seed") / "s.db")
    summary = seed_demo_store(db)
    yield db, summary
    db.dispose()


@pytest.fixture
def session(seeded: tuple[Database, SeedSummary]) -> Iterator[Session]:
    with seeded[0].session() as s:
        yield s


def _orders(s: Session) -> list[Order]:
    return list(s.scalars(select(Order).order_by(Order.id)))


def test_same_seed_gives_identical_tables_and_another_seed_differs(tmp_path: Path) -> None:
    dumps = []
    for name, seed in (("a.db", 20261125), ("b.db", 20261125), ("c.db", 8)):
        db = _fresh(tmp_path / name)
        seed_demo_store(db, seed=seed)
        dumps.append(_dump(db))
        db.dispose()
    assert dumps[0] == dumps[1]
    assert sum(len(rows) for rows in dumps[0].values()) > 1000
    assert dumps[0]["orders"] != dumps[2]["orders"]


_SEED_SCRIPT = f"""
import sys
from desktop_app.core.crypto import StoreKeys
from desktop_app.store.db import Database
from desktop_app.store.demo.seed import seed_demo_store
db = Database("sqlite:///" + sys.argv[1]); db.bind_keys(StoreKeys.from_key({_KEY!r})); db.prepare()
seed_demo_store(db); db.dispose()
"""


@pytest.mark.slow
def test_data_does_not_depend_on_the_process_hash_seed(tmp_path: Path) -> None:
    """String hashing is salted per process; nothing generated may depend on it."""
    dumps = []
    for hash_seed in ("1", "2"):
        path = tmp_path / f"h{hash_seed}.db"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", _SEED_SCRIPT, str(path)], check=True, env=env,
                       cwd=Path(__file__).resolve().parents[1], timeout=120)
        db = _open(path)
        dumps.append(_dump(db))
        db.dispose()
    assert dumps[0] == dumps[1]


def test_refuses_a_store_that_already_has_products(seeded: tuple[Database, SeedSummary]) -> None:
    with pytest.raises(ValueError):
        seed_demo_store(seeded[0])


def test_refuses_an_aware_anchor(tmp_path: Path) -> None:

    db = _fresh(tmp_path / "s.db")
    with pytest.raises(ValueError):
        seed_demo_store(db, anchor=datetime(2026, 11, 20, tzinfo=UTC))
    assert not db.has_products()


def test_summary_matches_the_tables_and_meta_is_stored(seeded: tuple[Database, SeedSummary], session: Session) -> None:
    db, summary = seeded
    assert summary.anchor == ANCHOR
    assert summary.products == session.scalar(select(func.count(Product.id))) >= 90
    assert summary.customers == session.scalar(select(func.count(Customer.id))) >= 24
    assert summary.orders == session.scalar(select(func.count(Order.id))) >= 72
    counted = Counter(session.scalars(select(Order.status)))
    assert ORDER_STATUSES == tuple(s.value for s in OrderStatus)
    assert set(summary.orders_by_status) == {s.value for s in OrderStatus}
    for status in OrderStatus:
        assert summary.orders_by_status[status.value] == counted[status.value] >= 8, status
    assert db.get_meta("demo_anchor") == ANCHOR.isoformat()
    assert db.get_meta("demo_seed") == "20261125"


def test_catalog_covers_every_category_with_believable_products(session: Session) -> None:
    products = list(session.scalars(select(Product)))
    by_category = Counter(p.category for p in products)
    assert set(by_category) == set(CATEGORIES)
    assert all(n >= 12 for n in by_category.values()), by_category
    assert len({p.sku for p in products}) == len(products)
    for p in products:
        assert p.sku.startswith(SKU_PREFIX[p.category])
        low, high = PRICE_RANGE_YUAN[p.category]
        assert low * 100 <= p.price_fen <= high * 100, p.sku
        assert 3.6 <= p.rating <= 4.9 and p.rating_count > 0 and p.sales_count >= p.rating_count
        assert p.name_en.strip() and p.name_zh.strip() and p.description_en.strip() and p.description_zh.strip()
        assert CJK.search(p.name_zh) and CJK.search(p.description_zh), p.sku
        assert not CJK.search(p.name_en), p.sku
        assert p.brand and p.ship_from in CITIES and place_label(p.origin_region, "en") != p.origin_region
        assert p.needs_assembly is False or p.category == "furniture"
        assert p.final_sale is False or p.category == "apparel"
    assert any(p.stock == 0 for p in products) and sum(1 <= p.stock <= 5 for p in products) >= 3
    assert sum(p.final_sale for p in products) >= 2
    assert sum(p.needs_assembly for p in products) >= 10


def test_attributes_use_the_shared_vocabulary(session: Session) -> None:
    rows = session.execute(select(ProductAttribute, Product.category).join(Product)).all()
    assert len(rows) > 500
    for attr, category in rows:
        spec = ATTRIBUTES[attr.key]
        assert not spec.categories or category in spec.categories, (attr.key, category)
        if spec.kind == "flag":
            assert attr.value == "true" and attr.value_num is None
        elif spec.kind == "number":
            assert attr.value_num is not None and float(attr.value) == attr.value_num
            assert not attr.value.endswith(".0")
        else:
            assert attr.value in ENUM_VALUES[attr.key] and attr.value_num is None
    keys_per_product: dict[int, Counter[str]] = defaultdict(Counter)
    for attr, _ in rows:
        keys_per_product[attr.product_id][attr.key] += 1
    for counts in keys_per_product.values():
        multi = {k for k, n in counts.items() if n > 1}
        assert multi <= {"colour", "size", "skin_type", "material"}, multi


def test_apparel_has_sizes_and_colours(session: Session) -> None:
    for p in session.scalars(select(Product).where(Product.category == "apparel")):
        keys = {a.key for a in p.attributes}
        assert {"size", "colour", "material"} <= keys, p.sku


GUIDED = {
    "FUR-SHELF-3T": ("Birch 3-tier bookshelf", "桦木三层书架",
                     {"width_cm": 80, "depth_cm": 30, "height_cm": 106, "max_load_kg": 45}, "solid_wood", "birch"),
    "FUR-TABLE-SIDE": ("Oak side table", "橡木边桌", {"width_cm": 50, "depth_cm": 50, "height_cm": 55},
                       "solid_wood", "oak"),
    "FUR-STOOL-01": ("Walnut four-leg stool", "胡桃木四脚凳",
                     {"width_cm": 35, "depth_cm": 35, "height_cm": 45, "max_load_kg": 120}, "solid_wood", "walnut"),
    # The two imported clvrai items: dimensions of the assembled meshes at the XML's scale.
    "FUR-LACK-55": ("LACK-style low table", "LACK 款矮桌", {"width_cm": 65, "depth_cm": 24, "height_cm": 31},
                    "particleboard", "white"),
    "FUR-BENCH-BJ": ("BJURSTA-style foot bench", "BJURSTA 款脚凳", {"width_cm": 65, "depth_cm": 19, "height_cm": 21},
                     "particleboard", "black"),
}


@pytest.mark.parametrize("sku", sorted(GUIDED))
def test_furniture_with_assembly_guides_has_exact_dimensions(session: Session, sku: str) -> None:
    name_en, name_zh, dims, material, colour = GUIDED[sku]
    p = session.scalar(select(Product).where(Product.sku == sku))
    assert p is not None and p.category == "furniture" and p.needs_assembly
    assert (p.name_en, p.name_zh) == (name_en, name_zh)
    values: dict[str, list[str]] = defaultdict(list)
    numbers = {a.key: a.value_num for a in p.attributes if a.value_num is not None}
    for a in p.attributes:
        values[a.key].append(a.value)
    assert values["material"] == [material] and values["colour"] == [colour]
    for key, expected in dims.items():
        assert numbers[key] == expected, key
    assert {"width_cm", "depth_cm", "height_cm"} <= set(numbers)


def _has(key: str) -> Exists:
    return (
        select(ProductAttribute.id)
        .where(ProductAttribute.product_id == Product.id, ProductAttribute.key == key,
               ProductAttribute.value == "true")
        .exists()
    )


def test_phone_query_has_matches_and_near_misses(session: Session) -> None:
    """ "Phones ¥500-800 with fast charging and waterproof", asked of the tables directly."""
    phone = Product.category == "phone"
    in_range = Product.price_fen.between(50000, 80000)
    matches = list(session.scalars(select(Product).where(phone, in_range, _has("fast_charging"), _has("waterproof"))))
    assert len([p for p in matches if p.stock > 0]) >= 3
    not_waterproof = session.scalars(select(Product).where(phone, in_range, _has("fast_charging"), ~_has("waterproof")))
    assert len(list(not_waterproof)) >= 1
    no_fast = session.scalars(select(Product).where(phone, in_range, _has("waterproof"), ~_has("fast_charging")))
    assert len(list(no_fast)) >= 1
    out_of_range = list(session.scalars(
        select(Product).where(phone, ~in_range, _has("fast_charging"), _has("waterproof"))))
    assert any(80000 < p.price_fen <= 90000 for p in out_of_range)
    assert any(40000 <= p.price_fen < 50000 for p in out_of_range)


def test_customers_are_complete_and_distinguishable(session: Session) -> None:
    customers = list(session.scalars(select(Customer).order_by(Customer.id)))
    assert len(customers) >= 24
    assert [c.code for c in customers] == [f"C{i:03d}" for i in range(1, len(customers) + 1)]
    assert all(re.fullmatch(r"1[3-9]\d{9}", c.phone) for c in customers)
    assert len({c.phone[-4:] for c in customers}) == len(customers)
    assert sum(c.language == "en" for c in customers) >= 4
    assert all(c.language in ("zh", "en") for c in customers)
    for c in customers:
        assert c.city in CITIES and CJK.search(c.city), "cities are stored by their Chinese name"
        assert c.address.startswith(tuple(d.zh for d in CITIES[c.city].districts))
        assert c.created_at < ANCHOR
        if c.language == "zh":
            assert CJK.search(c.name)


def test_browsing_reflects_each_customers_interests(session: Session) -> None:
    interests = {p.code: p.interests for p in CUSTOMERS}
    rows = session.execute(
        select(Customer.code, Customer.created_at, Product.category, BrowsingEvent.dwell_seconds,
               BrowsingEvent.viewed_at)
        .join(BrowsingEvent, BrowsingEvent.customer_id == Customer.id)
        .join(Product, Product.id == BrowsingEvent.product_id)
    ).all()
    dwell: dict[str, Counter[str]] = defaultdict(Counter)
    for code, created_at, category, seconds, viewed_at in rows:
        assert created_at < viewed_at <= ANCHOR
        dwell[code][category] += seconds
    assert set(dwell) == set(interests)
    for code, per_category in dwell.items():
        assert per_category.most_common(1)[0][0] in interests[code], code
        assert sum(per_category.values()) > 0


def test_every_timeline_is_ordered_and_ends_as_its_status_says(session: Session) -> None:
    _check_timelines(session, ANCHOR)


def _check_timelines(session: Session, anchor: datetime) -> None:
    for o in _orders(session):
        times = [e.occurred_at for e in o.events]
        codes = [e.code for e in o.events]
        assert times == sorted(times) and len(set(times)) == len(times), o.id
        assert all(o.placed_at < t <= anchor for t in times), o.id
        assert all(e.location_en and e.description_en and CJK.search(e.location_zh) and CJK.search(e.description_zh)
                   for e in o.events)
        days = (o.promised_by - o.placed_at) / timedelta(days=1)
        assert 2.99 <= days <= 6, o.id
        if codes:
            assert codes[0] == "created"
        picked = [e.occurred_at for e in o.events if e.code == "picked_up"]
        assert o.shipped_at == (picked[0] if picked else None)
        status = OrderStatus(o.status)
        if status in (OrderStatus.PAID, OrderStatus.UNPAID, OrderStatus.CANCELLED):
            assert codes in ([], ["created"]) and o.tracking_number is None
            assert (o.paid_at is None) == (status is OrderStatus.UNPAID)
            if status is not OrderStatus.CANCELLED:
                assert o.placed_at.date() >= anchor.date() - timedelta(days=1)
        else:
            assert o.tracking_number and o.shipped_at is not None
        if status is OrderStatus.SHIPPED:
            assert "picked_up" in codes and "departed" not in codes and codes[-1] in ("picked_up", "arrived_hub")
        if status is OrderStatus.IN_TRANSIT:
            assert codes[-1] in ("arrived_hub", "departed") and "departed" in codes
            assert o.promised_by > anchor
        if status is OrderStatus.DELAYED:
            assert "exception" in codes and codes[-1] == "exception"
            assert o.promised_by < anchor
        if status in (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.IN_TRANSIT, OrderStatus.DELAYED):
            assert "delivered" not in codes and o.delivered_at is None
        if status is OrderStatus.DELIVERED:
            assert codes[-1] == "delivered" and o.delivered_at == times[-1]
        if status is OrderStatus.RETURNED:
            assert codes[-3:] == ["delivered", "return_picked_up", "returned"]
            assert o.delivered_at == times[-3]


def test_orders_are_consistent_with_customers_and_products(session: Session) -> None:
    _check_orders(session)


def _check_orders(session: Session) -> None:
    customers = {c.id: c for c in session.scalars(select(Customer))}
    numbers: list[str] = []
    last_fours: dict[int, list[str]] = defaultdict(list)
    for o in _orders(session):
        c = customers[o.customer_id]
        assert re.fullmatch(r"\d{16}", o.order_number) and o.order_number[:6] == o.placed_at.strftime("%y%m%d")
        numbers.append(o.order_number)
        last_fours[c.id].append(o.order_number[-4:])
        assert (o.contact_phone, o.ship_city, o.ship_address) == (c.phone, c.city, c.address)
        assert o.carrier in CARRIERS and carrier_label(o.carrier, "en") != o.carrier
        assert 1 <= len(o.items) <= 3
        assert o.total_fen == sum(i.quantity * i.unit_price_fen for i in o.items) > 0
        for item in o.items:
            p = item.product
            listed = session.scalars(select(PriceHistory.price_fen).where(
                PriceHistory.product_id == p.id, PriceHistory.effective_at <= o.placed_at)
                .order_by(PriceHistory.effective_at.desc()).limit(1)).one()  # the price when it was bought
            assert 0.85 * listed <= item.unit_price_fen <= listed
            colours = [a.value for a in p.attributes if a.key == "colour"]
            sizes = [a.value for a in p.attributes if a.key == "size"]
            assert item.colour in colours if colours else item.colour is None
            assert item.size in sizes if sizes else item.size is None
    assert len(set(numbers)) == len(numbers)
    assert all(len(set(v)) == len(v) for v in last_fours.values())


@pytest.mark.parametrize(
    ("seed", "anchor"), [(1, datetime(2026, 6, 1, 7, 45)), (2, datetime(2027, 3, 1, 23, 10))]
)
def test_other_seeds_and_anchors_keep_every_invariant(tmp_path: Path, seed: int, anchor: datetime) -> None:
    """The app may seed with "now" as the anchor: any time of day must still give valid data."""
    db = _fresh(tmp_path / "s.db")
    summary = seed_demo_store(db, seed=seed, anchor=anchor)
    assert min(summary.orders_by_status.values()) >= 8
    with db.session() as s:
        _check_timelines(s, anchor)
        _check_orders(s)
    db.dispose()


def test_returned_orders_carry_completed_return_requests(session: Session) -> None:
    for o in _orders(session):
        if o.status != "returned":
            continue
        for item in o.items:
            req = session.scalar(select(ReturnRequest).where(ReturnRequest.order_item_id == item.id))
            assert req is not None and req.status == "completed"
            assert o.delivered_at < req.created_at < o.events[-2].occurred_at
            assert not item.product.final_sale


def _delivered_days(session: Session) -> list[tuple[float, set[str], bool]]:
    out = []
    for o in _orders(session):
        if o.status == "delivered":
            age = (ANCHOR - o.delivered_at) / timedelta(days=1)
            out.append((age, {i.product.category for i in o.items}, any(i.product.final_sale for i in o.items)))
    return out


def test_delivered_orders_cover_every_return_window(session: Session) -> None:
    delivered = _delivered_days(session)
    recent = [d for d in delivered if d[0] <= 6.5]
    assert sum(bool(cats & {"phone", "apparel", "camping"}) for _, cats, _ in recent) >= 2
    assert any("skincare" in cats for _, cats, _ in recent)
    assert any(final for _, _, final in recent)
    assert any(7.5 <= age <= 15 for age, _, _ in delivered)
    assert any(age > 16 for age, _, _ in delivered)


def test_c001_has_a_rich_history(session: Session) -> None:
    c001 = session.scalar(select(Customer).where(Customer.code == "C001"))
    orders = list(session.scalars(select(Order).where(Order.customer_id == c001.id)))
    assert len(orders) >= 5
    statuses = Counter(o.status for o in orders)
    assert statuses["delayed"] >= 1
    assert any(o.status == "delivered" and ANCHOR - o.delivered_at < timedelta(days=7)
               and any(i.product.category == "phone" for i in o.items) for o in orders)


def test_catalog_builder_rejects_what_the_vocabulary_does_not_know() -> None:
    with pytest.raises(ValueError):
        attribute_rows("phone", {"warp_drive": True})
    with pytest.raises(ValueError):
        attribute_rows("skincare", {"five_g": True})
    with pytest.raises(ValueError):
        attribute_rows("apparel", {"colour": ("chartreuse",)})
    with pytest.raises(ValueError):
        attribute_rows("phone", {"waterproof": False})
    rows = attribute_rows("phone", {"battery_mah": 5000, "screen_in": 6.7, "colour": ("black", "blue")})
    assert [(r.key, r.value, r.value_num) for r in rows] == [
        ("battery_mah", "5000", 5000.0), ("screen_in", "6.7", 6.7), ("colour", "black", None), ("colour", "blue", None),
    ]


def test_catalog_check_rejects_duplicates_and_wrong_prefixes() -> None:
    check_catalog(CATALOG)
    with pytest.raises(ValueError, match="duplicate"):
        check_catalog((CATALOG[0], CATALOG[0]))
    phone = next(p for p in CATALOG if p.category == "phone")
    with pytest.raises(ValueError, match="prefix"):
        check_catalog((dataclasses.replace(phone, sku="WAT-X"),))
    with pytest.raises(ValueError, match="price"):
        check_catalog((dataclasses.replace(phone, price_fen=100),))


def test_place_and_carrier_labels() -> None:
    assert place_label("上海", "en") == "Shanghai" and place_label("上海", "zh") == "上海"
    assert place_label("广东", "en") == "Guangdong"
    assert carrier_label("顺丰速运", "en") == "SF Express" and carrier_label("顺丰速运", "zh") == "顺丰速运"
