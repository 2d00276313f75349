"""The merchant's dashboard window on a store seeded with known conversations, complaints, guide
viewings and agents' tickets: the figures it shows in both languages, the conversations behind a
click, no untranslated text, and screenshots a store manager can read."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QTabBar,
    QTableWidget,
    QTreeWidget,
    QWidget,
)

from desktop_app.core.clock import FixedClock
from desktop_app.service.agent_accounts import AgentAccounts
from desktop_app.service.agent_desk import AgentDesk
from desktop_app.service.conversations import ConversationStore
from desktop_app.service.desk_types import AgentRole
from desktop_app.service.guide_stats import GuideStats, StepTime
from desktop_app.service.handoff import HandoffService
from desktop_app.service.types import ComplaintTopic, Outcome, Priority
from desktop_app.ui.merchant.widgets import Drill

SCREENSHOTS = Path(__file__).resolve().parents[1] / "build" / "screenshots"
CJK = re.compile(r"[\u3400-\u9fff]")
LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
#: Latin words a Chinese dashboard may show: brand-style product names, units, the model's scores.
LATIN_ALLOWED = re.compile(r"^(?:[A-Z0-9][A-Za-z0-9\-]*|LACK|BJURSTA)$")
CRUSHED = "The box arrived crushed"


@dataclass
class Known:
    """The seeded conversations by name, and the store clock's today."""

    ids: dict[str, int]
    today: date


