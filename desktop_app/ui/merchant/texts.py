"""The dashboard's words: every figure as a store manager reads it, in Chinese or English.

The window, the CSV export and the PDF report all format through here, so "42% (5 of 12)" reads
the same on screen and on paper, and no internal code (an intent name, a topic value, a carrier
key) reaches a manager: each has its human name, and an unknown one is shown as it is rather
than hidden. It draws nothing, so the export uses it without a window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from desktop_app.core.places import carrier_label
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.analytics import Rate
from desktop_app.service.complaint_causes import RootCause, cause_name, topic_name
from desktop_app.service.merchant_types import SEGMENT_NAMES, outcome_name
from desktop_app.ui.chat.why_line import intent_label
from desktop_app.ui.common.labels import tr

#: The periods the manager can pick, in days.
PERIODS = (7, 28, 90)

TAB_TITLES: dict[str, tuple[str, str]] = {
    "overview": ("Overview", "总览"),
    "complaints": ("Complaints", "投诉分析"),
    "assembly": ("Assembly guides", "安装指导"),
    "unmet": ("Unmet demand", "未满足需求"),
    "segments": ("Customer segments", "客户分群"),
    "agents": ("Agents", "人工客服"),
    "model": ("AI model", "智能模型"),
}

CHANNEL_LABELS: dict[str, tuple[str, str]] = {
    "kiosk": ("in-store kiosk", "门店自助机"), "laptop": ("computer", "电脑端"), "desk": ("agent desk", "人工客服台"),
}

LANGUAGE_LABELS: dict[str, tuple[str, str]] = {"zh": ("Chinese", "中文"), "en": ("English", "英文")}

def label(table: dict[str, tuple[str, str]], code: str, language: str) -> str:
    """``code`` in words from ``table``; an unknown code is shown as it is (never dropped)."""
    en, zh = table.get(code, (code, code))
    return tr(language, en, zh)


def outcome(code: str, language: str) -> str:
    """How a conversation ended (``ConversationDigest.outcome``), in words."""
    return outcome_name(code, language)


def segment(key: str, language: str) -> str:
    """A segment's name: a price segment, or "mostly buys <category>" for ``category:<code>``."""
    kind, _, code = key.partition(":")
    if kind == "category" and code:
        return tr(language, f"Mostly buys {category(code, language).lower()}", f"主要购买{category(code, language)}")
    return label(SEGMENT_NAMES, key, language)


def intent_name(code: str, language: str) -> str:
    return intent_label(code, language)


def topic(code: str, language: str) -> str:
    return topic_name(code, language)


def cause(value: RootCause, language: str) -> str:
    return cause_name(value, language)


def carrier(code: str, language: str) -> str:
    return carrier_label(code, language)


def category(code: str, language: str) -> str:
    term = CATEGORIES.get(code)
    return term.label(language) if term is not None else code


def percent(value: float) -> str:
    return f"{value:.0%}"


def rate_text(rate: Rate, language: str) -> str:
    """"42% (5 of 12)"; with no denominator "– (0 of 0)", never a made-up 0%."""
    shown = percent(rate.value) if rate.denominator else "–"
    if language == "zh":
        return f"{shown}（{rate.numerator}/{rate.denominator}）"
    return f"{shown} ({rate.numerator} of {rate.denominator})"


def count_of(numerator: int, denominator: int, language: str) -> str:
    return f"{numerator}/{denominator}" if language == "zh" else f"{numerator} of {denominator}"


def stars_text(satisfaction: float | None, rated: int, language: str) -> str:
    if satisfaction is None:
        return tr(language, "no ratings yet", "暂无评分")
    return tr(language, f"{satisfaction:.1f} of 5 stars ({rated} ratings)", f"{satisfaction:.1f} / 5 星（{rated} 个评分）")


def duration_text(seconds: float | None, language: str) -> str:
    """A wait or a step time as a person says it: "45 s", "3 min 05 s", "2 h 10 min"."""
    if seconds is None:
        return "–"
    s = round(seconds)
    if s < 60:
        return tr(language, f"{s} s", f"{s} 秒")
    if s < 3600:
        return tr(language, f"{s // 60} min {s % 60:02d} s", f"{s // 60} 分 {s % 60:02d} 秒")
    return tr(language, f"{s // 3600} h {s % 3600 // 60} min", f"{s // 3600} 小时 {s % 3600 // 60} 分")


def yuan(fen: int | None) -> str:
    return "–" if fen is None else f"¥{fen / 100:,.2f}"


def day_text(day: date, language: str) -> str:
    return f"{day.month}月{day.day}日" if language == "zh" else day.strftime("%d %b")


def when_text(at: datetime, language: str) -> str:
    return f"{at.month}月{at.day}日 {at:%H:%M}" if language == "zh" else at.strftime("%d %b %H:%M")


def period_text(start: date, end: date, language: str) -> str:
    if language == "zh":
        return f"{start.year}年{start.month}月{start.day}日 至 {end.year}年{end.month}月{end.day}日"
    return f"{start:%d %b %Y} to {end:%d %b %Y}"


def period_choice(days: int, language: str) -> str:
    return tr(language, f"Last {days} days", f"近 {days} 天")


def product_name(sku: str, names: dict[str, tuple[str, str]], language: str) -> str:
    """A product by its catalogue name (the SKU only when the catalogue does not know it)."""
    found = names.get(sku)
    return tr(language, *found) if found else sku


def counted(pairs: tuple[tuple[str, int], ...], name: Callable[[str, str], str], language: str,
            limit: int = 3) -> str:
    """"Oak stool ×3, Birch shelf ×1" from (code, count) pairs, each code named by ``name(code, language)``."""
    joined = "、" if language == "zh" else ", "
    return joined.join(f"{name(code, language)} ×{n}" for code, n in pairs[:limit]) or "–"
