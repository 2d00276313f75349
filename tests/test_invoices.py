"""Invoices: the tax-id checker, one invoice per order, re-issue, amounts, privacy, and the dialogue."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from service_helpers import wrong_last4
from sqlalchemy import func, select

from desktop_app.core.errors import AccessDenied, InvalidInput, NotEligible
from desktop_app.dialogue.billing_flow import answers_task
from desktop_app.dialogue.reply import Outcome, ServiceAction
from desktop_app.dialogue.state import TaskForm
from desktop_app.nlu.types import Intent
from desktop_app.service.invoices import (
    USCC_ALPHABET,
    InvoiceKind,
    InvoiceView,
    is_personal_title,
    normalize_email,
    normalize_tax_id,
    uscc_check_char,
)
from desktop_app.service.types import OrderStatus
from desktop_app.store.schema import Coupon, CouponUse, Customer, Invoice, Order

VALID = "91350100M000100Y43"


def _order(app, code, status, sku=None):
    for view in app.orders.orders_of(code):
        if view.status == status and (sku is None or any(ln.product.sku == sku for ln in view.lines)):
            return view
    raise AssertionError(f"{code} has no {status} order")


def _phone4(app, code):
    with app.db.session() as s:
        return s.scalar(select(Customer.phone).where(Customer.code == code))[-4:]


def _invoice_count(app):
    with app.db.session() as s:
        return s.scalar(select(func.count(Invoice.id)))


# -- the tax-id checker ----------------------------------------------------------------------


def test_a_real_looking_code_passes_and_is_normalised():
    assert normalize_tax_id(VALID) == VALID
    assert normalize_tax_id(" 9135 0100-m000 100y43 ") == VALID


@pytest.mark.parametrize(("code", "words"), [
    ("91350100M000100Y4", ["18", "17"]),
    ("91350100M000100Y433", ["18", "19"]),
    ("91350100M0001O0Y43", ['"O"', "I, O, Z, S and V"]),
    ("91350100M000100Y44", ["check", "mistyped"]),
])
def test_a_malformed_code_is_refused_with_its_reason(code, words):
    with pytest.raises(InvalidInput) as err:
        normalize_tax_id(code)
    assert all(w in err.value.message for w in words)
    assert err.value.message_zh != err.value.message


_FIRST17 = st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17)


@given(_FIRST17)
def test_every_code_built_with_its_check_character_passes(first17):
    code = first17 + uscc_check_char(first17)
    assert normalize_tax_id(code) == code


@given(_FIRST17, st.integers(min_value=0, max_value=17),
       st.sampled_from(USCC_ALPHABET + "IOZSV*#_."))
def test_any_single_character_change_fails(first17, position, replacement):
    code = first17 + uscc_check_char(first17)
    if code[position] == replacement:
        return
    changed = code[:position] + replacement + code[position + 1:]
    with pytest.raises(InvalidInput):
        normalize_tax_id(changed)


def test_emails_and_titles():
    assert normalize_email(" amy@example.com ") == "amy@example.com"
    for bad in ("amy@", "amy@example", "a b@example.com", "@example.com", "x" * 250 + "@example.com"):
        with pytest.raises(InvalidInput):
            normalize_email(bad)
    assert is_personal_title("个人") and is_personal_title("李明轩") and is_personal_title("personal")
    assert not is_personal_title("厦门某某科技有限公司") and not is_personal_title("Acme Trading Co., Ltd.")


# -- issuing ---------------------------------------------------------------------------------


def test_personal_invoice_for_the_amount_paid_with_title_and_email_encrypted(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    view = app.invoices.issue(order.order_number, "normal", "个人", email="lm@example.com", customer_code="C001")
    assert isinstance(view, InvoiceView)
    assert (view.revision, view.kind, view.title, view.amount_fen) == (1, InvoiceKind.NORMAL, "个人", order.total_fen)
    assert view.email_masked == "l***@example.com" and view.tax_id is None
    with app.db.session() as s:
        row = s.scalar(select(Invoice))
        assert b"lm@example.com" not in row.email_encrypted and "个人".encode() not in row.title_encrypted
    assert app.invoices.current(order.order_number, customer_code="C001") == view


def test_amount_leaves_out_the_coupon_used_on_the_order(app):
    with app.db.session() as s:
        use = s.scalar(select(CouponUse).join(Customer, Customer.id == CouponUse.customer_id)
                       .where(Customer.code == "C001"))
        order = s.get(Order, use.order_id)
        discount = s.get(Coupon, use.coupon_id).discount_fen
        number, total = order.order_number, order.total_fen
    view = app.invoices.issue(number, InvoiceKind.NORMAL, "个人", customer_code="C001")
    assert view.amount_fen == total - discount and discount > 0


def test_vat_invoice_for_a_company_with_its_tax_id(app):
    order = _order(app, "C001", OrderStatus.IN_TRANSIT)
    view = app.invoices.issue(order.order_number, InvoiceKind.VAT_SPECIAL, "厦门某某科技有限公司", VALID.lower(),
                              customer_code="C001")
    assert view.kind == InvoiceKind.VAT_SPECIAL and view.tax_id == VALID
    lines = " ".join(view.card_lines("zh")) + " ".join(view.card_lines("en"))
    assert "增值税专用发票" in lines and "finance team" in lines and "vat_special" not in lines


def test_refusals_change_nothing(app):
    paid = _order(app, "C001", OrderStatus.PAID).order_number
    cases = [
        (InvalidInput, dict(kind="normal", title="厦门某某科技有限公司")),  # a company needs its tax id
        (InvalidInput, dict(kind="normal", title="厦门某某科技有限公司", tax_id="91350100M000100Y44")),
        (NotEligible, dict(kind="vat_special", title="个人")),
        (InvalidInput, dict(kind="normal", title="个人", email="not-an-email")),
        (InvalidInput, dict(kind="paper", title="个人")),
        (InvalidInput, dict(kind="normal", title="   ")),
    ]
    for error, kwargs in cases:
        with pytest.raises(error):
            app.invoices.issue(paid, customer_code="C001", **kwargs)
    unpaid = _order(app, "C002", OrderStatus.UNPAID).order_number
    with pytest.raises(NotEligible, match="not been paid"):
        app.invoices.issue(unpaid, "normal", "个人", customer_code="C002")
    cancelled = _order(app, "C004", OrderStatus.CANCELLED).order_number
    with pytest.raises(NotEligible, match="cancelled"):
        app.invoices.issue(cancelled, "normal", "个人", customer_code="C004")
    returned = _order(app, "C001", OrderStatus.RETURNED).order_number
    with pytest.raises(NotEligible, match="returned"):
        app.invoices.issue(returned, "normal", "个人", customer_code="C001")
    with pytest.raises(AccessDenied):
        app.invoices.issue(paid, "normal", "个人", phone_last4=wrong_last4(_phone4(app, "C001")))
    assert _invoice_count(app) == 0


def test_one_invoice_per_order_until_voided_then_revision_two(app):
    number = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5").order_number
    first = app.invoices.issue(number, "normal", "个人", customer_code="C001")
    with pytest.raises(NotEligible, match="already issued") as err:
        app.invoices.issue(number, "normal", "个人", customer_code="C001")
    assert "已" in err.value.message_zh
    voided = app.invoices.void(number, customer_code="C001")
    assert voided.voided and voided.invoice_id == first.invoice_id
    second = app.invoices.issue(number, "normal", "Acme Ltd", VALID, reissue=True, customer_code="C001")
    assert second.revision == 2 and not second.voided
    third = app.invoices.issue(number, "normal", "个人", reissue=True, customer_code="C001")  # voids the second itself
    assert third.revision == 3
    with app.db.session() as s:
        statuses = [r.status for r in s.scalars(select(Invoice).order_by(Invoice.revision))]
    assert statuses == ["voided", "voided", "issued"]


def test_reissue_can_keep_the_previous_email(app):
    number = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5").order_number
    app.invoices.issue(number, "normal", "个人", email="lm@example.com", customer_code="C001")
    again = app.invoices.issue(number, "normal", "Acme Ltd", VALID, reissue=True, same_email=True,
                               customer_code="C001")
    assert again.email_masked == "l***@example.com"


def test_a_price_protection_refund_lowers_the_invoice(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    claimed = app.price_protection.claim(order.order_number, customer_code="C001")
    view = app.invoices.issue(order.order_number, "normal", "个人", customer_code="C001")
    assert view.amount_fen == order.total_fen - claimed.refund_fen


# -- the dialogue ----------------------------------------------------------------------------


def test_company_invoice_in_one_sentence(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    st_ = app.assistant.new_session(language="zh", customer_code="C001")
    reply = app.assistant.ask(st_, f"订单{order.order_number}开个公司发票，抬头厦门某某科技有限公司，"
                                   f"税号{VALID}，发到 fin@example.com").reply
    assert ServiceAction.INVOICE_ISSUED in reply.actions
    card = next(c for c in reply.cards if isinstance(c, InvoiceView))
    assert card.title == "厦门某某科技有限公司" and card.tax_id == VALID and "¥666.00" in reply.text
    assert st_.task is None


def test_invoice_over_several_turns_in_chinese_with_a_typo_in_the_tax_id(app):
    order = _order(app, "C001", OrderStatus.IN_TRANSIT)
    st_ = app.assistant.new_session(language="zh", customer_code="C001")
    r1 = app.assistant.ask(st_, f"订单{order.order_number}要开发票").reply
    assert r1.outcome == Outcome.FORM and "哪种发票" in r1.text
    r2 = app.assistant.ask(st_, "增值税专用发票").reply
    assert r2.outcome == Outcome.FORM and "公司全称" in r2.text
    r3 = app.assistant.ask(st_, "厦门某某科技有限公司").reply
    assert "纳税人识别号" in r3.text
    r4 = app.assistant.ask(st_, "91350100M000100Y44").reply
    assert ServiceAction.INVOICE_REFUSED in r4.actions and "校验" in r4.text and r4.language == "zh"
    assert st_.task is not None and st_.task.step == "tax_id"
    r5 = app.assistant.ask(st_, VALID).reply
    assert "邮箱" in r5.text and r5.language == "zh"
    r6 = app.assistant.ask(st_, "fin@example.com").reply
    assert ServiceAction.INVOICE_ISSUED in r6.actions and r6.language == "zh" and "财务" in r6.text
    assert _invoice_count(app) == 1


def test_second_invoice_and_unpaid_order_are_refused_in_the_dialogue(app):
    order = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5")
    app.invoices.issue(order.order_number, "normal", "个人", customer_code="C001")
    st_ = app.assistant.new_session(language="en", customer_code="C001")
    reply = app.assistant.ask(st_, f"I need an invoice for order {order.order_number}").reply
    assert reply.outcome == Outcome.REFUSED and ServiceAction.INVOICE_REFUSED in reply.actions
    assert "already issued" in reply.text and "Re-issue the invoice" in reply.suggestions
    unpaid = _order(app, "C002", OrderStatus.UNPAID)
    kiosk = app.assistant.new_session(language="zh")
    app.assistant.ask(kiosk, f"订单{unpaid.order_number}开发票")
    refused = app.assistant.ask(kiosk, _phone4(app, "C002")).reply
    assert ServiceAction.INVOICE_REFUSED in refused.actions and "还未付款" in refused.text
    assert _invoice_count(app) == 1


def test_a_bare_title_answers_the_open_form():
    class Turn:
        def __init__(self, text):
            self.text, self.entities = text, ()

    title_step = TaskForm(Intent.INVOICE, "title")
    assert answers_task(title_step, Turn("个人")) and answers_task(title_step, Turn("personal"))
    assert not answers_task(title_step, Turn("转人工"))
    assert answers_task(TaskForm(Intent.INVOICE, "email"), Turn("不用"))
    assert answers_task(TaskForm(Intent.INVOICE, "tax_id"), Turn(VALID))
    assert not answers_task(TaskForm(Intent.INVOICE, "kind"), Turn("where is my parcel"))


# -- the command line ------------------------------------------------------------------------


def test_cli_issues_refuses_and_reissues(cli, app):
    import json

    number = _order(app, "C001", OrderStatus.DELIVERED, "PHN-LUM-A5").order_number
    code, _, err = cli("orders", "invoice", number, "--customer", "C001", "--kind", "vat", "--title", "厦门某某科技有限公司",
                       "--tax-id", "91350100M000100Y44")
    assert code != 0 and "check" in err
    code, out, _ = cli("orders", "invoice", number, "--customer", "c001", "--kind", "vat", "--title", "厦门某某科技有限公司",
                       "--tax-id", VALID, "--email", "fin@example.com", "--json")
    data = json.loads(out)
    assert code == 0 and data["kind"] == "vat_special" and data["revision"] == 1 and data["amount_fen"] == 66600
    code, _, err = cli("orders", "invoice", number, "--customer", "C001", "--title", "个人")
    assert code != 0 and "already issued" in err
    code, out, _ = cli("--lang", "zh", "orders", "invoice", number, "--customer", "C001", "--title", "个人", "--reissue")
    assert code == 0 and "第 2 次开具" in out and "普通发票" in out
