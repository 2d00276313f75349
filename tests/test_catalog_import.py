"""Catalogue import from CSV: all rows or none, each bad row named, prices with their history, and
the assistant answering from the imported data with no code change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop_app.core.errors import InvalidInput
from desktop_app.service.catalog_import import CatalogImporter
from desktop_app.service.types import FactCard
from desktop_app.store.schema import PriceHistory, Product

HEADER = "sku,category,name_en,name_zh,brand,price_yuan,stock"
LUMIO = "PHN-LUM-A5,phone,Lumio A5 smartphone,Lumio A5 智能手机,Lumio"


def _write(tmp_path: Path, text: str, name: str = "catalog.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _product(app, sku):
    with app.db.session() as s:
        p = s.scalar(select(Product).where(Product.sku == sku))
        s.expunge_all()
        return p


def _history(app, sku) -> list[tuple[int, object]]:
    with app.db.session() as s:
        rows = s.execute(select(PriceHistory.price_fen, PriceHistory.effective_at).join(Product)
                         .where(Product.sku == sku).order_by(PriceHistory.id)).all()
        return [(r[0], r[1]) for r in rows]


def _count_products(app) -> int:
    with app.db.session() as s:
        return int(s.scalar(select(func.count()).select_from(Product)) or 0)


def test_a_price_change_is_imported_with_history_and_the_assistant_quotes_it(app, tmp_path):
    before = _history(app, "PHN-LUM-A5")
    path = _write(tmp_path, f"{HEADER}\n{LUMIO},459.50,80\n")
    report = CatalogImporter(app.db, app.clock).import_file(path)
    assert report.updated == ("PHN-LUM-A5",) and not report.created
    assert [(c.old_fen, c.new_fen) for c in report.price_changes] == [(before[-1][0], 45950)]
    product = _product(app, "PHN-LUM-A5")
    assert product.price_fen == 45950 and product.stock == 80
    after = _history(app, "PHN-LUM-A5")
    assert len(after) == len(before) + 1 and after[-1][0] == 45950
    assert abs((after[-1][1] - app.clock.now()).total_seconds()) < 60
    st = app.assistant.new_session(language="zh")
    assert "¥459.50" in app.assistant.ask(st, "Lumio A5 智能手机多少钱").reply.text
    st = app.assistant.new_session(language="en")
    assert "¥459.50" in app.assistant.ask(st, "how much is the Lumio A5 smartphone?").reply.text


def test_reimporting_the_same_file_changes_nothing(app, tmp_path):
    path = _write(tmp_path, f"{HEADER}\n{LUMIO},459.50,80\n")
    importer = CatalogImporter(app.db, app.clock)
    importer.import_file(path)
    history = _history(app, "PHN-LUM-A5")
    again = importer.import_file(path)
    assert again.unchanged == ("PHN-LUM-A5",) and not again.updated and not again.price_changes
    assert _history(app, "PHN-LUM-A5") == history


def test_a_new_product_with_every_column(app, tmp_path):
    header = HEADER + ",description_en,description_zh,origin_region,ship_from,needs_assembly,final_sale,return_exclusion"
    row = ("SKN-CUSTOM-1,skincare,Made-to-order serum,定制精华,Petalune,299,5,Mixed for you,按肤质调配,云南,昆明,"
           "no,false,custom_made")
    report = CatalogImporter(app.db, app.clock).import_file(_write(tmp_path, f"{header}\n{row}\n"))
    assert report.created == ("SKN-CUSTOM-1",)
    product = _product(app, "SKN-CUSTOM-1")
    assert product.price_fen == 29900 and product.ship_from == "昆明" and product.return_exclusion == "custom_made"
    assert _history(app, "SKN-CUSTOM-1")[0][0] == 29900
    assert app.catalog.answer("SKN-CUSTOM-1").product.summary.price_fen == 29900
    assert app.returns.product_facts("SKN-CUSTOM-1").return_exclusion == "custom_made"


def test_any_bad_row_imports_nothing_and_each_is_reported(app, tmp_path):
    count, price = _count_products(app), _product(app, "PHN-LUM-A5").price_fen
    text = (f"{HEADER}\n{LUMIO},459,80\n"                               # row 2: fine
            "NEW-1,toys,Toy,,Brand,abc,-1\n"                            # row 3: four problems
            "NEW-2,phone,Phone,手机,Brand,12.345,3.5\n"                 # row 4: decimals, stock
            f"{LUMIO},0,1\n"                                            # row 5: duplicate sku, price 0
            "NEW-3,phone,Phone,手机,Brand,10,1\n")                      # row 6: new without ship_from
    with pytest.raises(InvalidInput) as info:
        CatalogImporter(app.db, app.clock).import_file(_write(tmp_path, text))
    lines = info.value.message.splitlines()
    assert "nothing was imported" in lines[0]
    for expected in ("row 3: category 'toys' is not one of", "row 3: name_zh is empty",
                     "row 3: price_yuan 'abc' is not a number", "row 3: stock '-1' must be 0 or more",
                     "row 4: price_yuan '12.345' has more than 2 decimals", "row 4: stock '3.5' is not a whole number",
                     "row 5: sku 'PHN-LUM-A5' already appears in row 2", "row 5: price_yuan '0' must be more than 0",
                     "row 6: origin_region, ship_from needed for the new product NEW-3"):
        assert any(line.startswith(expected) for line in lines), (expected, lines)
    assert not any(line.startswith("row 2") for line in lines)
    assert "未导入任何数据" in info.value.message_zh
    assert _count_products(app) == count and _product(app, "PHN-LUM-A5").price_fen == price


@pytest.mark.parametrize("text, message", [
    ("", "the file is empty"),
    ("sku,category,name_en\nX,phone,Y\n", "missing column(s) name_zh, brand, price_yuan, stock"),
    (f"{HEADER},colour\n{LUMIO},1,1,red\n", "unknown column 'colour'"),
    (f"{HEADER}\n", "no rows"),
    (f"{HEADER}\n{LUMIO},1\n", "row 2: has 6 cells, the header has 7"),
    (f"{HEADER},return_exclusion\n{LUMIO},1,1,fragile\n", "return_exclusion 'fragile' is not one of"),
    (f"{HEADER},final_sale\n{LUMIO},1,1,maybe\n", "final_sale 'maybe' must be true or false"),
])
def test_malformed_files_are_refused(app, tmp_path, text, message):
    with pytest.raises(InvalidInput) as info:
        CatalogImporter(app.db, app.clock).import_file(_write(tmp_path, text))
    assert message in info.value.message


def test_a_file_that_is_not_utf8_is_refused(app, tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(f"{HEADER}\n{LUMIO},1,1\n".encode("gbk"))
    with pytest.raises(InvalidInput, match="not UTF-8"):
        CatalogImporter(app.db, app.clock).import_file(path)


def test_a_utf8_bom_and_blank_lines_are_fine(app, tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes(f"\ufeff{HEADER}\n\n{LUMIO},588,10\n\n".encode())
    assert CatalogImporter(app.db, app.clock).import_file(path).price_changes[0].new_fen == 58800


def test_dry_run_writes_nothing(app, tmp_path):
    price, history = _product(app, "PHN-LUM-A5").price_fen, _history(app, "PHN-LUM-A5")
    text = f"{HEADER},origin_region,ship_from\n{LUMIO},400,1,,\nNEW-9,phone,New,新品,Lumio,1,1,广东,深圳\n"
    report = CatalogImporter(app.db, app.clock).import_file(_write(tmp_path, text), dry_run=True)
    assert report.dry_run and report.created == ("NEW-9",) and report.updated == ("PHN-LUM-A5",)
    assert isinstance(report, FactCard) and "Dry run" in report.card_lines("en")[-1]
    assert _product(app, "PHN-LUM-A5").price_fen == price and _history(app, "PHN-LUM-A5") == history
    assert _product(app, "NEW-9") is None


# -- the command ---------------------------------------------------------------------------------


def test_catalog_import_command(cli, tmp_path):
    good = _write(tmp_path, f"{HEADER}\n{LUMIO},499,10\n")
    code, out, _ = cli("--lang", "en", "catalog", "import", str(good), "--dry-run")
    assert code == 0 and "dry run" in out and "¥499.00" in out
    code, out, _ = cli("catalog", "import", str(good), "--json")
    data = json.loads(out)
    assert code == 0 and data["updated"] == ["PHN-LUM-A5"] and data["price_changes"][0]["new_fen"] == 49900
    code, out, _ = cli("--lang", "en", "product", "PHN-LUM-A5")
    assert "¥499.00" in out
    bad = _write(tmp_path, f"{HEADER}\n{LUMIO},abc,10\n{LUMIO},1,x\n", "bad.csv")
    code, out, err = cli("catalog", "import", str(bad))
    assert code != 0 and out == "" and "Traceback" not in err
    assert "row 2: price_yuan 'abc' is not a number" in err and "row 3: stock 'x' is not a whole number" in err
    code, _, err = cli("catalog", "import", str(tmp_path / "missing.csv"))
    assert code != 0 and "Cannot read" in err