class Recorder:
    """Services on a movable clock, so conversations, complaints and tickets land on chosen days."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.today = app.clock.now().date()
        self.clock = FixedClock(datetime.combine(self.today, datetime.min.time()))
        cipher = app.db.keys.cipher
        self.store = ConversationStore(app.db, self.clock, cipher)
        self.handoff = HandoffService(app.db, self.clock, cipher)
        self.guides = GuideStats(app.db, self.clock)
        self.accounts = AgentAccounts(app.db, self.clock)
        self.desk = AgentDesk(app.db, self.clock, cipher)

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(self.today - timedelta(days=days_ago), datetime.min.time()).replace(
            hour=hour, minute=minute)

    def conversation(self, when: datetime, *turns: tuple[str, str, Outcome], rating: int | None = None,
                     language: str = "en", rephrased_last: bool = False, complaint: tuple[ComplaintTopic, str | None]
                     | None = None) -> int:
        self.clock.at = when
        conv, _ = self.store.start(channel="kiosk", language=language)
        for n, (text, intent, outcome) in enumerate(turns):
            self.clock.at = when + timedelta(minutes=n)
            if complaint is not None and intent == "complaint":
                self.handoff.file_complaint(topic=complaint[0], text=text, order_number=complaint[1])
            self.store.record_turn(conv, text, "reply", intent=intent, confidence=0.9, outcome=outcome,
                                   rephrased=rephrased_last and n == len(turns) - 1)
        if rating is not None:
            self.store.rate(conv, rating)
        return conv

    def ticket(self, agent, queued: datetime, answered_after_s: int, closed_after_s: int | None,  # type: ignore[no-untyped-def]
               conversation_id: int | None = None) -> None:
        self.clock.at = queued
        t = self.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL,
                                     conversation_id=conversation_id).ticket_id
        self.clock.at = queued + timedelta(seconds=30)
        self.desk.take(agent, t)
        self.clock.at = queued + timedelta(seconds=answered_after_s)
        self.desk.send(agent, t, "hello")
        if closed_after_s is not None:
            self.clock.at = queued + timedelta(seconds=closed_after_s)
            self.desk.close(agent, t, "resolved")


def seed_known(app) -> Known:  # type: ignore[no-untyped-def]
    """Six conversations with a request in the last three days (and one greeting): 3 resolved, 1 handed
    off, 3 rated (5 + 2 + 4 = 11 stars); two searches for a purple tent found nothing; one complaint
    about a damaged parcel; one guide given up at step 2; one agent who answered in 3 minutes."""
    r = Recorder(app)
    order = next(o for o in app.orders.orders_of("C001") if o.lines)
    ids = {
        "c1": r.conversation(r.at(2, 9), ("Where is my parcel?", "order_status", Outcome.ANSWERED), rating=5),
        "c2": r.conversation(r.at(2, 10), ("purple tent", "product_search", Outcome.NOT_FOUND)),
        "c3": r.conversation(r.at(2, 11), ("I want a person", "human_agent", Outcome.HANDED_OFF), rating=2),
        "c4": r.conversation(r.at(1, 9), ("可以退货吗", "return_policy", Outcome.ANSWERED), rating=4, language="zh"),
        "c5": r.conversation(r.at(1, 10), (CRUSHED, "complaint", Outcome.ANSWERED),
                             complaint=(ComplaintTopic.DAMAGED, order.order_number)),
        "c6": r.conversation(r.at(1, 11), ("hello", "greeting", Outcome.SMALL_TALK)),
        "c7": r.conversation(r.at(0, 9), ("Purple tent?", "product_search", Outcome.NOT_FOUND),
                             ("purple tent", "product_search", Outcome.NOT_FOUND), rephrased_last=True),
    }
    r.clock.at = r.at(1, 15)
    r.guides.record([StepTime("FUR-STOOL-01", 1, 30, 1), StepTime("FUR-STOOL-01", 2, 120, 2),
                     StepTime("FUR-STOOL-01", 3, 40, 1)])
    r.guides.record([StepTime("FUR-STOOL-01", 1, 50, 1), StepTime("FUR-STOOL-01", 2, 200, 1),
                     StepTime("FUR-STOOL-01", 3, 0, 0)])
    lin = r.accounts.add("A01", name="Lin", role=AgentRole.AGENT, pin="246810")
    r.ticket(lin, r.at(2, 11, 5), answered_after_s=180, closed_after_s=780, conversation_id=ids["c3"])
    return Known(ids, r.today)


#: What a busy month looks like (for the screenshots): (intent, outcome, rating, words en, words zh).
_BUSY = (
    ("order_status", Outcome.ANSWERED, 5, "Where is my parcel?", "我的快递到哪了"),
    ("order_status", Outcome.ANSWERED, None, "track my order", "查一下订单"),
    ("return_policy", Outcome.ANSWERED, 4, "can I return opened skincare?", "护肤品拆封能退吗"),
    ("product_search", Outcome.ANSWERED, None, "phones with NFC", "支持NFC的手机"),
    ("product_search", Outcome.NOT_FOUND, None, "purple camping tent", "紫色帐篷"),
    ("product_search", Outcome.NOT_FOUND, 2, "kids bike helmet", "儿童自行车头盔"),
    ("human_agent", Outcome.HANDED_OFF, 3, "I want a person", "我要找人工客服"),
    ("refund_status", Outcome.ANSWERED, 5, "where is my refund", "退款到账了吗"),
    ("assembly_help", Outcome.ANSWERED, 4, "how do I assemble the stool", "凳子怎么安装"),
    ("product_question", Outcome.CLARIFY, None, "is it waterproof", "这个防水吗"),
    ("invoice", Outcome.ANSWERED, 5, "I need an invoice", "我要开发票"),
)
#: (topic, how often, words en, words zh).
_COMPLAINTS = (
    (ComplaintTopic.DELIVERY_DELAY, 5, "My parcel is five days late", "快递五天了还没到"),
    (ComplaintTopic.DAMAGED, 3, "The box arrived crushed", "箱子压坏了"),
    (ComplaintTopic.PRODUCT_QUALITY, 4, "The stool leg is cracked", "凳子腿裂了"),
    (ComplaintTopic.WRONG_ITEM, 2, "You sent the wrong colour", "发错颜色了"),
    (ComplaintTopic.ASSEMBLY, 2, "The instructions skip a step", "说明书少了一步"),
    (ComplaintTopic.REFUND, 2, "My refund still has not arrived", "退款一直没到账"),
    (ComplaintTopic.PRICING, 1, "The price dropped the day after I paid", "刚买就降价了"),
)


def seed_busy(app, days: int = 28, per_day: int = 4, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """A plausible month for the screenshots: requests of every kind, complaints with orders, guides, agents."""
    rng = random.Random(seed)
    r = Recorder(app)
    orders = [o for c in ("C001", "C002", "C003", "C004") for o in app.orders.orders_of(c) if o.lines]
    handed: list[tuple[datetime, int]] = []
    for ago in range(days - 1, -1, -1):
        for n in range(rng.randint(per_day - 2, per_day + 2)):
            intent, outcome, rating, en, zh = rng.choice(_BUSY)
            zh_turn = rng.random() < 0.6
            when = r.at(ago, 9 + n, rng.randint(0, 50))
            conv = r.conversation(when, (zh if zh_turn else en, intent, outcome), rating=rating,
                                  language="zh" if zh_turn else "en")
            if outcome == Outcome.HANDED_OFF:
                handed.append((when, conv))
        for n in range(rng.randint(0, 2)):
            topic, _, en, zh = rng.choices(_COMPLAINTS, weights=[c[1] for c in _COMPLAINTS])[0]
            zh_turn = rng.random() < 0.6
            r.conversation(r.at(ago, 18 + n), (zh if zh_turn else en, "complaint", Outcome.ANSWERED),
                           complaint=(topic, rng.choice(orders).order_number), language="zh" if zh_turn else "en")
    r.clock.at = r.at(3, 16)
    for sku, steps, slow in (("FUR-STOOL-01", 4, 3), ("FUR-SHELF-3T", 6, 4), ("FUR-TABLE-SIDE", 5, 2)):
        for viewing in range(6):
            stop = steps if viewing % 3 else slow
            r.guides.record([StepTime(sku, s, (240 if s == slow else 45) * rng.uniform(0.7, 1.4) if s <= stop else 0,
                                      (2 if s == slow and viewing % 2 else 1) if s <= stop else 0)
                             for s in range(1, steps + 1)])
    agents = [r.accounts.add(code, name=name, role=AgentRole.AGENT, pin=pin)
              for code, name, pin in (("A11", "Lin Fang", "246810"), ("A12", "Wu Lei", "135792"))]
    for n, (when, conv) in enumerate(handed):
        r.ticket(agents[n % 2], when + timedelta(minutes=2), answered_after_s=rng.randint(40, 400),
                 closed_after_s=rng.randint(600, 2400), conversation_id=conv)


# -- helpers -------------------------------------------------------------------------------------------


def open_dashboard(qtbot, app, language: str, days: int = 7):  # type: ignore[no-untyped-def]
    from desktop_app.ui.merchant.window import MerchantWindow

    window = MerchantWindow(app, language=language, days=days)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.loaded, timeout=20_000):
        window.show()
    qtbot.waitExposed(window)
    return window


def texts_of(root: QWidget) -> list[tuple[str, str]]:
    """(widget name, text) of every visible text under ``root``, but the customers' own words."""
    own_words = [w for w in root.findChildren(QWidget) if w.objectName() in ("customerWords", "drillList")]
    found: list[tuple[str, str]] = []
    for w in [root, *root.findChildren(QWidget)]:
        if w is not root and not w.isVisibleTo(root):
            continue
        if w.objectName() == "languageCombo" or any(w is o or o.isAncestorOf(w) for o in own_words):
            continue
        name = w.objectName() or type(w).__name__
        if isinstance(w, QLabel | QAbstractButton):
            found.append((name, w.text()))
        elif isinstance(w, QComboBox):
            found += [(name, w.itemText(i)) for i in range(w.count())]
        elif isinstance(w, QTabBar):
            found += [(name, w.tabText(i)) for i in range(w.count())]
        elif isinstance(w, QListWidget):
            found += [(name, w.item(i).text()) for i in range(w.count())]
        elif isinstance(w, QTableWidget):
            said = 0 if w.objectName() == "unmetTable" else -1  # what customers searched for, in their words
            found += [(name, it.text()) for r in range(w.rowCount()) for c in range(w.columnCount())
                      if c != said and (it := w.item(r, c)) is not None]
            found += [(name, w.horizontalHeaderItem(c).text()) for c in range(w.columnCount())]
        elif isinstance(w, QTreeWidget):
            items = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
            items += [i.child(j) for i in list(items) for j in range(i.childCount())]
            found += [(name, i.text(c)) for i in items for c in range(w.columnCount())]
            found += [(name, w.headerItem().text(c)) for c in range(w.columnCount())]
        elif isinstance(w, QGroupBox):
            found.append((name, w.title()))
        if w.toolTip():
            found.append((name + ".toolTip", w.toolTip()))
    return [(n, t) for n, t in found if t]


