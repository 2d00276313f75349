from __future__ import annotations

import logging
import stat
from datetime import timedelta

import pytest
from sqlalchemy import select

from desktop_app.core.clock import FixedClock
from desktop_app.core.errors import NotFound
from desktop_app.core.redact import KNOWN_NAMES, RedactingFilter, redact
from desktop_app.service.privacy import PrivacyService
from desktop_app.store.schema import Customer, Order


def test_log_record_with_phone_and_address_is_redacted(caplog):
    logger = logging.getLogger("desktop_app.test.redaction")
    handler = caplog.handler
    handler.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.INFO, logger=logger.name):
            logger.info("customer %s at %s ordered %s", "13812345678", "上海市浦东新区世纪大道100号", "2611151234567890")
            logger.info("ship to 42 Maple Street, call +86 139-8765-4321")
    finally:
        handler.removeFilter(handler.filters[-1])
    text = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("13812345678", "世纪大道", "浦东新区", "2611151234567890", "Maple Street", "8765", "139"):
        assert secret not in text
    assert "[PHONE]" in text and "[ADDRESS]" in text and "[ORDER …7890]" in text


def test_known_customer_names_are_redacted():
    KNOWN_NAMES.add(["张伟测试"])
    assert "张伟测试" not in redact("客户张伟测试来电")


def test_message_text_is_not_readable_in_the_database_file(app):
    secret = "我家住在幸福路88号，电话13912345678，快递一直没到"
    conv_id, _ = app.conversations.start(channel="kiosk", language="zh")
    app.conversations.add(conv_id, "customer", secret, intent="logistics_delay", confidence=0.9)
    assert app.conversations.messages(conv_id)[0].text == secret
    app.db.engine.dispose()  # flush WAL into the file we read
    raw = b""
    db_path = app.settings.data_dir / "store.sqlite3"
    for path in db_path.parent.glob("store.sqlite3*"):
        raw += path.read_bytes()
    assert "幸福路".encode() not in raw and b"13912345678" not in raw
    assert "一直没到".encode() not in raw


def test_key_file_is_private_and_outside_the_database(app):
    key = app.settings.resolved_key_file
    assert key.exists() and stat.S_IMODE(key.stat().st_mode) == 0o600
    assert key.parent != (app.settings.data_dir / "store.sqlite3").parent or key.name != "store.sqlite3"


def test_export_then_delete_customer(app):
    conv_id, _ = app.conversations.start(channel="laptop", language="zh", customer_code="C002")
    app.conversations.add(conv_id, "customer", "我想退货")
    exported = app.privacy.export_customer("C002")
    assert exported["customer"]["code"] == "C002"
    assert exported["orders"] and exported["conversations"][0]["messages"][0]["text"] == "我想退货"
    counts = app.privacy.delete_customer("C002")
    assert counts["orders_anonymised"] == len(exported["orders"]) and counts["conversations"] == 1
    with app.db.session() as s:
        assert s.scalar(select(Customer).where(Customer.code == "C002")) is None
        numbers = [o["order_number"] for o in exported["orders"]]
        for order in s.scalars(select(Order).where(Order.order_number.in_(numbers))).all():
            assert order.customer_id is None and order.contact_phone == "[erased]" and order.ship_address == "[erased]"
    with pytest.raises(NotFound):
        app.privacy.export_customer("C002")


def test_retention_purge_drops_only_old_conversations(app):
    old_id, _ = app.conversations.start(channel="kiosk", language="en")
    app.conversations.add(old_id, "customer", "old question")
    later = PrivacyService(app.db, FixedClock(app.clock.now() + timedelta(days=100)), app.privacy._cipher)
    new_id, _ = app.conversations.start(channel="kiosk", language="en")
    assert later.purge_conversations(90) >= 2
    assert app.privacy.purge_conversations(90) == 0
    assert app.conversations.messages(old_id) == ()
