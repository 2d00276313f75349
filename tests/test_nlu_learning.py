"""Learning from agents (issue 22, point 5): the review queue, retraining from it, versions and rollback.

The queue: a low-confidence turn is queued where it is recorded; an agent's "the AI misread this"
in the console is queued; only a supervisor accepts or rejects. Retraining fits real models, so the
slow part runs once per module on a sixth of the training files and a third of the dev sets
(``--data-dir``; what is checked does not depend on the corpus size): one retrain that deploys, then
copies of that store for the refusal of a poisoned candidate and for rollback.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, Qt
from sqlalchemy import select, text

from desktop_app.app import App, build_app
from desktop_app.core.config import Settings, load_settings
from desktop_app.core.errors import AccessDenied, InvalidInput
from desktop_app.service.desk_types import AgentRole
from desktop_app.service.nlu_review import INTENT_NAMES, LOW_CONFIDENCE
from desktop_app.service.types import Outcome, Priority
from desktop_app.store.schema import Message, NluReviewItem

PIN = "583920"
SUBSET_STEP, DEV_STEP = 6, 3


@pytest.fixture(scope="module", autouse=True)
def _nlu_commands_registered() -> Iterator[None]:
    """``desktop-app nlu`` as ``cli/__init__.py`` lists it (a no-op once it is in ``COMMAND_MODULES``)."""
    import desktop_app.cli as cli_package

    with pytest.MonkeyPatch.context() as mp:
        if "desktop_app.cli.nlu_commands" not in cli_package.COMMAND_MODULES:
            mp.setattr(cli_package, "COMMAND_MODULES", (*cli_package.COMMAND_MODULES, "desktop_app.cli.nlu_commands"))
        yield


def _cli(argv: list[str], stdin: str = "") -> tuple[int, str, str]:
    """``desktop-app --lang en`` on the store the environment names (set by the caller), capturing its output."""
    from desktop_app.cli import main

    out, err, old_stdin = io.StringIO(), io.StringIO(), sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["--lang", "en", *argv])
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def _turn(app: App, text_: str, *, intent: str, confidence: float) -> int:
    """One recorded turn; the id of the customer's message."""
    conversation_id, _ = app.conversations.start(channel="laptop", language="zh")
    app.conversations.record_turn(conversation_id, text_, "好的", intent=intent, confidence=confidence,
                                  outcome=Outcome.ANSWERED)
    with app.db.session() as s:
        return int(s.scalar(select(Message.id).where(Message.conversation_id == conversation_id,
                                                     Message.role == "customer")))


# -- the queue ---------------------------------------------------------------------------------------


def test_the_thresholds_and_intent_names_match_the_layers_they_mirror():
    from desktop_app.fusion.fuse import DEFAULT_THRESHOLD
    from desktop_app.nlu.types import Intent

    assert LOW_CONFIDENCE == DEFAULT_THRESHOLD
    assert INTENT_NAMES == {i.value for i in Intent}


def test_a_low_confidence_turn_is_queued_sealed_and_goes_with_her_data(app):
    sure = _turn(app, "我的订单到哪了", intent="order_status", confidence=0.93)
    unsure_id = _turn(app, "那个东西弄一下行不行", intent="out_of_scope", confidence=0.21)
    with app.db.session() as s:  # (the demo store has low-confidence turns of its own in the queue)
        items = s.scalars(select(NluReviewItem).where(NluReviewItem.message_id.in_([sure, unsure_id]))).all()
        assert [(i.message_id, i.source, i.predicted_intent, i.confidence, i.language) for i in items] == \
            [(unsure_id, "low_confidence", "out_of_scope", 0.21, "zh")]
        raw = s.execute(text("SELECT text FROM nlu_review_items WHERE message_id = :m"), {"m": unsure_id}).scalar_one()
        assert "东西" not in raw  # sealed at rest
    # Her conversation is hers once it is linked to her order: export lists the item, delete removes it.
    order = app.orders.orders_of("C001")[0]
    with app.db.session() as s:
        conversation_id = s.get(Message, unsure_id).conversation_id
    app.conversations.link_order(conversation_id, order.order_number)
    exported = app.privacy.export_customer("C001")
    assert "那个东西弄一下行不行" in [i["text"] for i in exported["nlu_review_items"]]
    assert app.privacy.delete_customer("C001")["nlu_review_items"] == len(exported["nlu_review_items"])
    with app.db.session() as s:
        assert s.scalars(select(NluReviewItem).where(NluReviewItem.message_id == unsure_id)).all() == []


