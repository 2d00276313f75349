"""A clean picture for every product card, drawn from what the product is (nothing downloaded).

Customers scan a list by its pictures before its words. The store has no product photos and the
app may download nothing, so each product gets a flat illustration of its kind (a tent, a phone, a
bookshelf …) on its category's colour, drawn once per kind and size with QPainter and cached. An
imported product gets one too, since the drawing needs only its category and name.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

#: Category colours: soft, distinct, readable under a white glyph.
COLOURS = {"furniture": "#b7865b", "phone": "#4f6d8f", "smartwatch": "#5b7f6e", "skincare": "#c78a9a",
           "camping": "#5f8a4c", "apparel": "#7a6aa8"}
#: The first of these words in a product's English name decides its picture (else its category's).
KINDS = (("headlamp", "lamp"), ("lamp", "lamp"), ("lantern", "lamp"), ("light", "lamp"), ("tent", "tent"),
         ("chair", "chair"), ("stool", "stool"), ("table", "table"), ("desk", "table"), ("bookshelf", "shelf"),
         ("shelf", "shelf"), ("bookcase", "shelf"), ("wardrobe", "shelf"), ("cabinet", "shelf"),
         ("bed", "bed"), ("sofa", "bed"), ("bench", "bed"), ("bag", "bag"), ("backpack", "bag"),
         ("sleeping", "bag"), ("shoe", "shoe"), ("sneaker", "shoe"), ("boot", "shoe"), ("watch", "watch"),
         ("band", "watch"), ("phone", "phone"), ("jacket", "shirt"), ("shirt", "shirt"), ("tee", "shirt"),
         ("hoodie", "shirt"), ("dress", "shirt"), ("pants", "pants"), ("trousers", "pants"), ("jeans", "pants"),
         ("shorts", "pants"), ("mask", "jar"), ("cream", "jar"), ("balm", "jar"), ("serum", "bottle"),
         ("toner", "bottle"), ("cleanser", "bottle"), ("lotion", "bottle"), ("sunscreen", "bottle"))
CATEGORY_KINDS = {"furniture": "shelf", "phone": "phone", "smartwatch": "watch", "skincare": "bottle",
                  "camping": "tent", "apparel": "shirt"}


def product_kind(category: str, name_en: str) -> str:
    """What to draw: a word in the product's name, else its category's usual item."""
    words = name_en.lower()
    for word, kind in KINDS:
        if word in words:
            return kind
    return CATEGORY_KINDS.get(category, "box")


def product_pixmap(category: str, name_en: str, size: int = 56) -> QPixmap:
    """The picture for one product (a cached pixmap; call on the GUI thread)."""
    return _drawn(category, product_kind(category, name_en), size)


@cache
def _drawn(category: str, kind: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOURS.get(category, "#8a919a")))
    painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.22, size * 0.22)
    painter.scale(size / 100, size / 100)  # glyphs are drawn on a 100 × 100 grid
    pen = QPen(QColor("#ffffff"), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    GLYPHS.get(kind, _box)(painter)
    painter.end()
    return pixmap


def _poly(painter: QPainter, *points: tuple[float, float], closed: bool = True) -> None:
    polygon = QPolygonF([QPointF(x, y) for x, y in points])
    if closed:
        painter.drawPolygon(polygon)
    else:
        painter.drawPolyline(polygon)


def _phone(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(32, 16, 36, 68), 7, 7)
    p.drawLine(QPointF(45, 74), QPointF(55, 74))


def _watch(p: QPainter) -> None:
    p.drawRect(QRectF(40, 12, 20, 16))
    p.drawRect(QRectF(40, 72, 20, 16))
    p.drawEllipse(QPointF(50, 50), 22, 22)
    p.drawLine(QPointF(50, 50), QPointF(50, 38))
    p.drawLine(QPointF(50, 50), QPointF(59, 55))


def _bottle(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(34, 38, 32, 48), 6, 6)
    p.drawRect(QRectF(42, 26, 16, 12))
    p.drawRect(QRectF(40, 14, 20, 12))


def _jar(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(24, 44, 52, 36), 8, 8)
    p.drawRect(QRectF(28, 30, 44, 14))


def _tent(p: QPainter) -> None:
    _poly(p, (14, 80), (50, 20), (86, 80))
    _poly(p, (42, 80), (50, 58), (58, 80), closed=False)


def _lamp(p: QPainter) -> None:
    p.drawEllipse(QPointF(50, 46), 16, 16)
    for dx, dy in ((0, -28), (20, -20), (28, 0), (-20, -20), (-28, 0)):
        p.drawLine(QPointF(50 + dx * 0.75, 46 + dy * 0.75), QPointF(50 + dx, 46 + dy))
    p.drawRect(QRectF(42, 64, 16, 16))


def _chair(p: QPainter) -> None:
    _poly(p, (34, 18), (34, 56), (70, 56), closed=False)
    p.drawLine(QPointF(34, 56), QPointF(34, 84))
    p.drawLine(QPointF(70, 56), QPointF(70, 84))


def _stool(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(24, 30, 52, 10), 4, 4)
    _poly(p, (32, 40), (24, 82), closed=False)
    _poly(p, (68, 40), (76, 82), closed=False)
    p.drawLine(QPointF(29, 64), QPointF(71, 64))


def _table(p: QPainter) -> None:
    p.drawLine(QPointF(12, 38), QPointF(88, 38))
    p.drawLine(QPointF(20, 38), QPointF(20, 80))
    p.drawLine(QPointF(80, 38), QPointF(80, 80))


def _shelf(p: QPainter) -> None:
    p.drawRect(QRectF(26, 12, 48, 76))
    for y in (37, 62):
        p.drawLine(QPointF(26, y), QPointF(74, y))


def _bed(p: QPainter) -> None:
    p.drawRect(QRectF(12, 48, 76, 20))
    p.drawLine(QPointF(12, 34), QPointF(12, 80))
    p.drawLine(QPointF(88, 48), QPointF(88, 80))
    p.drawRoundedRect(QRectF(18, 38, 20, 10), 4, 4)


def _bag(p: QPainter) -> None:
    p.drawRoundedRect(QRectF(26, 32, 48, 52), 10, 10)
    path = QPainterPath(QPointF(38, 32))
    path.cubicTo(QPointF(38, 14), QPointF(62, 14), QPointF(62, 32))
    p.drawPath(path)


def _shirt(p: QPainter) -> None:
    _poly(p, (36, 18), (18, 30), (26, 46), (34, 42), (34, 84), (66, 84), (66, 42), (74, 46), (82, 30), (64, 18),
          (56, 26), (44, 26))


def _pants(p: QPainter) -> None:
    _poly(p, (30, 16), (70, 16), (74, 84), (56, 84), (50, 40), (44, 84), (26, 84))


def _shoe(p: QPainter) -> None:
    _poly(p, (14, 66), (16, 42), (36, 42), (50, 56), (82, 62), (86, 76), (14, 76))


def _box(p: QPainter) -> None:
    p.drawRect(QRectF(24, 30, 52, 46))
    _poly(p, (24, 30), (50, 18), (76, 30), closed=False)


GLYPHS: dict[str, Callable[[QPainter], None]] = {
    "phone": _phone, "watch": _watch, "bottle": _bottle, "jar": _jar, "tent": _tent, "lamp": _lamp,
    "chair": _chair, "stool": _stool, "table": _table, "shelf": _shelf, "bed": _bed, "bag": _bag,
    "shirt": _shirt, "pants": _pants, "shoe": _shoe, "box": _box,
}