def chart_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    """Titles, axis titles and labels, and legend names of the overview's charts."""
    out = []
    for view in (window.overview.rates_view, window.overview.volume_view):
        chart = view.chart()
        out.append(chart.title())
        for axis in chart.axes():
            out.append(axis.titleText())
            out += list(getattr(axis, "categories", lambda: [])())
        for series in chart.series():
            out.append(series.name())
            out += [s.label() for s in getattr(series, "barSets", lambda: [])()]
    return [t for t in out if t]


# -- the figures -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language, resolution, handoff, satisfaction", [
    ("en", "50% (3 of 6)", "17% (1 of 6)", "3.7 of 5 stars (3 ratings)"),
    ("zh", "50%（3/6）", "17%（1/6）", "3.7 / 5 星（3 个评分）"),
])
def test_headline_rates_carry_their_counts(qtbot, app, language, resolution, handoff, satisfaction):
    seed_known(app)
    window = open_dashboard(qtbot, app, language)
    tiles = window.overview.tiles
    assert tiles["conversations"].value.text() == "6"  # the greeting alone is not a request
    assert tiles["resolution"].value.text() == resolution
    assert tiles["handoff"].value.text() == handoff
    assert tiles["satisfaction"].value.text() == satisfaction


def test_day_table_and_charts_show_each_day(qtbot, app):
    known = seed_known(app)
    window = open_dashboard(qtbot, app, "en")
    table = window.overview.table
    assert table.rowCount() == 7  # every day of the week, quiet ones too
    rows = {table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, 6)] for r in range(table.rowCount())}
    two_ago = (known.today - timedelta(days=2)).strftime("%d %b")
    yesterday = (known.today - timedelta(days=1)).strftime("%d %b")
    assert rows[two_ago] == ["3", "33% (1 of 3)", "2 of 3", "33% (1 of 3)", "3.5 of 5 stars (2 ratings)"]
    assert rows[yesterday] == ["2", "100% (2 of 2)", "0 of 2", "0% (0 of 2)", "4.0 of 5 stars (1 ratings)"]
    quiet = (known.today - timedelta(days=5)).strftime("%d %b")
    assert rows[quiet] == ["0", "– (0 of 0)", "0 of 0", "– (0 of 0)", "no ratings yet"]
    resolution = window.overview.rates_view.chart().series()[0]
    assert [(round(p.x()), round(p.y())) for p in resolution.points()] == [(4, 33), (5, 100), (6, 0)]
    bars = {s.label(): [s.at(i) for i in range(s.count())] for s in window.overview.volume_view.chart().series()[0].barSets()}
    assert bars["Product search"] == [0, 0, 0, 0, 1, 0, 2]  # customer turns, the repeated search twice
    assert bars["Complaint"][5] == 1


