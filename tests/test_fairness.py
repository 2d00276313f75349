"""The fairness audit: flags what is significant, never what rests on too few, and keeps reviews."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import select

from desktop_app.app import App, build_app
from desktop_app.cli import main
from desktop_app.core.config import Settings
from desktop_app.core.errors import AccessDenied
from desktop_app.service import fairness_stats as st
from desktop_app.service.desk_types import AgentRole
from desktop_app.service.fairness import MIN_CUSTOMERS, ExposureFinding, FairnessReport, ParityFinding, Verdict, audit
from desktop_app.service.fairness_reviews import FairnessReviews
from desktop_app.service.fairness_text import fairness_lines
from desktop_app.store.schema import Agent, BrowsingEvent, Customer, Product

SUPERVISOR_PIN, AGENT_PIN = "482916", "730254"

#: sku → (brand, origin, price in fen): four cheap Alpha phones and twelve dearer ones of other brands.
_PHONES = {**{f"A{i}": ("Alpha", "north", 5_000 + 500 * i, ) for i in range(4)},
           **{f"B{i}": (("Beta", "Gamma", "Delta")[i % 3], "south", 60_000 + 1_000 * i) for i in range(12)}}


@dataclass
class Store:
    app: App
    settings: Settings


def _store(settings: Settings, *, customers: dict[str, tuple[str, str, str]]) -> Store:
    """A phone shop; ``customers``: code → (language, city, the SKU prefix they browsed)."""
    app = build_app(settings)
    with app.db.session() as s:
        products = {sku: Product(sku=sku, category="phone", name_en=f"Phone {sku}", name_zh=f"手机{sku}",
                                 description_en="", description_zh="", brand=brand, origin_region=origin,
                                 ship_from="上海", price_fen=price, stock=10, rating=4.2)
                    for sku, (brand, origin, price) in _PHONES.items()}
        s.add_all(products.values())
        s.flush()
        for code, (language, city, browsed) in customers.items():
            c = Customer(code=code, name=code, phone="13800000000", city=city, address="-", language=language,
                         created_at=datetime(2026, 1, 1))
            s.add(c)
            s.flush()
            for sku, p in products.items():
                if sku.startswith(browsed):
                    s.add(BrowsingEvent(customer_id=c.id, product_id=p.id, viewed_at=datetime(2026, 1, 2),
                                        dwell_seconds=90))
    app.desk.accounts.add("S001", name="Supervisor", role=AgentRole.SUPERVISOR, pin=SUPERVISOR_PIN)
    app.desk.accounts.add("A001", name="Agent", role=AgentRole.AGENT, pin=AGENT_PIN)
    return Store(app, settings)


@pytest.fixture
def biased(settings_factory: Callable[..., Settings]) -> Iterator[Store]:
    """Chinese-speaking customers only ever looked at the cheap Alpha phones, English-speaking ones
    at the dear ones: the recommender follows their history, so the picks differ by language."""
    half = MIN_CUSTOMERS
    customers = {f"Z{i:02d}": ("zh", "上海", "A") for i in range(half)}
    customers |= {f"E{i:02d}": ("en", "北京", "B") for i in range(half)}
    store = _store(settings_factory(seeded=False), customers=customers)
    yield store
    store.app.close()


@pytest.fixture
def small_fair(settings_factory: Callable[..., Settings]) -> Iterator[Store]:
    """Six customers in three cities, each with the same mixed history: nothing to judge on."""
    customers = {f"C{i}": (("zh", "en")[i % 2], ("上海", "北京", "成都")[i % 3], "") for i in range(6)}
    store = _store(settings_factory(seeded=False), customers=customers)
    yield store
    store.app.close()


def _exposure(report: FairnessReport, path: str, dimension: str, group: str) -> ExposureFinding:
    found = report.finding(path, dimension, group)
    assert isinstance(found, ExposureFinding)
    return found


def _parity(report: FairnessReport, dimension: str, group: str) -> ParityFinding:
    found = report.finding("recommend", dimension, group)
    assert isinstance(found, ParityFinding)
    return found


def _audit(store: Store, **kwargs: int) -> FairnessReport:
    app = store.app
    return audit(app.db, app.catalog, app.recommendations, clock=app.clock, **kwargs)


def test_a_biased_recommender_is_flagged_with_an_interval_clear_of_the_band(biased: Store) -> None:
    report = _audit(biased)
    price = _parity(report, "language.price", "en")
    assert price is not None and price.value is not None
    assert price.customers == price.others == MIN_CUSTOMERS
    assert price.verdict == Verdict.FLAGGED and price.value.low > report.price_band[1]
    # English-speaking customers get the dear phones: their median pick costs far more.
    assert price.group_figure is not None and price.others_figure is not None
    assert price.group_figure > 10 * price.others_figure
    brand_mix = _parity(report, "language.brand", "zh/Alpha")
    assert brand_mix is not None and brand_mix.value is not None
    assert brand_mix.verdict == Verdict.FLAGGED and brand_mix.value.low > report.brand_tolerance
    # Alpha fills the top four slots for half the customers: over-exposed against 4 of 16 phones.
    alpha = _exposure(report, "recommend", "brand", "Alpha")
    assert alpha is not None and alpha.units == 2 * MIN_CUSTOMERS and alpha.catalogue_items == 4
    assert alpha.fair_share == pytest.approx(0.25)
    assert alpha.shown.low <= alpha.shown.value <= alpha.shown.high
    en = "\n".join(fairness_lines(report, "en"))
    zh = "\n".join(fairness_lines(report, "zh"))
    assert "English-speaking customers (20) against everybody else (20): median recommended price" in en
    assert "英文顾客（20 位）与其余顾客（20 位）：推荐价格中位数" in zh


def test_small_groups_are_too_few_to_judge_and_nothing_is_flagged(small_fair: Store) -> None:
    report = _audit(small_fair)
    assert report.flagged == ()
    personal = [f for f in report.exposures if f.path == "recommend"]
    assert personal and all(f.verdict == Verdict.TOO_FEW and f.units == 6 for f in personal)
    parity = [f for f in report.parity if f.dimension.endswith(".price")]
    # Three cities of two customers are pooled; every comparison is too small.
    assert {f.group for f in parity if f.dimension == "city.price"} == {"other"}
    assert parity and all(f.verdict == Verdict.TOO_FEW and f.value is None for f in parity)
    en, zh = fairness_lines(report, "en"), fairness_lines(report, "zh")
    assert "Flagged (0):" in en and "需要关注（0 项）：" in zh
    assert any("too few to judge" in line for line in en) and any("样本太少，无法判断" in line for line in zh)


def test_search_and_fallback_paths_are_audited(biased: Store) -> None:
    report = _audit(biased, resamples=200)
    paths = {p.path: p for p in report.paths}
    # One category: the plain search and its three asked-for orders; nothing else matches "Phone A1"-style names.
    assert paths["search"].units == 4 and paths["search"].slots == 4 * 8
    # Its budget under the cheapest phone finds nothing: the nearest alternatives are shown instead.
    assert paths["search_fallback"].units == 1 and paths["search_fallback"].slots == 5
    assert paths["similar"].units == len(_PHONES)
    assert paths["recommend"].units == 2 * MIN_CUSTOMERS and paths["no_history"].units == 0
    # The nearest alternatives to a too-small budget are the cheapest: the four Alpha phones lead.
    fallback = _exposure(report, "search_fallback", "brand", "Alpha")
    weights = st.rank_weights(5)
    assert fallback is not None and fallback.shown.value == pytest.approx(weights[:4].sum() / weights.sum())
    assert fallback.verdict == Verdict.TOO_FEW  # one query is no sample


def test_customers_with_no_history_are_audited_on_the_general_picks(
        settings_factory: Callable[..., Settings]) -> None:
    store = _store(settings_factory(seeded=False), customers={f"N{i}": ("zh", "上海", "none") for i in range(6)})
    report = _audit(store, resamples=200)
    store.app.close()
    paths = {p.path: p for p in report.paths}
    assert paths["no_history"].units == 6 and paths["recommend"].units == 0


def test_bootstrap_is_deterministic_with_its_seed(biased: Store) -> None:
    first, again = _audit(biased, resamples=300), _audit(biased, resamples=300)
    assert first == again
    other = _audit(biased, resamples=300, seed=7)
    assert [f.ratio.value for f in first.exposures] == [f.ratio.value for f in other.exposures]  # same estimates
    assert [f.ratio for f in first.exposures] != [f.ratio for f in other.exposures]  # other intervals


def test_weighted_median_and_exposure_maths() -> None:
    rng = np.random.default_rng(1)
    prices = rng.integers(100, 10_000, size=30).astype(np.float64)
    owner = np.repeat(np.arange(10), 3)
    counts = st.resample_counts(10, 50, rng)
    medians = st.weighted_medians(prices, owner, counts)
    for row, m in zip(counts, medians, strict=True):
        assert m == np.median(np.repeat(prices, row[owner].astype(int)))
    assert list(st.rank_weights(3)) == pytest.approx([1.0, 1 / np.log2(3), 0.5])
    # Two queries each showing group 0 first and group 1 second, from an even split: exposure 1 : 0.63.
    shown, fair = st.exposure_matrices([((1, 2), frozenset({1, 2}))] * 2, lambda pid: pid - 1, 2)
    shares, ratios, fair_shares = st.exposure_estimates(shown, fair, st.resample_counts(2, 10, rng))
    assert shares[0].value == pytest.approx(1 / (1 + 1 / np.log2(3))) and list(fair_shares) == [0.5, 0.5]
    assert ratios[0].value == pytest.approx(2 * shares[0].value)


def _cli(store: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str,
         stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(store.settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(store.settings.cache_dir))
    monkeypatch.setenv("DESKTOP_APP_SEED_DEMO", "0")
    if store.settings.db_url:  # the PostgreSQL run: the same database, not a SQLite file beside it
        monkeypatch.setenv("DESKTOP_APP_DB_URL", store.settings.db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_review_round_trip(biased: Store, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    flag = ["merchant", "fairness-review", "--path", "recommend", "--dimension", "language.price", "--group", "en",
            "--verdict", "explained", "--note", "英文顾客只浏览过高端机型 / they only browsed flagship phones",
            "--pin-stdin"]
    code, out, err = _cli(biased, monkeypatch, capsys, *flag, "--agent", "S001", stdin="111111\n")
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "PIN" in err
    with biased.app.db.session() as s:
        assert s.scalar(select(Agent.failed_pins).where(Agent.code == "S001")) == 1  # counted like a sign-in
    code, out, err = _cli(biased, monkeypatch, capsys, *flag, "--agent", "A001", stdin=AGENT_PIN + "\n")
    assert code == 1 and "supervisor" in err and len(err.strip().splitlines()) == 1
    assert FairnessReviews(biased.app.db, biased.app.clock).latest() == {}
    code, out, err = _cli(biased, monkeypatch, capsys, "--lang", "en", *flag, "--agent", "S001",
                          stdin=SUPERVISOR_PIN + "\n")
    assert code == 0 and out.startswith("Recorded: recommend / language.price / en") and "explained by S001" in out
    code, out, _ = _cli(biased, monkeypatch, capsys, "--lang", "en", "merchant", "report")
    assert code == 0 and "review: explained by S001" in out and "they only browsed flagship phones" in out
    code, out, _ = _cli(biased, monkeypatch, capsys, "--lang", "zh", "merchant", "report")
    assert code == 0 and "复核：已说明理由（S001" in out and "英文顾客只浏览过高端机型" in out
    code, out, _ = _cli(biased, monkeypatch, capsys, "merchant", "report", "--json")
    data = json.loads(out)
    reviewed = [f for f in data["fairness_flagged"] if f["review"]]
    assert [(f["path"], f["dimension"], f["group"]) for f in reviewed] == [("recommend", "language.price", "en")]
    # Largest judged price ratio per dimension, either way: Beijing's customers are the English-speaking ones.
    assert data["parity_gap"]["language"] > 1.25 and 1 / data["parity_gap"]["city"] > 1.25


def test_a_review_shows_when_the_figures_moved_and_refuses_what_is_not_flagged(
        biased: Store, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    reviews = FairnessReviews(biased.app.db, biased.app.clock)
    supervisor = biased.app.desk.accounts.sign_in("S001", SUPERVISOR_PIN)
    reviews.record(supervisor, path="recommend", dimension="language.price", group="en", verdict="accepted",
                   note="to look at", figures=(1.5, 1.3, 1.7))
    en = "\n".join(fairness_lines(_audit(biased, resamples=200), "en"))
    zh = "\n".join(fairness_lines(_audit(biased, resamples=200), "zh"))
    assert "reviewed at 1.50 (accepted by S001" in en and "changed materially" in en
    assert "复核（已接受，S001" in zh and "时为 1.50；现在为" in zh
    agent = biased.app.desk.accounts.sign_in("A001", AGENT_PIN)
    with pytest.raises(AccessDenied):
        reviews.record(agent, path="recommend", dimension="language.price", group="en", verdict="accepted",
                       note="x", figures=(1.0, 1.0, 1.0))
    code, _, err = _cli(biased, monkeypatch, capsys, "merchant", "fairness-review", "--path", "similar",
                        "--dimension", "brand", "--group", "Beta", "--verdict", "accepted", "--note", "n",
                        "--agent", "S001", "--pin-stdin", stdin=SUPERVISOR_PIN + "\n")
    assert code == 1 and "not flagged" in err and len(err.strip().splitlines()) == 1
