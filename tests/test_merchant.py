from __future__ import annotations

import json
import statistics
from datetime import datetime
from types import SimpleNamespace

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from desktop_app.cli import main
from desktop_app.core.crypto import StoreKeys
from desktop_app.service.fairness import Exposure, audit
from desktop_app.store.db import Database
from desktop_app.store.schema import Customer, Product


def test_fairness_audit_accounts_for_every_slot(app):
    report = audit(app.db, app.recommendations, per_customer=3)
    assert report.slots > 0
    for dim in ("brand", "origin_region", "price_band"):
        shares = [e for e in report.exposures if e.dimension == dim]
        assert sum(e.exposure_share for e in shares) == pytest.approx(1.0)
        assert sum(e.catalog_share for e in shares) == pytest.approx(1.0)
    languages = {p.group for p in report.parity if p.dimension == "language"}
    assert languages == {"zh", "en"}
    # The gap recomputed here from what the recommender gives each customer.
    with app.db.session() as s:
        customers = s.execute(select(Customer.code, Customer.language)).all()
    prices: dict[str, list[int]] = {}
    for code, language in customers:
        prices.setdefault(language, []).extend(r.product.price_fen for r in app.recommendations.for_customer(code, limit=3))
    assert sum(len(v) for v in prices.values()) == report.slots
    medians = [statistics.median(v) for v in prices.values()]
    assert report.parity_gap("language") == pytest.approx(max(medians) / min(medians), rel=1e-3)


# -- a store small enough to know every number ------------------------------------------------

#: sku → (brand, origin, price in fen, stock); the last one is sold out, so outside the catalogue.
_PRODUCTS = {"P1": ("Alpha", "north", 5_000, 3), "P2": ("Alpha", "north", 20_000, 3),
             "P3": ("Beta", "south", 60_000, 3), "P4": ("Gamma", "south", 300_000, 3),
             "P5": ("Delta", "west", 8_000, 0)}
#: code → (language, city)
_CUSTOMERS = {"K1": ("zh", "上海"), "K2": ("zh", "北京"), "K3": ("en", "上海"), "K4": ("en", "北京")}


class _FixedRecommender:
    """Hands each customer the given SKUs, as the real recommender's results look to the audit."""

    def __init__(self, db: Database, picks: dict[str, list[str]]) -> None:
        with db.session() as s:
            rows = {p.sku: (p.id, p.price_fen) for p in s.scalars(select(Product)).all()}
        self._picks = {code: [SimpleNamespace(product=SimpleNamespace(product_id=rows[sku][0], price_fen=rows[sku][1]))
                              for sku in skus] for code, skus in picks.items()}

    def for_customer(self, code: str, limit: int = 5) -> list[SimpleNamespace]:
        return self._picks[code][:limit]


@pytest.fixture
def small_store(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'small.sqlite3'}")
    db.bind_keys(StoreKeys.from_key(Fernet.generate_key()))  # customers' names and phones are encrypted
    db.prepare()
    with db.session() as s:
        for sku, (brand, origin, price, stock) in _PRODUCTS.items():
            s.add(Product(sku=sku, category="phone", name_en=sku, name_zh=sku, description_en="", description_zh="",
                          brand=brand, origin_region=origin, ship_from="上海", price_fen=price, stock=stock,
                          rating=4.0))
        for code, (language, city) in _CUSTOMERS.items():
            s.add(Customer(code=code, name=code, phone="13800000000", city=city, address="-", language=language,
                           created_at=datetime(2026, 1, 1)))
    yield db
    db.dispose()


def test_same_recommendations_for_everyone_give_parity_one(small_store):
    report = audit(small_store, _FixedRecommender(small_store, {c: ["P1", "P3"] for c in _CUSTOMERS}))
    assert report.slots == 8
    assert report.parity_gap("language") == 1.0 and report.parity_gap("city") == 1.0
    exposure = {(e.dimension, e.group): e for e in report.exposures}
    # Four products in stock: Alpha has half the catalogue and half the slots; Beta a quarter and half.
    assert exposure[("brand", "Alpha")].catalog_share == 0.5 and exposure[("brand", "Alpha")].exposure_share == 0.5
    assert exposure[("brand", "Beta")].ratio == 2.0 and not exposure[("brand", "Beta")].flagged
    assert exposure[("brand", "Gamma")].exposure_share == 0.0 and exposure[("brand", "Gamma")].flagged
    assert ("brand", "Delta") not in exposure
    assert {g for d, g in exposure if d == "price_band"} == {"< ¥100", "¥100–500", "¥500–2000", "≥ ¥2000"}


def test_pricier_picks_for_one_language_show_as_that_gap(small_store):
    picks = {"K1": ["P1", "P2"], "K2": ["P1", "P2"],  # zh: 50, 200, 50, 200 yuan → median 125 yuan
             "K3": ["P3", "P4"], "K4": ["P3", "P4"]}  # en: 600, 3000, 600, 3000 yuan → median 1800 yuan
    report = audit(small_store, _FixedRecommender(small_store, picks))
    medians = {p.group: p.median_price_fen for p in report.parity if p.dimension == "language"}
    assert medians == {"zh": 12_500, "en": 180_000}
    assert report.parity_gap("language") == pytest.approx(180_000 / 12_500)  # 14.4
    # Each city has one customer of each language, so by city the treatment is the same.
    assert report.parity_gap("city") == 1.0


def test_exposure_flags_over_and_under_exposure():
    assert Exposure("brand", "A", 0.10, 0.30).flagged and Exposure("brand", "B", 0.10, 0.02).flagged
    assert not Exposure("brand", "C", 0.10, 0.12).flagged


def test_merchant_report_cli(app, app_settings, monkeypatch, capsys):
    st = app.assistant.new_session(language="en")
    app.assistant.ask(st, "I want to talk to a human agent now")
    app.close()
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(app_settings.cache_dir))
    assert main(["merchant", "report", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["handoff_queue"] and data["resolution"]["handed_off"] == 1
    assert data["fairness"]["slots"] > 0 and "language" in data["parity_gap"]