def test_only_a_supervisor_accepts_or_rejects(app, cli, monkeypatch):
    agent = app.desk.accounts.add("A001", name="李娜", role=AgentRole.AGENT, pin=PIN)
    boss = app.desk.accounts.add("S001", name="王强", role=AgentRole.SUPERVISOR, pin=PIN)
    mine = {_turn(app, "快递员把东西放门口就走了", intent="greeting", confidence=0.3),
            _turn(app, "asdf qwer", intent="out_of_scope", confidence=0.1)}
    review = app.nlu_versions.review
    first, second = (i.item_id for i in review.items(boss, limit=10_000) if i.message_id in mine)
    with pytest.raises(AccessDenied):
        review.items(agent)
    with pytest.raises(AccessDenied):
        review.accept(agent, first, "logistics_delay")
    with pytest.raises(InvalidInput):
        review.accept(boss, first)  # nobody said which intent it was
    with pytest.raises(InvalidInput):
        review.accept(boss, first, "no_such_intent")

    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    code, out, _ = cli("nlu", "review", "accept", str(first), "--intent", "logistics_delay",
                       "--agent", "S001", "--pin-stdin")
    assert code == 0 and f"#{first}" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    code, _, err = cli("nlu", "review", "reject", str(second), "--agent", "A001", "--pin-stdin")
    assert code == 1 and "supervisor" in err
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    assert cli("nlu", "review", "reject", str(second), "--agent", "S001", "--pin-stdin")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PIN + "\n"))
    code, out, _ = cli("nlu", "review", "list", "--all", "--agent", "S001", "--pin-stdin")
    assert code == 0 and "accepted" in out and "rejected" in out and "快递员" in out
    assert ("快递员把东西放门口就走了", "logistics_delay") in [(e.text, e.intent) for e in review.accepted_examples()]
    with pytest.raises(InvalidInput):
        review.reject(boss, first)  # decided once


def test_an_agent_corrects_the_ai_from_the_console(app, qtbot, drain_events):
    from desktop_app.ui.agent.console import AgentConsole

    app.desk.accounts.add("A001", name="李娜", role=AgentRole.AGENT, pin=PIN)
    message_id = _turn(app, "我买的帐篷少了一根杆子", intent="product_question", confidence=0.81)
    with app.db.session() as s:
        conversation_id = s.get(Message, message_id).conversation_id
    ticket = app.handoff.open_ticket(reason="customer_request", priority=Priority.NORMAL, summary="少配件",
                                     conversation_id=conversation_id)
    console = AgentConsole(app, language="en")
    console.show()
    try:
        console.sign_in.code.setText("A001")
        console.sign_in.pin.setText(PIN)
        qtbot.mouseClick(console.sign_in.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: console.agent is not None, timeout=10_000)
        console.open_ticket(ticket.ticket_id)
        transcript = console.ticket.transcript
        qtbot.waitUntil(lambda: transcript.count() == 2, timeout=10_000)
        assert not console.ticket.misread_button.isEnabled()
        transcript.item(1).setSelected(True)  # the AI's reply: not a customer turn
        assert not console.ticket.misread_button.isEnabled()
        transcript.item(0).setSelected(True)
        assert console.ticket.misread_button.isEnabled()
        combo = console.ticket.misread_intent
        combo.setCurrentIndex(combo.findData("warranty_repair"))
        assert combo.currentText() == "Warranty repair"  # in words, not a code
        qtbot.mouseClick(console.ticket.misread_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "sent for review" in console.status.text(), timeout=10_000)
        drain_events()
    finally:
        console.close()
        console.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    with app.db.session() as s:
        item = s.scalar(select(NluReviewItem).where(NluReviewItem.message_id == message_id))
        assert (item.message_id, item.source, item.predicted_intent, item.suggested_intent, item.suggested_by,
                item.status) == (message_id, "agent_correction", "product_question", "warranty_repair", "A001", "pending")
        assert item.text == "我买的帐篷少了一根杆子"


# -- retraining --------------------------------------------------------------------------------------


def _data_rows(name: str) -> list[str]:
    from desktop_app.nlu.classifier import _data_dir

    return (_data_dir() / name).read_text(encoding="utf-8").splitlines()


