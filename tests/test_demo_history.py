"""The demo store's seeded service history: the merchant's figures are non-empty and honest on a fresh
store, the seeded words use only the vocabulary the services know, and privacy export and delete
reach the seeded conversations.

The store is seeded once for the module (about a second). Its "today" is the real date, so the
retention purge at start (which runs on real time) keeps the whole history whenever this runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.app import App, build_app
from desktop_app.core.config import load_settings
from desktop_app.nlu.types import Intent
from desktop_app.service.analytics import resolution_stats, verdicts
from desktop_app.service.desk_types import RESOLUTION_CODES
from desktop_app.service.handoff import HANDOFF_REASONS
from desktop_app.service.nlu_review import LOW_CONFIDENCE
from desktop_app.service.types import ComplaintTopic, Outcome
from desktop_app.store.demo import history
from desktop_app.store.demo.history_data import GUIDES, SCRIPTS
from desktop_app.store.demo.seed import seed_demo_store
from desktop_app.store.opening import open_store
from desktop_app.store.schema import Conversation, ConversationOrder, Customer, Message, Order


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    root = tmp_path_factory.mktemp("demo-history")
    settings = load_settings(env={}, data_dir=root / "data", cache_dir=root / "cache",
                             demo_today=date.today().isoformat())
    anchor = datetime.fromisoformat(settings.demo_today).replace(hour=14)
    db = open_store(settings.resolved_db_url, settings.resolved_key_file, data_dir=settings.data_dir,
                    seed=lambda d: seed_demo_store(d, seed=settings.demo_seed, anchor=anchor, history=True))
    db.dispose()
    app = build_app(settings)
    yield app
    app.close()


def test_the_setting_and_the_vocabulary() -> None:
    assert load_settings(env={}).demo_history is True
    assert load_settings(env={"DESKTOP_APP_DEMO_HISTORY": "off"}).demo_history is False
    assert history.LOW_CONFIDENCE == LOW_CONFIDENCE
    assets = Path(__file__).resolve().parents[1] / "assets" / "models3d"
    for guide in GUIDES:  # the step times belong to guides the app really shows
        steps = json.loads((assets / guide.sku / "guide.json").read_text(encoding="utf-8"))["steps"]
        assert len(steps) == len(guide.step_seconds) and 1 <= guide.hard_step <= len(steps)
    for script in SCRIPTS:
        for line in script.turns:
            Intent(line.intent), Outcome(line.outcome)  # noqa: B018 - a stray string raises here
        assert script.complaint is None or ComplaintTopic(script.complaint)
        assert script.handoff is None or script.handoff in HANDOFF_REASONS
        assert script.resolution in RESOLUTION_CODES


def test_seeded_history_gives_honest_merchant_figures(seeded: App) -> None:
    stats = resolution_stats(seeded.db)
    assert stats.conversations >= 80
    assert 0 < stats.resolved < stats.conversations  # strictly below 100 %
    assert stats.handed_off > 0 and stats.rephrased > 0 and stats.ended_open > 0 and stats.rated_down > 0
    assert stats.rated > 0 and stats.satisfaction is not None and 1 <= stats.satisfaction <= 5
    # A conversation that failed is not resolved: every one ending on "not found" is counted against.
    judged = verdicts(seeded.db)
    with seeded.db.session() as s:
        last: dict[int, str | None] = {}
        for conv_id, outcome in s.execute(select(Message.conversation_id, Message.outcome)
                                          .where(Message.role == "assistant").order_by(Message.id)):
            last[conv_id] = outcome
        channels = dict(s.execute(select(Conversation.channel, func.count()).group_by(Conversation.channel)).all())
        languages = dict(s.execute(select(Conversation.language, func.count()).group_by(Conversation.language)).all())
    ended_not_found = [c for c, outcome in last.items() if outcome == Outcome.NOT_FOUND]
    assert ended_not_found and not any(judged[c].resolved for c in ended_not_found)
    assert set(channels) == {"laptop", "kiosk"} and set(languages) == {"zh", "en"}

    figures = seeded.merchant_figures
    period = figures.period(28)
    days = figures.rates_by_day(period)
    assert sum(d.conversations for d in days) == stats.conversations  # all of it inside the dashboard's period
    trends = figures.complaint_trends(period)
    assert len(trends) >= 5 and all(t.with_order == t.complaints for t in trends)
    assert any(t.conversation_ids for t in trends)  # complaints link to the conversation that said them
    unmet = figures.unmet_searches(period)
    assert unmet and unmet[0].count >= 2
    pain = figures.assembly_pain()
    night = {p.step: p for p in pain if p.product_sku == "FUR-NIGHT"}
    assert night[7].abandoned_here > 0 and night[7].median_seconds == max(p.median_seconds for p in night.values())
    agents = figures.agent_times(period)
    assert agents and all(a.median_first_response_s is not None for a in agents if a.answered)
    assert seeded.nlu_versions is not None and figures.volume_by_intent(period)


def test_privacy_reaches_the_seeded_conversations(seeded: App) -> None:
    with seeded.db.session() as s:  # a kiosk visitor who proved her order: the conversation is hers
        code, kiosk_id = s.execute(
            select(Customer.code, Conversation.id).join(Order, Order.customer_id == Customer.id)
            .join(ConversationOrder, ConversationOrder.order_id == Order.id)
            .join(Conversation, Conversation.id == ConversationOrder.conversation_id)
            .where(Conversation.channel == "kiosk", Customer.code != "C001").order_by(Conversation.id).limit(1)).one()
    for customer in ("C001", code):
        export = seeded.privacy.export_customer(customer)
        assert export["conversations"]
        words = [m["text"] for c in export["conversations"] for m in c["messages"] if m["role"] == "customer"]
        assert words and all(words)  # decrypted with the store's key
        assert customer != "C001" or export["complaints"]  # her complaint about the late tent
        counts = seeded.privacy.delete_customer(customer)
        assert counts["conversations"] == len(export["conversations"])
    with seeded.db.session() as s:
        assert s.get(Conversation, kiosk_id) is None
        assert s.scalar(select(func.count()).select_from(Conversation).join(Customer)
                        .where(Customer.code == "C001")) == 0