def test_complaints_assembly_unmet_and_agents(qtbot, app):
    seed_known(app)
    window = open_dashboard(qtbot, app, "en")
    tree = window.complaints.tree
    cause = tree.topLevelItem(0)
    assert (cause.text(0), cause.text(1)) == ("logistics carrier", "100% (1 of 1)")
    topic = cause.child(0)
    assert (topic.text(0), topic.text(1), topic.text(2)) == ("damaged in transit", "1", "1 of 1")
    assert topic.text(3).split(" · ")[-1] == "1"  # this week
    carrier = topic.text(4)  # the order's carrier, by its English name
    assert carrier.endswith(" ×1") and not CJK.search(carrier)
    products = topic.text(5)  # by name, never the SKU
    assert products.endswith("×1") and not re.search(r"[A-Z]{3}-", products)
    window.tabs.setCurrentWidget(window.complaints)
    assert CRUSHED in window.complaints.examples.text()

    steps = window.assembly.table
    by_step = {steps.item(r, 1).text(): [steps.item(r, c).text() for c in range(steps.columnCount())]
               for r in range(steps.rowCount())}
    assert by_step["step 2"] == ["Walnut four-leg stool", "step 2", "2", "2 min 40 s", "1 of 2", "1"]
    unmet = window.unmet.table
    # c7's first try was marked "rephrased" (the customer asked again): its second try is the one counted
    assert [unmet.item(0, c).text() for c in (0, 1, 3)] == ["purple tent", "2", "2"]
    agents = window.agents.table
    assert [agents.item(0, c).text() for c in range(agents.columnCount())] == [
        "Lin", "1", "1 of 1", "1 of 1", "3 min 00 s", "13 min 00 s"]


