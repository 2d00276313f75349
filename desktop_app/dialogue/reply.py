"""What the dialogue manager hands back for one turn: text in the user's language plus cards.

Cards are the service's own frozen results (an ``OrderView`` renders as a timeline card, a
``SearchResult`` as a product list...), so the UI and the CLI never re-query the store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from desktop_app.service.types import FAILURES, OrderView, Outcome, ServiceAction, TicketView, status_text

__all__ = ["FAILURES", "GuideOffer", "ItemChoice", "OrderPicker", "Outcome", "Reply", "ReplyBuilder", "ServiceAction"]


@dataclass(frozen=True)
class GuideOffer:
    """Offer to open a product's 3D assembly guide at a step."""

    sku: str
    name: str
    step: int = 1


@dataclass(frozen=True)
class ItemChoice:
    """The lines of an order, numbered, when the customer must pick one."""

    order_number_masked: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class OrderPicker:
    """Several of the customer's orders fit what they said: they pick one (never a silent guess)."""

    intent: str
    options: tuple[OrderView, ...]

    def card_title(self, language: str) -> str:
        return "请选择订单" if language == "zh" else "Which order?"

    def card_lines(self, language: str) -> tuple[str, ...]:
        lines = []
        for n, o in enumerate(self.options, start=1):
            if language == "zh":
                names = "、".join(line.product.name_zh for line in o.lines)
                lines.append(f"{n}. {names} · {o.placed_at:%m-%d} 下单 · {status_text(o.status.value, 'zh')} · 订单{o.masked_number}")
            else:
                names = ", ".join(line.product.name_en for line in o.lines)
                lines.append(f"{n}. {names} · ordered {o.placed_at:%m-%d} · {status_text(o.status.value, 'en')} · "
                             f"order {o.masked_number}")
        return tuple(lines)


@dataclass(frozen=True)
class Reply:
    language: str
    text: str
    cards: tuple[object, ...] = ()
    suggestions: tuple[str, ...] = ()
    outcome: Outcome = Outcome.ANSWERED
    intent: str | None = None
    confidence: float = 0.0
    ticket: TicketView | None = None
    #: Human-readable filters applied to a search, shown above its results.
    filters: tuple[str, ...] = ()
    emotion: str = "neutral"
    #: What the services did this turn, in order (filed, cancelled, refused...).
    actions: tuple[ServiceAction, ...] = ()

    @property
    def speech(self) -> str:
        """What a speaker reads aloud: the text, never the cards."""
        return self.text


def say(language: str, en: str, zh: str) -> str:
    return zh if language == "zh" else en


#: Words that apologise, and a "Sorry, …" / "抱歉，…" that opens a sentence.
_APOLOGY = re.compile(r"sorry|apologi[sz]e|抱歉|对不起|歉意", re.IGNORECASE)
_SORRY_LEAD = re.compile(r"^(?:I'm |I am )?sorry(?: about that)?[,:;.]\s*|^(?:很|非常)?抱歉[，,：:]", re.IGNORECASE)


@dataclass
class ReplyBuilder:
    """Accumulates the parts of one turn's reply (several intents may contribute)."""

    language: str
    texts: list[str] = field(default_factory=list)
    cards: list[object] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    outcome: Outcome = Outcome.ANSWERED
    ticket: TicketView | None = None
    actions: list[ServiceAction] = field(default_factory=list)
    #: Said sorry already this turn: an upset customer hears one apology, not one per sentence.
    apologised: bool = False

    def did(self, action: ServiceAction) -> None:
        """Record what the services did; the scenario suite and the merchant's figures read it."""
        if action not in self.actions:
            self.actions.append(action)

    def add(self, en: str, zh: str) -> None:
        """One more sentence; a leading "Sorry, " is dropped once this reply has apologised."""
        text = say(self.language, en, zh)
        lead = _SORRY_LEAD.match(text)
        if lead and self.apologised and lead.end() < len(text):
            rest = text[lead.end():]
            text = rest[:1].upper() + rest[1:]
        elif _APOLOGY.search(text):
            self.apologised = True
        self.texts.append(text)

    def apologise(self, en: str, zh: str) -> None:
        """A sentence that only apologises, said unless this reply has apologised already (the angry
        customer's acknowledgement comes first; "I'm sorry for the wait" after it is a second one)."""
        if not self.apologised:
            self.add(en, zh)

    def card(self, card: object) -> None:
        self.cards.append(card)

    def suggest(self, *pairs: tuple[str, str]) -> None:
        for en, zh in pairs:
            self.suggestions.append(say(self.language, en, zh))

    def build(self, *, intent: str | None, confidence: float, emotion: str) -> Reply:
        joiner = "" if self.language == "zh" else " "
        return Reply(language=self.language, text=joiner.join(t for t in self.texts if t), cards=tuple(self.cards),
                     suggestions=tuple(dict.fromkeys(self.suggestions)), outcome=self.outcome, intent=intent,
                     confidence=confidence, ticket=self.ticket, filters=tuple(self.filters), emotion=emotion,
                     actions=tuple(self.actions))
