"""Importing the catalogue from a merchant's CSV: every row validated first, then all applied or none.

A half-imported price list would leave the assistant quoting a mix of old and new prices, so any
bad row stops the whole import, and every bad row is reported on its own line ("row 7: price_yuan
'abc' is not a number") so the merchant fixes the file in one pass. Rows are numbered as a
spreadsheet shows them: the header is row 1.

Products are matched by SKU: a new SKU is created, a known one updated. A price change appends a
``PriceHistory`` row effective now, which price protection reads. In an optional column an empty
cell keeps the stored value (``none`` clears a ``return_exclusion``), so a short price list can be
imported without repeating every description.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop_app.core.clock import Clock
from desktop_app.core.errors import InvalidInput
from desktop_app.core.vocabulary import CATEGORIES
from desktop_app.service.policy import LEGAL_EXCLUSIONS
from desktop_app.service.types import yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import PriceHistory, Product

log = logging.getLogger(__name__)

REQUIRED_COLUMNS = ("sku", "category", "name_en", "name_zh", "brand", "price_yuan", "stock")
OPTIONAL_COLUMNS = ("description_en", "description_zh", "origin_region", "ship_from", "needs_assembly", "final_sale",
                    "return_exclusion")
#: Columns a new product cannot do without (the delivery estimate needs where it ships from).
NEEDED_FOR_NEW = ("origin_region", "ship_from")
_LIMITS = {"sku": 32, "name_en": 200, "name_zh": 200, "brand": 64, "origin_region": 64, "ship_from": 64}
_SKU = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_TRUE = frozenset({"true", "yes", "y", "1", "是", "对"})
_FALSE = frozenset({"false", "no", "n", "0", "否", "不"})
#: Rows reported before the list is cut short (a wrong file would otherwise print thousands).
MAX_REPORTED = 50


@dataclass(frozen=True)
class PriceChange:
    sku: str
    old_fen: int
    new_fen: int


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, with ``dry_run``, would do)."""

    file_name: str
    rows: int
    created: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]
    price_changes: tuple[PriceChange, ...]
    dry_run: bool

    def card_title(self, language: str) -> str:
        if language == "zh":
            return f"商品导入{'预检' if self.dry_run else '完成'}：{self.file_name}"
        return f"Catalogue import {'dry run' if self.dry_run else 'done'}: {self.file_name}"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        would = ("将" if self.dry_run else "已") if zh else ("would be " if self.dry_run else "")
        lines = [f"共 {self.rows} 行：{would}新增 {len(self.created)}，{would}更新 {len(self.updated)}，"
                 f"未变 {len(self.unchanged)}。" if zh else
                 f"{self.rows} rows: {len(self.created)} {would}created, {len(self.updated)} {would}updated, "
                 f"{len(self.unchanged)} unchanged."]
        for change in self.price_changes:
            lines.append(f"{change.sku}：{yuan(change.old_fen)} → {yuan(change.new_fen)}" if zh else
                         f"{change.sku}: {yuan(change.old_fen)} → {yuan(change.new_fen)}")
        if self.dry_run:
            lines.append("预检模式，未写入任何数据。" if zh else "Dry run: nothing was written.")
        return tuple(lines)


@dataclass(frozen=True)
class _Row:
    line: int
    sku: str
    category: str
    name_en: str
    name_zh: str
    brand: str
    price_fen: int
    stock: int
    #: Optional columns given a value in this row (absent: keep what is stored).
    extra: tuple[tuple[str, Any], ...]


