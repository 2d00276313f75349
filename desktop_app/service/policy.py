"""The store's after-sales rules, read from a policy file (TOML) and validated before use.

Rules are data so a merchant changes an answer without a code change, and so the FAQ answers and
the decisions read the same numbers and can never disagree. A file with mistakes is refused as a
whole, with one line per mistake naming the key (``returns.no_reason_days: must be ≥ 0``).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import Any

from desktop_app.core.errors import InvalidInput

#: Reasons the law names for never allowing a no-reason return; a product's ``return_exclusion``.
LEGAL_EXCLUSIONS = ("custom_made", "perishable", "digital", "periodical")


@dataclass(frozen=True)
class ReturnRules:
    no_reason_days: int = 7
    quality_return_days: int = 7
    quality_exchange_days: int = 15
    refund_days: int = 7
    buyer_pays_no_reason_shipping: bool = True
    never_no_reason: frozenset[str] = frozenset(LEGAL_EXCLUSIONS)
    opened_not_returnable_categories: frozenset[str] = frozenset({"skincare"})
    final_sale_no_reason: bool = False


@dataclass(frozen=True)
class OrderRules:
    ship_within_hours: int = 48
    refund_days_after_cancel: int = 1
    intercept_fee_fen: int = 1200


@dataclass(frozen=True)
class ShippingRules:
    free_over_fen: int = 9900
    base_fee_fen: int = 800
    remote_regions: frozenset[str] = frozenset()
    remote_fee_fen: int = 2000
    remote_free_over_fen: int = 29900


@dataclass(frozen=True)
class PriceProtectionRules:
    window_days: int = 30
    excluded_categories: frozenset[str] = frozenset()
    coupons_count: bool = True


@dataclass(frozen=True)
class WarrantyRules:
    months: tuple[tuple[str, int], ...] = ()
    phone_battery_months: int = 6
    failed_repairs_before_exchange: int = 2

    def months_for(self, category: str) -> int:
        return dict(self.months).get(category, 0)


@dataclass(frozen=True)
class Slot:
    start: time
    end: time

    def label(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class InstallationRules:
    categories: frozenset[str] = frozenset({"furniture"})
    days_ahead: int = 14
    slots: tuple[Slot, ...] = ()
    per_slot_capacity: int = 3


@dataclass(frozen=True)
class SizeRow:
    category: str
    size: str
    height_cm: tuple[float, float]
    weight_kg: tuple[float, float]


@dataclass(frozen=True)
class Policy:
    returns: ReturnRules = field(default_factory=ReturnRules)
    orders: OrderRules = field(default_factory=OrderRules)
    shipping: ShippingRules = field(default_factory=ShippingRules)
    price_protection: PriceProtectionRules = field(default_factory=PriceProtectionRules)
    warranty: WarrantyRules = field(default_factory=WarrantyRules)
    installation: InstallationRules = field(default_factory=InstallationRules)
    size_chart: tuple[SizeRow, ...] = ()

    def sizes_for(self, category: str) -> tuple[SizeRow, ...]:
        return tuple(r for r in self.size_chart if r.category == category)


class _Reader:
    """Reads one table of the file, collecting every mistake instead of stopping at the first."""

    def __init__(self, data: dict[str, Any], section: str, errors: list[str]) -> None:
        raw = data.get(section, {})
        if not isinstance(raw, dict):
            errors.append(f"{section}: must be a table")
            raw = {}
        self._raw, self._section, self._errors = raw, section, errors

    def _err(self, key: str, message: str) -> None:
        self._errors.append(f"{self._section}.{key}: {message}")

    def int(self, key: str, default: int, *, low: int = 0, high: int = 10**9) -> int:
        value = self._raw.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self._err(key, f"must be a whole number, not {value!r}")
            return default
        if not low <= value <= high:
            self._err(key, f"must be between {low} and {high}, not {value}")
            return default
        return value

    def bool(self, key: str, default: bool) -> bool:
        value = self._raw.get(key, default)
        if not isinstance(value, bool):
            self._err(key, f"must be true or false, not {value!r}")
            return default
        return value

    def words(self, key: str, default: frozenset[str], *, allowed: tuple[str, ...] | None = None) -> frozenset[str]:
        value = self._raw.get(key, sorted(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self._err(key, "must be a list of names")
            return default
        if allowed is not None:
            unknown = [v for v in value if v not in allowed]
            if unknown:
                self._err(key, f"unknown {', '.join(unknown)} (allowed: {', '.join(allowed)})")
                return default
        return frozenset(v.strip() for v in value)

    def table(self, key: str) -> dict[str, Any]:
        value = self._raw.get(key, {})
        if not isinstance(value, dict):
            self._err(key, "must be a table")
            return {}
        return value

    def unknown_keys(self, known: set[str]) -> None:
        for key in sorted(set(self._raw) - known):
            self._err(key, "unknown setting")


def _slot(text: object) -> Slot | None:
    if not isinstance(text, str) or "-" not in text:
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-", 1))
    except ValueError:
        return None
    return Slot(start, end) if start < end else None


def _range(value: object) -> tuple[float, float] | None:
    if (isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) and not isinstance(v, bool)
                                                              for v in value) and 0 < value[0] < value[1]):
        return float(value[0]), float(value[1])
    return None


def parse_policy(data: dict[str, Any]) -> Policy:
    """Build a policy from parsed TOML; raises ``InvalidInput`` listing every mistake."""
    errors: list[str] = []
    sections = {"returns", "orders", "shipping", "price_protection", "warranty", "installation", "size_chart"}
    errors.extend(f"{key}: unknown section" for key in sorted(set(data) - sections))

    r = _Reader(data, "returns", errors)
    returns = ReturnRules(
        no_reason_days=r.int("no_reason_days", 7, high=365),
        quality_return_days=r.int("quality_return_days", 7, high=365),
        quality_exchange_days=r.int("quality_exchange_days", 15, high=365),
        refund_days=r.int("refund_days", 7, low=1, high=60),
        buyer_pays_no_reason_shipping=r.bool("buyer_pays_no_reason_shipping", True),
        never_no_reason=r.words("never_no_reason", frozenset(LEGAL_EXCLUSIONS), allowed=LEGAL_EXCLUSIONS),
        opened_not_returnable_categories=r.words("opened_not_returnable_categories", frozenset({"skincare"})),
        final_sale_no_reason=r.bool("final_sale_no_reason", False),
    )
    r.unknown_keys({f for f in ReturnRules.__dataclass_fields__})

    o = _Reader(data, "orders", errors)
    orders = OrderRules(ship_within_hours=o.int("ship_within_hours", 48, low=1, high=24 * 30),
                        refund_days_after_cancel=o.int("refund_days_after_cancel", 1, high=60),
                        intercept_fee_fen=o.int("intercept_fee_fen", 1200))
    o.unknown_keys({f for f in OrderRules.__dataclass_fields__})

    sh = _Reader(data, "shipping", errors)
    shipping = ShippingRules(free_over_fen=sh.int("free_over_fen", 9900), base_fee_fen=sh.int("base_fee_fen", 800),
                             remote_regions=sh.words("remote_regions", frozenset()),
                             remote_fee_fen=sh.int("remote_fee_fen", 2000),
                             remote_free_over_fen=sh.int("remote_free_over_fen", 29900))
    sh.unknown_keys({f for f in ShippingRules.__dataclass_fields__})

    pp = _Reader(data, "price_protection", errors)
    price_protection = PriceProtectionRules(window_days=pp.int("window_days", 30, high=365),
                                            excluded_categories=pp.words("excluded_categories", frozenset()),
                                            coupons_count=pp.bool("coupons_count", True))
    pp.unknown_keys({f for f in PriceProtectionRules.__dataclass_fields__})

    w = _Reader(data, "warranty", errors)
    months: list[tuple[str, int]] = []
    for cat_name, value in sorted(w.table("months").items()):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 240:
            errors.append(f"warranty.months.{cat_name}: must be a whole number of months (0-240), not {value!r}")
        else:
            months.append((cat_name, value))
    warranty = WarrantyRules(months=tuple(months), phone_battery_months=w.int("phone_battery_months", 6, high=240),
                             failed_repairs_before_exchange=w.int("failed_repairs_before_exchange", 2, low=1, high=10))
    w.unknown_keys({"months", "phone_battery_months", "failed_repairs_before_exchange"})

    i = _Reader(data, "installation", errors)
    raw_slots = data.get("installation", {}).get("slots", ["09:00-12:00", "14:00-18:00"]) \
        if isinstance(data.get("installation", {}), dict) else []
    slots: list[Slot] = []
    for n, text in enumerate(raw_slots if isinstance(raw_slots, list) else [raw_slots], start=1):
        slot = _slot(text)
        if slot is None:
            errors.append(f"installation.slots[{n}]: must look like \"09:00-12:00\", not {text!r}")
        else:
            slots.append(slot)
    installation = InstallationRules(categories=i.words("categories", frozenset({"furniture"})),
                                     days_ahead=i.int("days_ahead", 14, low=1, high=90), slots=tuple(slots),
                                     per_slot_capacity=i.int("per_slot_capacity", 3, low=1, high=1000))
    i.unknown_keys({"categories", "days_ahead", "slots", "per_slot_capacity"})

    rows: list[SizeRow] = []
    chart = data.get("size_chart", [])
    for n, row in enumerate(chart if isinstance(chart, list) else [chart], start=1):
        where = f"size_chart[{n}]"
        if not isinstance(row, dict):
            errors.append(f"{where}: must be a table")
            continue
        height, weight = _range(row.get("height_cm")), _range(row.get("weight_kg"))
        category: object = row.get("category")
        size: object = row.get("size")
        problems = [name for name, ok in (("category", isinstance(category, str) and category),
                                          ("size", isinstance(size, str) and size),
                                          ("height_cm", height), ("weight_kg", weight)) if not ok]
        if problems:
            errors.append(f"{where}: missing or invalid {', '.join(problems)} (ranges are [low, high])")
            continue
        assert isinstance(category, str) and isinstance(size, str) and height and weight
        rows.append(SizeRow(category, size, height, weight))

    if errors:
        raise InvalidInput("The policy file has mistakes:\n" + "\n".join(errors),
                           message_zh="规则文件有误：\n" + "\n".join(errors))
    return Policy(returns=returns, orders=orders, shipping=shipping, price_protection=price_protection,
                  warranty=warranty, installation=installation, size_chart=tuple(rows))


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file; every problem is one line of an ``InvalidInput``."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidInput(f"Cannot read the policy file {path.name}: {exc.strerror or exc}",
                           message_zh=f"无法读取规则文件 {path.name}。") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"The policy file {path.name} is not valid TOML: {exc}",
                           message_zh=f"规则文件 {path.name} 格式错误：{exc}") from None
    return parse_policy(data)