def test_segments_match_the_figures(qtbot, app):
    window = open_dashboard(qtbot, app, "zh", days=28)
    segments = app.merchant_figures.segments()
    table = window.segments.table
    assert segments and table.rowCount() == len(segments)
    first = segments[0]
    assert table.item(0, 1).text() == str(first.customers)
    assert table.item(0, 2).text().endswith(f"（{first.customers}/{first.base}）")
    assert table.item(0, 3).text() == f"¥{first.median_order_fen / 100:,.2f}"


def test_period_selector_reloads_the_figures(qtbot, app):
    seed_known(app)
    window = open_dashboard(qtbot, app, "en")
    with qtbot.waitSignal(window.loaded, timeout=20_000):
        window.period_combo.setCurrentIndex(1)  # 28 days
    assert window.dashboard.days == 28 and window.overview.table.rowCount() == 28
    assert window.period_combo.currentText() == "Last 28 days"


# -- drill-down ------------------------------------------------------------------------------------


def test_clicking_a_day_lists_its_unresolved_conversations(qtbot, app):
    known = seed_known(app)
    window = open_dashboard(qtbot, app, "en")
    table = window.overview.table
    row = next(r for r in range(table.rowCount())
               if table.item(r, 0).text() == (known.today - timedelta(days=2)).strftime("%d %b"))
    rect = table.visualItemRect(table.item(row, 3))  # "Not resolved"
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.drill.list.count() == 2, timeout=10_000)
    assert sorted(window.drill.listed_ids()) == sorted([known.ids["c2"], known.ids["c3"]])
    lines = [window.drill.list.item(i).text() for i in range(2)]
    assert any("handed to a person" in t and "I want a person" in t for t in lines)
    assert "Not resolved" in window.drill.caption.text() and "2 conversations" in window.drill.caption.text()


def test_clicking_a_bar_lists_the_conversations_behind_it(qtbot, app):
    known = seed_known(app)
    window = open_dashboard(qtbot, app, "en")
    view = window.overview.volume_view
    window.overview.scroll_area.ensureWidgetVisible(view)
    qtbot.wait(50)
    chart = view.chart()
    bars = chart.series()[0]
    names = [s.label() for s in bars.barSets()]
    index = 6  # today: the customer searched twice for a purple tent
    below = sum(s.at(index) for s in bars.barSets()[:names.index("Product search")])
    pos = view.mapFromScene(chart.mapToScene(chart.mapToPosition(QPointF(index, below + 1.0), bars)))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.drill.list.count() == 1, timeout=10_000)
    assert window.drill.listed_ids() == [known.ids["c7"]]
    assert "Product search" in window.drill.caption.text()


def test_clicking_a_topic_and_a_search_lists_their_conversations(qtbot, app):
    known = seed_known(app)
    window = open_dashboard(qtbot, app, "zh")
    window.tabs.setCurrentWidget(window.complaints)
    tree = window.complaints.tree
    item = window.complaints.topic_items()[0]
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(item).center())
    qtbot.waitUntil(lambda: window.drill.list.count() == 1, timeout=10_000)
    assert window.drill.listed_ids() == [known.ids["c5"]]
    assert window.drill.caption.text().startswith("投诉：运输破损")

    window.tabs.setCurrentWidget(window.unmet)
    table = window.unmet.table
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(0, 0)).center())
    qtbot.waitUntil(lambda: window.drill.list.count() == 2, timeout=10_000)
    assert sorted(window.drill.listed_ids()) == sorted([known.ids["c2"], known.ids["c7"]])

    window.tabs.setCurrentWidget(window.assembly)  # guide viewings are anonymous: a note, not an empty list
    steps = window.assembly.table
    qtbot.mouseClick(steps.viewport(), Qt.MouseButton.LeftButton, pos=steps.visualItemRect(steps.item(0, 0)).center())
    assert window.drill.list.count() == 0 and "匿名" in window.drill.caption.text()


# -- language --------------------------------------------------------------------------------------