def _subset(folder: Path) -> Path:
    """A sixth of the training files and a third of the dev sets (every n-th line)."""
    from desktop_app.nlu.classifier import DEV_FILES, TRAIN_FILES

    folder.mkdir()
    for names, step in ((TRAIN_FILES, SUBSET_STEP), (DEV_FILES, DEV_STEP)):
        for name in names:
            lines = _data_rows(name)
            (folder / name).write_text("\n".join(lines[:1] + lines[1:][::step]) + "\n", encoding="utf-8")
    return folder


def _unseen_training_lines() -> list[tuple[str, str]]:
    """(intent, text) training lines the subset left out: sentences the subset's base model never saw."""
    from desktop_app.nlu.classifier import TRAIN_FILES

    out = []
    for name in TRAIN_FILES:
        for i, line in enumerate(_data_rows(name)[1:]):
            cols = line.split("\t")
            if i % SUBSET_STEP and len(cols) >= 2 and not line.startswith("#"):
                out.append((cols[0].strip(), cols[1].strip()))
    return out


@dataclass(frozen=True)
class Learned:
    root: Path
    data: Path
    retrain: tuple[int, str, str]
    #: Sentences the base model got wrong, accepted with their right intent.
    corrected: tuple[tuple[str, str], ...]


@contextlib.contextmanager
def _environment(settings: Settings) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DESKTOP_APP_DATA_DIR", str(settings.data_dir))
        mp.setenv("DESKTOP_APP_CACHE_DIR", str(settings.cache_dir))
        yield


def _settings(root: Path) -> Settings:
    return load_settings(env={}, data_dir=root / "data", cache_dir=root / "cache")


