"""The shape of one catalog entry, and the builder the catalog tables are written with.

Catalog entries are plain data so the demo store, its tests and any future importer read the
same definitions; attribute values are turned into database rows here, once, so "5000" and
5000.0 cannot drift between the text and numeric columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from desktop_app.core.vocabulary import ATTRIBUTES, CATEGORIES, ENUM_VALUES

#: What a catalog table may write for one attribute: a flag, a number, an enum key, or several keys.
AttrInput = bool | int | float | str | tuple[str, ...]


@dataclass(frozen=True)
class AttrRow:
    """One ``ProductAttribute`` row: ``value`` is what search matches, ``value_num`` what ranges compare."""

    key: str
    value: str
    value_num: float | None = None


@dataclass(frozen=True)
class Brand:
    """A shop brand: its display name, where its goods are made and which warehouse ships them."""

    name: str
    origin: str
    ship_from: str


@dataclass(frozen=True)
class ProductDef:
    sku: str
    category: str
    brand: str
    name_en: str
    name_zh: str
    description_en: str
    description_zh: str
    price_fen: int
    origin_region: str
    ship_from: str
    attributes: tuple[AttrRow, ...]
    #: ``None`` lets the generator draw a believable number from the seeded random source.
    stock: int | None = None
    needs_assembly: bool = False
    final_sale: bool = False

    def values(self, key: str) -> tuple[str, ...]:
        return tuple(a.value for a in self.attributes if a.key == key)

    def has_flag(self, key: str) -> bool:
        return "true" in self.values(key)


def number_text(value: float) -> str:
    """Shortest exact text for a number: 5000 → "5000", 6.7 → "6.7" (never "5000.0")."""
    as_float = float(value)
    return str(int(as_float)) if as_float.is_integer() else repr(as_float)


def attribute_rows(category: str, attrs: dict[str, AttrInput]) -> tuple[AttrRow, ...]:
    """Turn ``fast_charging=True, battery_mah=5000, colour=("black", "blue")`` into rows.

    Raises ``ValueError`` for anything the shared vocabulary does not know or that does not
    belong to the category, so a typo in a catalog table fails at import, not in a search.
    """
    rows: list[AttrRow] = []
    for key, raw in attrs.items():
        spec = ATTRIBUTES.get(key)
        if spec is None:
            raise ValueError(f"unknown attribute {key!r}")
        if spec.categories and category not in spec.categories:
            raise ValueError(f"attribute {key!r} does not apply to category {category!r}")
        if spec.kind == "flag":
            if raw is not True:
                raise ValueError(f"flag {key!r} must be True (omit it when false), got {raw!r}")
            rows.append(AttrRow(key, "true"))
        elif spec.kind == "number":
            if isinstance(raw, bool) or not isinstance(raw, int | float):
                raise ValueError(f"number {key!r} must be int or float, got {raw!r}")
            rows.append(AttrRow(key, number_text(raw), float(raw)))
        else:
            values = raw if isinstance(raw, tuple) else (raw,)
            known = ENUM_VALUES.get(key, {})
            for value in values:
                if not isinstance(value, str) or value not in known:
                    raise ValueError(f"{value!r} is not a known value of {key!r}")
                rows.append(AttrRow(key, value))
    return tuple(rows)


def product(
    category: str,
    sku: str,
    brand: Brand,
    names: tuple[str, str],
    descriptions: tuple[str, str],
    *,
    price: int,
    stock: int | None = None,
    assembly: bool = False,
    final_sale: bool = False,
    **attrs: AttrInput,
) -> ProductDef:
    """Build one entry; ``price`` is in whole yuan because catalog prices are whole-yuan tags."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    return ProductDef(
        sku=sku,
        category=category,
        brand=brand.name,
        name_en=names[0],
        name_zh=names[1],
        description_en=descriptions[0],
        description_zh=descriptions[1],
        price_fen=price * 100,
        origin_region=brand.origin,
        ship_from=brand.ship_from,
        attributes=attribute_rows(category, attrs),
        stock=stock,
        needs_assembly=assembly,
        final_sale=final_sale,
    )