@pytest.mark.parametrize("start, language", [("zh", "en"), ("en", "zh"), ("en", "en"), ("zh", "zh")])
def test_every_visible_text_is_in_the_dashboards_language(qtbot, app, start, language):
    known = seed_known(app)
    window = open_dashboard(qtbot, app, start)
    window.show_drill(Drill("Conversations", "会话", (known.ids["c1"], known.ids["c4"])))
    qtbot.waitUntil(lambda: window.drill.list.count() == 2, timeout=10_000)
    window.language_combo.setCurrentIndex(0 if language == "zh" else 1)
    assert window.language == language
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        texts = texts_of(window) + [("chart", t) for t in chart_texts(window)]
        if language == "en":
            wrong = [(n, t) for n, t in texts if CJK.search(t)]
        else:
            wrong = [(n, t) for n, t in texts if [w for w in LATIN_WORD.findall(t) if not LATIN_ALLOWED.match(w)]]
        assert not wrong, f"{language} dashboard, tab {window.tabs.tabText(index)!r}: {wrong[:8]}"


# -- screenshots -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh", "en"])
def test_screenshots_of_a_busy_month(qtbot, app, language):
    seed_busy(app)
    window = open_dashboard(qtbot, app, language, days=28)
    window.resize(1440, 900)
    busiest = max(window.overview.buckets, key=lambda b: len(b.unresolved_ids))
    window.show_drill(Drill("Not resolved, busiest day", "最忙一天·未解决", busiest.unresolved_ids))
    qtbot.waitUntil(lambda: window.drill.list.count() == len(busiest.unresolved_ids), timeout=10_000)
    qtbot.wait(100)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = window.grab()
    path = SCREENSHOTS / f"merchant_dashboard_{language}.png"
    assert shot.save(str(path))
    window.tabs.setCurrentWidget(window.complaints)
    qtbot.wait(50)
    assert window.grab().save(str(SCREENSHOTS / f"merchant_dashboard_complaints_{language}.png"))
    image = shot.toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 50  # charts and text, not a blank window
    total = window.dashboard.total
    assert total.conversations > 80 and 0 < total.resolved < total.conversations


# -- at a kiosk: behind the operator PIN ---------------------------------------------------------------


def _answer_dialogs(answers: list[str], seen: list[str]) -> None:
    """Answer the modal dialogs as they come: a PIN for the PIN prompt, a button name for a message box."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox, QPushButton

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, answer)
            return
        seen.append(type(dialog).__name__)
        reply = answers.pop(0)
        if isinstance(dialog, QInputDialog):
            dialog.setTextValue(reply)
            dialog.accept()
        elif isinstance(dialog, QMessageBox):
            seen.append("|".join(b.text() for b in dialog.buttons()))
            button = dialog.findChild(QPushButton, reply) if reply else None
            (button or dialog.buttons()[0]).click()
        if answers:
            QTimer.singleShot(20, answer)

    QTimer.singleShot(20, answer)


def test_the_kiosk_opens_the_dashboard_only_after_the_pin(qtbot, app, monkeypatch):
    import shiboken6
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.kiosk import screen as kiosk
    from desktop_app.ui.merchant.window import MerchantWindow

    seed_known(app)
    parent = QWidget()
    qtbot.addWidget(parent)
    monkeypatch.setenv(kiosk.PIN_ENV, "4711")
    seen: list[str] = []
    _answer_dialogs(["1234", ""], seen)  # a wrong PIN: the staff-only note, nothing opened
    assert kiosk.operator_menu(parent, app, "zh") is None
    assert seen[0] == "QInputDialog" and seen[1] == "QMessageBox"
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, MerchantWindow)]

    seen.clear()
    _answer_dialogs(["4711", "operator_dashboard"], seen)
    assert kiosk.operator_menu(parent, app, "zh", timeout_s=1.0) == "dashboard"
    assert "经营看板" in seen[2] and "设置" in seen[2]  # the operator's options, in the kiosk's language
    window = next(w for w in QApplication.topLevelWidgets() if isinstance(w, MerchantWindow))
    qtbot.waitUntil(lambda: window.dashboard is not None, timeout=20_000)
    assert window.overview.tiles["resolution"].value.text() == "50%（3/6）"
    qtbot.waitUntil(lambda: not shiboken6.isValid(window), timeout=10_000)  # walked away: it closes (and goes)