class _RowReader:
    """Validates one row, collecting every problem with its row number."""

    def __init__(self, line: int, cells: dict[str, str], errors: list[str]) -> None:
        self.line, self.cells, self.errors = line, cells, errors
        self.ok = True

    def err(self, message: str) -> None:
        self.ok = False
        self.errors.append(f"row {self.line}: {message}")

    def text(self, column: str, *, required: bool) -> str | None:
        value = (self.cells.get(column) or "").strip()
        if not value:
            if required:
                self.err(f"{column} is empty")
            return None
        limit = _LIMITS.get(column)
        if limit is not None and len(value) > limit:
            self.err(f"{column} is longer than {limit} characters")
            return None
        return value

    def price(self) -> int:
        raw = (self.cells.get("price_yuan") or "").strip()
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self.err(f"price_yuan {raw!r} is not a number")
            return 0
        if not value.is_finite():
            self.err(f"price_yuan {raw!r} is not a number")
            return 0
        if value <= 0:
            self.err(f"price_yuan {raw!r} must be more than 0")
            return 0
        if value >= Decimal(10_000_000):
            self.err(f"price_yuan {raw!r} is too large")
            return 0
        if value != value.quantize(Decimal("0.01")):
            self.err(f"price_yuan {raw!r} has more than 2 decimals")
            return 0
        return int(value * 100)

    def stock(self) -> int:
        raw = (self.cells.get("stock") or "").strip()
        if not re.fullmatch(r"[+-]?\d+", raw):
            self.err(f"stock {raw!r} is not a whole number")
            return 0
        value = int(raw)
        if value < 0:
            self.err(f"stock {raw!r} must be 0 or more")
            return 0
        return value

    def flag(self, column: str) -> bool | None:
        raw = (self.cells.get(column) or "").strip()
        if not raw:
            return None
        if raw.lower() in _TRUE:
            return True
        if raw.lower() in _FALSE:
            return False
        self.err(f"{column} {raw!r} must be true or false")
        return None

    def exclusion(self) -> tuple[bool, str | None]:
        """(given, value): ``none`` clears, an empty cell keeps."""
        raw = (self.cells.get("return_exclusion") or "").strip()
        if not raw:
            return False, None
        if raw.lower() == "none":
            return True, None
        if raw not in LEGAL_EXCLUSIONS:
            self.err(f"return_exclusion {raw!r} is not one of {', '.join(LEGAL_EXCLUSIONS)} (or none)")
            return False, None
        return True, raw


