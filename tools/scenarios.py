"""The scenario suite: conversations written as data (``tests/scenarios/*.yaml``), each played
against its own fresh copy of the demo store, and judged turn by turn.

A scenario file::

    capability: cancel_order
    conversations:
      - id: cancel-unshipped-zh
        customer: C001            # signed in (omit: an anonymous kiosk visitor)
        language: zh              # the session's starting language
        turns:
          - say: 帮我把订单{tail:C001:paid}取消了
            expect:
              intent: cancel_order             # the task the turn served (``ask --json`` "intent")
              actions: [order_cancelled]       # each must be among the reply's service actions
              no_actions: [order_shown]        # none of these may be
              says: [已取消, 退款]             # each must be in the reply text (case-insensitive)
              says_any: [原路, 支付宝]         # at least one must be
              not_says: [status]               # none may be
              outcome: answered                # the turn's Outcome value
              cards: [OrderView]               # card type names that must be present

Placeholders, resolved against the seeded store before the conversation starts:
``{order:CODE:STATUS[:SKU]}`` (that customer's newest order in that status, holding SKU),
``{tail:...}`` (the same order's last four digits), ``{phone4:CODE}``, ``{name_zh:SKU}``,
``{name_en:SKU}``. A conversation passes when every expectation of every turn holds; the suite
reports task success per capability and overall.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select

from desktop_app.app import App, build_app
from desktop_app.core.config import Settings, load_settings
from desktop_app.dialogue.reply import Reply
from desktop_app.store.schema import Customer, Order, Product

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "tests" / "scenarios"
_EXPECT_KEYS = {"intent", "actions", "no_actions", "says", "says_any", "not_says", "outcome", "cards"}
_PLACEHOLDER = re.compile(r"\{(order|tail|phone4|name_zh|name_en):([^{}]+)\}")


@dataclass(frozen=True)
class Turn:
    say: str
    expect: dict[str, Any]


@dataclass(frozen=True)
class Conversation:
    capability: str
    id: str
    customer: str | None
    language: str
    turns: tuple[Turn, ...]
    source: str


@dataclass
class Verdict:
    conversation: Conversation
    failures: list[str] = field(default_factory=list)
    replies: list[Reply] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


class ScenarioError(ValueError):
    """A scenario file that cannot be run as written (a typo in a key, a missing field)."""


def load(paths: Sequence[Path] | None = None) -> list[Conversation]:
    files = sorted(paths) if paths else sorted(SCENARIO_DIR.glob("*.yaml"))
    out: list[Conversation] = []
    seen: set[str] = set()
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "capability" not in data or "conversations" not in data:
            raise ScenarioError(f"{path.name}: needs 'capability' and 'conversations'")
        for n, raw in enumerate(data["conversations"], start=1):
            where = f"{path.name}#{n}"
            if not isinstance(raw, dict) or not raw.get("turns"):
                raise ScenarioError(f"{where}: a conversation needs turns")
            conv_id = str(raw.get("id") or f"{path.stem}-{n}")
            if conv_id in seen:
                raise ScenarioError(f"{where}: duplicate id {conv_id}")
            seen.add(conv_id)
            turns = []
            for t in raw["turns"]:
                expect = t.get("expect") or {}
                unknown = set(expect) - _EXPECT_KEYS
                if not isinstance(t.get("say"), str) or unknown:
                    raise ScenarioError(f"{where}: each turn needs 'say'; unknown expectations {sorted(unknown)}")
                turns.append(Turn(t["say"], expect))
            out.append(Conversation(str(data["capability"]), conv_id, raw.get("customer"),
                                    str(raw.get("language", "zh")), tuple(turns), where))
    return out


def _resolve(app: App, text: str) -> str:
    def one(m: re.Match[str]) -> str:
        kind, arg = m.group(1), m.group(2)
        with app.db.session() as s:
            if kind in ("name_zh", "name_en"):
                product = s.scalar(select(Product).where(Product.sku == arg))
                if product is None:
                    raise ScenarioError(f"unknown SKU {arg}")
                return product.name_zh if kind == "name_zh" else product.name_en
            code, *rest = arg.split(":")
            customer = s.scalar(select(Customer).where(Customer.code == code))
            if customer is None:
                raise ScenarioError(f"unknown customer {code}")
            if kind == "phone4":
                return customer.phone[-4:]
            status, sku = rest[0], (rest[1] if len(rest) > 1 else None)
            orders = s.scalars(select(Order).where(Order.customer_id == customer.id, Order.status == status)
                               .order_by(Order.placed_at.desc())).all()
            order = next((o for o in orders if sku is None or any(i.product.sku == sku for i in o.items)), None)
            if order is None:
                raise ScenarioError(f"{code} has no {status} order{' with ' + sku if sku else ''}")
            return order.order_number if kind == "order" else order.order_number[-4:]

    return _PLACEHOLDER.sub(one, text)


def _as_list(value: object) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def judge(reply: Reply, expect: dict[str, Any], app: App) -> list[str]:
    """What in ``reply`` breaks ``expect`` (empty: the turn did what it should)."""
    problems = []
    text = reply.text.lower()
    if "intent" in expect and reply.intent not in _as_list(expect["intent"]):
        problems.append(f"intent {reply.intent} (wanted {expect['intent']})")
    if "outcome" in expect and reply.outcome.value not in _as_list(expect["outcome"]):
        problems.append(f"outcome {reply.outcome.value} (wanted {expect['outcome']})")
    done = {a.value for a in reply.actions}
    problems += [f"no action {a}" for a in _as_list(expect.get("actions")) if a not in done]
    problems += [f"unwanted action {a}" for a in _as_list(expect.get("no_actions")) if a in done]
    problems += [f"missing '{w}'" for w in _as_list(expect.get("says")) if _resolve(app, w).lower() not in text]
    anyof = [_resolve(app, w).lower() for w in _as_list(expect.get("says_any"))]
    if anyof and not any(w in text for w in anyof):
        problems.append(f"none of {anyof}")
    problems += [f"says '{w}'" for w in _as_list(expect.get("not_says")) if _resolve(app, w).lower() in text]
    kinds = {type(c).__name__ for c in reply.cards}
    problems += [f"no {c} card" for c in _as_list(expect.get("cards")) if c not in kinds]
    return problems


class Suite:
    """Plays conversations, each on a fresh copy of one seeded store, sharing the loaded models."""

    def __init__(self, workdir: Path | None = None) -> None:
        self._own = workdir is None
        self._root = Path(tempfile.mkdtemp(prefix="scenarios-")) if workdir is None else workdir
        self._template = self._root / "template"
        template_app = build_app(self._settings(self._template))
        self._assistant = template_app.assistant  # the classifier loads once, for every conversation
        template_app.close()
        self._count = 0

    @staticmethod
    def _settings(root: Path) -> Settings:
        return load_settings(env={}, data_dir=root / "data", cache_dir=root / "cache")

    def _fresh_app(self) -> App:
        self._count += 1
        root = self._root / f"c{self._count}"
        shutil.copytree(self._template / "data", root / "data")
        return build_app(self._settings(root))

    def play(self, conv: Conversation) -> Verdict:
        from desktop_app.dialogue.manager import DialogueManager
        from desktop_app.dialogue.pipeline import Assistant

        verdict = Verdict(conv)
        app = self._fresh_app()
        try:
            assistant = Assistant(self._assistant.understander,
                                  DialogueManager(app, guides=app.guides, channel="laptop"))
            st = assistant.new_session(language=conv.language, customer_code=conv.customer)
            for n, turn in enumerate(conv.turns, start=1):
                reply = assistant.ask(st, _resolve(app, turn.say)).reply
                verdict.replies.append(reply)
                verdict.failures += [f"turn {n} ({turn.say}): {p}" for p in judge(reply, turn.expect, app)]
        finally:
            app.close()
        return verdict

    def run(self, conversations: Sequence[Conversation]) -> Iterator[Verdict]:
        for conv in conversations:
            yield self.play(conv)

    def close(self) -> None:
        if self._own:
            shutil.rmtree(self._root, ignore_errors=True)


def success_table(verdicts: Sequence[Verdict]) -> list[tuple[str, int, int, float]]:
    """(capability, passed, total, %) per capability, in name order."""
    by_cap: dict[str, list[bool]] = {}
    for v in verdicts:
        by_cap.setdefault(v.conversation.capability, []).append(v.passed)
    return [(cap, sum(r), len(r), 100.0 * sum(r) / len(r)) for cap, r in sorted(by_cap.items())]