@pytest.fixture(scope="module")
def learned(tmp_path_factory: pytest.TempPathFactory, seeded_store_template: Path) -> Learned:
    """A store whose supervisor accepted 40 corrections of sentences the base model got wrong and confirmed
    160 it got right, retrained once."""
    from desktop_app.nlu.classifier import load_or_train

    root = tmp_path_factory.mktemp("learned")
    data = _subset(root / "nlu-data")
    shutil.copytree(seeded_store_template, root / "data")
    settings = _settings(root)
    base = load_or_train(cache_dir=settings.cache_dir / "nlu", data_dir=data)  # the retrain finds it cached
    unseen = _unseen_training_lines()
    searched = unseen[::4]  # enough to find 40 it gets wrong, at a quarter of the encoding
    guesses = base.predict([t for _, t in searched])
    wrong = [(gold, t, g[0][0].value) for (gold, t), g in zip(searched, guesses, strict=True) if g[0][0].value != gold]
    corrected = wrong[::max(1, len(wrong) // 40)][:40]
    # Turns it was unsure of but right about, confirmed by the reviewer: the bulk of what a queue yields.
    confirmed = [(gold, t, gold) for gold, t in unseen[1::4][::4][:160]]
    app = build_app(settings)
    try:
        boss = app.desk.accounts.add("S001", name="王强", role=AgentRole.SUPERVISOR, pin=PIN)
        for _gold, said, guess in (*corrected, *confirmed):
            _turn(app, said, intent=guess, confidence=0.3)
        right = {t: gold for gold, t, _ in (*corrected, *confirmed)}
        for item in app.nlu_versions.review.items(boss, limit=10_000):
            if item.text in right:  # (the demo store's own queued turns stay pending)
                app.nlu_versions.review.accept(boss, item.item_id, right[item.text])
    finally:
        app.close()
    with _environment(settings):
        result = _cli(["nlu", "retrain", "--data-dir", str(data)])
    print(result[1])  # the before/after figures, for the report (pytest -s)
    return Learned(root, data, result, tuple((g, t) for g, t, _ in corrected))


@pytest.fixture
def copy_of(tmp_path: Path) -> Callable[[Learned], Settings]:
    def make(learned: Learned) -> Settings:
        for part in ("data", "cache"):
            shutil.copytree(learned.root / part, tmp_path / part)
        return _settings(tmp_path)

    return make


def test_retrain_deploys_a_candidate_that_scores_at_least_as_well(learned):
    code, out, err = learned.retrain
    assert code == 0, err
    assert "Deployed v1" in out and "200 reviewed" in out and "order_status" in out
    app = build_app(_settings(learned.root))
    try:
        history = app.nlu_versions.history()
        assert [(v.version, v.status) for v in history] == [("v1", "deployed"), ("base", "retired")]
        v1, base = history
        assert v1.baseline_f1 == base.macro_f1 and v1.macro_f1 >= base.macro_f1
        assert (v1.reviewed_examples, base.reviewed_examples) == (200, 0)
        assert dict(v1.language_f1).keys() == {"en", "zh"}
        assert app.nlu_versions.deployed() == v1
    finally:
        app.close()


def test_the_app_answers_with_the_deployed_version(learned):
    from desktop_app.nlu.classifier import load_or_train
    from desktop_app.nlu.model_versions import load_version, versions_dir

    settings = _settings(learned.root)
    app = build_app(settings)
    try:
        deployed = app.nlu_versions.deployed_model()
        assert deployed is not None and deployed.version == "v1"
        v1 = load_version(versions_dir(settings.cache_dir), "v1", deployed.sha256)
        texts = [t for _, t in learned.corrected]
        in_use = app.assistant.understander.classifier.predict(texts)
        assert in_use == v1.predict(texts)
        base = load_or_train(cache_dir=settings.cache_dir / "nlu", data_dir=learned.data).predict(texts)
        learnt = sum(d[0][0].value == gold for d, (gold, _) in zip(in_use, learned.corrected, strict=True))
        assert learnt > sum(d[0][0].value == gold for d, (gold, _) in zip(base, learned.corrected, strict=True))
    finally:
        app.close()


def test_retrain_refuses_a_candidate_poisoned_by_wrong_reviews(learned, copy_of, monkeypatch):
    settings = copy_of(learned)
    app = build_app(settings)
    try:
        cipher = app.db.keys.cipher
        conversation_id, _ = app.conversations.start(channel="laptop", language="en")
        poison = [t for gold, t in _unseen_training_lines() if gold == "order_status"]
        with app.db.session() as s:  # a careless reviewer accepted every order question as a greeting
            for said in poison:
                message = Message(conversation_id=conversation_id, role="customer", intent="order_status",
                                  text_encrypted=cipher.encrypt(said), created_at=app.clock.now())
                s.add(message)
                s.flush()
                s.add(NluReviewItem(message_id=message.id, text=said, language="en", source="agent_correction",
                                    suggested_intent="greeting", final_intent="greeting", status="accepted",
                                    reviewer="S001", created_at=app.clock.now()))
    finally:
        app.close()
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(settings.cache_dir))
    code, out, err = _cli(["nlu", "retrain", "--data-dir", str(learned.data)])
    print(out)
    assert code == 3, err
    assert "Refused v2" in out and "macro-F1 would drop by" in out and "v1 stays in use" in out
    app = build_app(settings)
    try:
        v2, v1 = app.nlu_versions.history()[:2]
        assert (v2.version, v2.status, v1.version, v1.status) == ("v2", "refused", "v1", "deployed")
        assert v2.macro_f1 < v2.baseline_f1 == v1.macro_f1 and "drop" in v2.note
        assert not (settings.cache_dir / "nlu" / "versions" / "v2.pkl").exists()
    finally:
        app.close()
    assert _cli(["nlu", "rollback", "v2"])[0] == 1  # a refused version never goes into use


def test_rollback_redeploys_an_older_version_after_checking_its_file(learned, copy_of, monkeypatch):
    from desktop_app.nlu.model_versions import load_deployed

    settings = copy_of(learned)
    monkeypatch.setenv("DESKTOP_APP_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("DESKTOP_APP_CACHE_DIR", str(settings.cache_dir))
    code, out, _ = _cli(["nlu", "rollback"])
    assert code == 0 and "base is in use again" in out
    code, out, _ = _cli(["nlu", "versions"])
    assert code == 0 and out.splitlines()[0].startswith("v1     retired") and "base   deployed" in out
    app = build_app(settings)
    try:
        deployed = app.nlu_versions.deployed_model()
        assert deployed is not None and deployed.version == "base"
        assert load_deployed(settings.cache_dir, deployed.version, deployed.sha256) is None  # the base model answers
    finally:
        app.close()
    model = settings.cache_dir / "nlu" / "versions" / "v1.pkl"
    model.write_bytes(model.read_bytes()[:-8] + b"tampered")
    code, _, err = _cli(["nlu", "rollback", "v1"])
    assert code == 1 and "checksum" in err  # a damaged file is refused and nothing changes
    assert _cli(["nlu", "versions"])[1].count("deployed") == 1