def parse_catalog_csv(text: str) -> tuple[list[_Row], list[str]]:
    """The valid rows and one line per problem; any problem means nothing may be imported."""
    errors: list[str] = []
    reader = csv.reader(io.StringIO(text))
    header_cells = next(reader, None)
    if header_cells is None or not any(c.strip() for c in header_cells):
        return [], ["the file is empty (it needs a header row: " + ",".join(REQUIRED_COLUMNS) + ")"]
    header = [c.strip().lower() for c in header_cells]
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        errors.append(f"row 1: missing column(s) {', '.join(missing)}")
    errors += [f"row 1: unknown column {c!r}" for c in header if c and c not in known]
    errors += [f"row 1: column {c!r} appears twice" for c in sorted({c for c in header if header.count(c) > 1})]
    if errors:
        return [], errors
    rows: list[_Row] = []
    first_line: dict[str, int] = {}
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(errors) >= MAX_REPORTED:
            errors.append(f"... more rows not checked (stopped after {MAX_REPORTED} problems)")
            break
        if len(cells) != len(header):
            errors.append(f"row {line}: has {len(cells)} cells, the header has {len(header)}")
            continue
        r = _RowReader(line, dict(zip(header, cells, strict=True)), errors)
        sku = r.text("sku", required=True)
        if sku is not None and not _SKU.match(sku):
            r.err(f"sku {sku!r} may only hold letters, digits, '.', '_' and '-'")
        if sku is not None and sku in first_line:
            r.err(f"sku {sku!r} already appears in row {first_line[sku]}")
        elif sku is not None:
            first_line[sku] = line
        category = r.text("category", required=True)
        if category is not None and category not in CATEGORIES:
            r.err(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
        name_en, name_zh = r.text("name_en", required=True), r.text("name_zh", required=True)
        brand = r.text("brand", required=True)
        price, stock = r.price(), r.stock()
        extra: list[tuple[str, Any]] = []
        for column in ("description_en", "description_zh", "origin_region", "ship_from"):
            value = r.text(column, required=False)
            if value is not None:
                extra.append((column, value))
        for column in ("needs_assembly", "final_sale"):
            flag = r.flag(column)
            if flag is not None:
                extra.append((column, flag))
        given, exclusion = r.exclusion()
        if given:
            extra.append(("return_exclusion", exclusion))
        if r.ok:
            assert sku and category and name_en and name_zh and brand
            rows.append(_Row(line, sku, category, name_en, name_zh, brand, price, stock, tuple(extra)))
    if not rows and not errors:
        errors.append("the file has a header but no rows")
    return rows, errors


class CatalogImporter:
    """Upserts products by SKU from a CSV, all or nothing; built from the store and the clock alone."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    def import_file(self, path: Path, *, dry_run: bool = False) -> ImportReport:
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except OSError as exc:
            raise InvalidInput(f"Cannot read {path.name}: {exc.strerror or exc}",
                               message_zh=f"无法读取文件 {path.name}。") from None
        except UnicodeDecodeError:
            raise InvalidInput(f"{path.name} is not UTF-8 text; save the CSV as UTF-8 and try again.",
                               message_zh=f"{path.name} 不是 UTF-8 编码，请另存为 UTF-8 格式的 CSV 后重试。") from None
        return self.import_text(text, file_name=path.name, dry_run=dry_run)

    def import_text(self, text: str, *, file_name: str = "catalog.csv", dry_run: bool = False) -> ImportReport:
        rows, errors = parse_catalog_csv(text)
        with self._db.session() as s:
            existing = {p.sku: p for p in s.scalars(select(Product).where(Product.sku.in_([r.sku for r in rows])))}
            for row in rows:
                if row.sku not in existing:
                    given = dict(row.extra)
                    missing = [c for c in NEEDED_FOR_NEW if not given.get(c)]
                    if missing:
                        errors.append(f"row {row.line}: {', '.join(missing)} needed for the new product {row.sku}")
            if errors:
                bad = sum(1 for e in errors if e.startswith("row "))
                raise InvalidInput(
                    f"{file_name}: {bad} problem(s); nothing was imported.\n" + "\n".join(errors),
                    message_zh=f"{file_name}：发现 {bad} 处问题，未导入任何数据。\n" + "\n".join(errors))
            now = self._clock.now()
            created, updated, unchanged, changes = [], [], [], []
            for row in rows:
                product = existing.get(row.sku)
                if product is None:
                    created.append(row.sku)
                    if not dry_run:
                        product = _new_product(row)
                        s.add(product)
                        s.flush()
                        s.add(PriceHistory(product_id=product.id, price_fen=row.price_fen, effective_at=now))
                    continue
                old_price = product.price_fen
                if _apply(product, row, write=not dry_run):
                    updated.append(row.sku)
                else:
                    unchanged.append(row.sku)
                if row.price_fen != old_price:
                    changes.append(PriceChange(row.sku, old_price, row.price_fen))
                    if not dry_run:
                        s.add(PriceHistory(product_id=product.id, price_fen=row.price_fen, effective_at=now))
            if dry_run:
                s.rollback()
        log.info("catalogue import %s: %d created, %d updated, %d price changes%s", file_name, len(created),
                 len(updated), len(changes), " (dry run)" if dry_run else "")
        return ImportReport(file_name, len(rows), tuple(created), tuple(updated), tuple(unchanged), tuple(changes),
                            dry_run)


def _values(row: _Row) -> dict[str, Any]:
    values: dict[str, Any] = {"category": row.category, "name_en": row.name_en, "name_zh": row.name_zh,
                              "brand": row.brand, "price_fen": row.price_fen, "stock": row.stock}
    values.update(dict(row.extra))
    return values


def _apply(product: Product, row: _Row, *, write: bool) -> bool:
    """Whether the row changes the product; writes the changes unless ``write`` is False."""
    changed = False
    for column, value in _values(row).items():
        if getattr(product, column) != value:
            changed = True
            if write:
                setattr(product, column, value)
    return changed


def _new_product(row: _Row) -> Product:
    values = {"description_en": "", "description_zh": "", "needs_assembly": False, "final_sale": False,
              "return_exclusion": None, "rating": 0.0, "rating_count": 0, "sales_count": 0}
    values.update(_values(row))
    return Product(sku=row.sku, **values)
