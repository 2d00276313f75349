"""The command line as scripts use it: JSON out, one clear line and a non-zero exit on errors."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop_app.store.schema import Customer


def _c001_delivered(app):
    view = next(v for v in app.orders.orders_of("C001") if v.status.value == "delivered")
    with app.db.session() as s:
        phone = s.scalar(select(Customer.phone).where(Customer.code == "C001"))
    return view, phone[-4:]


def test_orders_show_json_and_text(cli, app):
    view, last4 = _c001_delivered(app)
    code, out, _ = cli("orders", "show", view.order_number, "--phone-last4", last4, "--json")
    data = json.loads(out)
    assert code == 0 and data["order_number"] == view.order_number and data["timeline"]
    code, out, _ = cli("--lang", "zh", "orders", "show", view.order_number, "--phone-last4", last4)
    assert code == 0 and "已签收" in out


@pytest.mark.parametrize("argv, message", [
    (("orders", "show", "9999999999999999", "--phone-last4", "1234"), "could not verify"),
    (("orders", "show", "abc", "--phone-last4", "1234"), "16 digits"),
    (("search", "--attr", "warp_drive"), "Unknown attribute"),
    (("search", "--max-price", "cheap"), "Not a price"),
    (("recommend", "C999"), "Unknown customer"),
    (("product", "NOPE"), "No product"),
    (("privacy", "delete", "C001"), "--yes"),
])
def test_errors_print_one_line_and_fail(cli, argv, message):
    code, out, err = cli(*argv)
    assert code != 0 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_someone_elses_order_is_refused(cli, app):
    view, last4 = _c001_delivered(app)
    code, _, err = cli("orders", "show", view.order_number, "--phone-last4", f"{(int(last4) + 1) % 10000:04d}")
    assert code == 1 and "could not verify" in err


def test_search_with_filters(cli):
    code, out, _ = cli("search", "--category", "phone", "--min-price", "500", "--max-price", "800",
                       "--attr", "fast_charging", "--attr", "waterproof", "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] >= 3
    assert all(50_000 <= p["price_fen"] <= 80_000 for p in data["items"])


def test_recommend_and_returns_file_twice(cli, app):
    code, out, _ = cli("recommend", "C001", "--json")
    recs = json.loads(out)
    assert code == 0 and recs and all(r["signals"] for r in recs)
    view, last4 = _c001_delivered(app)
    args = ("returns", "file", view.order_number, "--phone-last4", last4, "--item", str(view.lines[0].item_id), "--json")
    first = json.loads(cli(*args)[1])
    second = json.loads(cli(*args)[1])
    assert first["created"] and not second["created"] and first["request_id"] == second["request_id"]


def test_ask_json_has_the_fused_query_and_reply(cli):
    code, out, _ = cli("ask", "--json", "phones between 500 and 800 yuan with fast charging and waterproof")
    data = json.loads(out)
    assert code == 0 and data["intent"] == "product_search" and data["language"] == "en"
    kinds = {e["kind"] for e in data["entities"]}
    assert {"price_range", "category", "attribute"} <= kinds
    assert data["reply"]["cards"][0]["type"] == "SearchResult" and data["reply"]["filters"]
    assert data["emotion"]["label"] == "neutral" and 0 <= data["confidence"] <= 1


def test_ask_batch_writes_one_json_line_per_utterance(cli, tmp_path):
    batch = tmp_path / "in.txt"
    batch.write_text("你好\n\nis this tent waterproof\n我要投诉，快递太慢了！\n", encoding="utf-8")
    code, out, _ = cli("ask", "--batch", str(batch), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["intent"] for r in rows][0] == "greeting" and len(rows) == 3
    assert rows[2]["emotion"]["label"] in ("angry", "anxious")


def test_privacy_export_to_private_file(cli, tmp_path):
    target = tmp_path / "c003.json"
    code, _, _ = cli("privacy", "export", "C003", "--out", str(target))
    assert code == 0 and json.loads(target.read_text())["customer"]["code"] == "C003"
    assert target.stat().st_mode & 0o777 == 0o600


def test_ask_session_reports_the_task_each_follow_up_serves(cli, tmp_path):
    batch = tmp_path / "in.txt"
    batch.write_text("500到800元之间的快充防水手机\n要黑色的\n第二个呢\n它多少钱\n", encoding="utf-8")
    code, out, _ = cli("--lang", "zh", "ask", "--batch", str(batch), "--json", "--session")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [r["intent"] for r in rows] == [
        "product_search", "product_search", "product_question", "product_question"]
    assert rows[2]["understood_intent"] != "product_question"  # the words alone did not say it
    assert {"intent", "confidence", "emotion", "reply"} <= set(rows[0])
