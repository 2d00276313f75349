"""Invoices (普通 / 增值税专用): one per order unless voided and re-issued; tax ids checked.

A wrong taxpayer id on an invoice means the company cannot book it and the invoice must be voided
and re-issued, so the id is checked here (GB 32100-2015 check character) before anything is
written, and the customer hears exactly what is wrong with it. Titles and e-mail addresses are
personal data: they are stored encrypted and never logged.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from desktop_app.core.clock import Clock
from desktop_app.core.crypto import TextCipher
from desktop_app.core.errors import InvalidInput, NotEligible, NotFound
from desktop_app.core.text import clean_text
from desktop_app.service.orders import OrderService
from desktop_app.service.types import yuan
from desktop_app.store.db import Database
from desktop_app.store.schema import Coupon, CouponUse, Invoice, Order, Refund

log = logging.getLogger(__name__)

#: The 31 characters of a unified social credit code (统一社会信用代码): no I, O, Z, S or V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
#: GB 32100-2015 weights of the first 17 characters.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18
MAX_TITLE_CHARS = 100
MAX_EMAIL_CHARS = 254

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
#: Words that make a title an organisation's rather than a person's (a company title needs its tax id).
_ORGANISATION = re.compile(
    r"公司|有限|集团|企业|工作室|事务所|研究院|研究所|中心|商行|经营部|门市|厂|合作社|学校|大学|学院|医院|协会|银行|基金会|"
    r"科技|贸易|商贸|实业|传媒|餐饮|酒店|店|局|委员会|政府|"
    r"\b(?:co|ltd|inc|llc|corp|corporation|company|limited|gmbh|plc|studio|group|llp)\b", re.I)
_PERSONAL_TITLES = frozenset({"个人", "本人", "个人抬头", "personal", "individual", "myself", "me", "private"})


class InvoiceKind(StrEnum):
    NORMAL = "normal"  # 普通发票 (electronic), person or company
    VAT_SPECIAL = "vat_special"  # 增值税专用发票, VAT-registered companies only


KIND_ZH = {InvoiceKind.NORMAL: "普通发票（电子）", InvoiceKind.VAT_SPECIAL: "增值税专用发票"}
KIND_EN = {InvoiceKind.NORMAL: "standard e-invoice", InvoiceKind.VAT_SPECIAL: "special VAT invoice"}


def uscc_check_char(first17: str) -> str:
    """The check character GB 32100-2015 gives the first 17 characters of a code."""
    if len(first17) != USCC_LENGTH - 1 or any(c not in USCC_ALPHABET for c in first17):
        raise ValueError("needs 17 characters of the code's alphabet")
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_tax_id(text: str) -> str:
    """The taxpayer id as a checked unified social credit code (upper case, no spaces); raises
    ``InvalidInput`` saying exactly what is wrong: its length, a character that cannot occur, or
    a check character that does not match (a typo somewhere)."""
    code = re.sub(r"[\s\-]", "", clean_text(text, max_chars=64)).upper()
    if len(code) != USCC_LENGTH:
        raise InvalidInput(
            f"A taxpayer id (unified social credit code) has 18 characters; this one has {len(code)}. "
            "Please check it against the business licence.",
            message_zh=f"纳税人识别号（统一社会信用代码）应为 18 位，您提供的是 {len(code)} 位，请对照营业执照核对。")
    bad = next((c for c in code if c not in USCC_ALPHABET), None)
    if bad is not None:
        raise InvalidInput(
            f"The taxpayer id contains \"{bad}\", which never appears in a unified social credit code "
            "(only digits and capital letters other than I, O, Z, S and V). Please check it.",
            message_zh=f"税号中有字符“{bad}”，统一社会信用代码只含数字和大写字母（不含 I、O、Z、S、V），请核对。")
    if uscc_check_char(code[:17]) != code[17]:
        raise InvalidInput(
            "That taxpayer id does not pass the check: its last character does not match the others, so "
            "one character is probably mistyped. Please check it against the business licence.",
            message_zh="该税号未通过校验（校验位与前 17 位不符），可能有字符输入错误，请对照营业执照核对。")
    return code


def normalize_email(text: str) -> str:
    address = clean_text(text, max_chars=MAX_EMAIL_CHARS + 1)
    if len(address) > MAX_EMAIL_CHARS or not _EMAIL.fullmatch(address):
        raise InvalidInput("That e-mail address does not look right; please check it (like name@example.com).",
                           message_zh="邮箱地址格式不正确，请核对（例如 name@example.com）。")
    return address


def is_personal_title(title: str) -> bool:
    """A person's title (个人, a name): no tax id needed. Anything naming an organisation is not."""
    cleaned = clean_text(title, max_chars=MAX_TITLE_CHARS).strip().lower()
    return cleaned in _PERSONAL_TITLES or not _ORGANISATION.search(cleaned)


def mask_email(address: str) -> str:
    local, _, domain = address.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


@dataclass(frozen=True)
class InvoiceView:
    """An invoice as its order's verified owner sees it (the title is theirs; the e-mail is masked)."""

    invoice_id: int
    order_number: str
    revision: int
    kind: InvoiceKind
    title: str
    tax_id: str | None
    email_masked: str | None
    amount_fen: int
    voided: bool
    issued_at: datetime

    @property
    def masked_number(self) -> str:
        return f"…{self.order_number[-4:]}"

    def title_text(self, language: str) -> str:
        """The title as printed, with a gloss for an English reader when it is the personal 个人."""
        return "个人 (personal)" if language != "zh" and self.title == "个人" else self.title

    def card_title(self, language: str) -> str:
        if language == "zh":
            return "发票（已作废）" if self.voided else "发票已开具"
        return "Invoice (voided)" if self.voided else "Invoice issued"

    def card_lines(self, language: str) -> tuple[str, ...]:
        zh = language == "zh"
        lines = [
            (f"订单{self.masked_number}" + (f" · 第 {self.revision} 次开具" if self.revision > 1 else "")) if zh
            else (f"Order {self.masked_number}" + (f" · revision {self.revision}" if self.revision > 1 else "")),
            f"类型：{KIND_ZH[self.kind]}" if zh else f"Type: {KIND_EN[self.kind]}",
            f"抬头：{self.title}" if zh else f"Title: {self.title_text('en')}",
        ]
        if self.tax_id:
            lines.append(f"税号：{self.tax_id}" if zh else f"Taxpayer id: {self.tax_id}")
        lines.append(f"金额：{yuan(self.amount_fen)}" if zh else f"Amount: {yuan(self.amount_fen)}")
        if self.email_masked:
            lines.append(f"发送至：{self.email_masked}" if zh else f"Sent to: {self.email_masked}")
        else:
            lines.append("可在订单详情中下载" if zh else "Download it from the order page")
        if self.kind == InvoiceKind.VAT_SPECIAL and not self.voided:
            lines.append("注册地址、电话、开户行及账号：财务同事将与您邮件确认" if zh
                         else "Registered address, phone, bank and account: our finance team will confirm by e-mail")
        lines.append(f"开具时间：{self.issued_at:%Y-%m-%d %H:%M}" if zh else f"Issued: {self.issued_at:%Y-%m-%d %H:%M}")
        return tuple(lines)


class InvoiceService:
    def __init__(self, db: Database, clock: Clock, orders: OrderService, cipher: TextCipher) -> None:
        self._db = db
        self._clock = clock
        self._orders = orders
        self._cipher = cipher

    def issue(self, order_ref: str, kind: InvoiceKind | str, title: str, tax_id: str | None = None,
              email: str | None = None, *, customer_code: str | None = None, phone_last4: str | None = None,
              reissue: bool = False, same_email: bool = False) -> InvoiceView:
        """Issue the order's invoice for the amount actually paid.

        Everything is checked before anything is written (a refusal changes nothing). One invoice
        per order: a second one is refused unless the previous was voided, or ``reissue`` is set,
        which voids the current one and issues the next revision in the same transaction.
        ``same_email``: with no new address, send it where the previous revision went.
        """
        try:
            kind = InvoiceKind(kind)
        except ValueError:
            raise InvalidInput("The invoice type must be a standard invoice or a special VAT invoice.",
                               message_zh="发票类型只能是普通发票或增值税专用发票。") from None
        clean_title = clean_text(title or "", max_chars=MAX_TITLE_CHARS + 1)
        if not clean_title:
            raise InvalidInput("Please give the invoice title (a company name, or 个人 for yourself).",
                               message_zh="请提供发票抬头（公司名称，或“个人”）。")
        if len(clean_title) > MAX_TITLE_CHARS:
            raise InvalidInput(f"An invoice title has at most {MAX_TITLE_CHARS} characters.",
                               message_zh=f"发票抬头最多 {MAX_TITLE_CHARS} 个字。")
        personal = is_personal_title(clean_title)
        if kind == InvoiceKind.VAT_SPECIAL and personal:
            raise NotEligible("A special VAT invoice can only be made out to a VAT-registered company; "
                              "for yourself I can issue a standard e-invoice.",
                              message_zh="增值税专用发票只能开给一般纳税人企业；个人可以开普通电子发票。")
        code = normalize_tax_id(tax_id) if tax_id and tax_id.strip() else None
        if code is None and not personal:
            raise InvalidInput("An invoice for a company needs the company's taxpayer id (18 characters).",
                               message_zh="开具单位抬头的发票需要提供该单位的纳税人识别号（18 位）。")
        address = normalize_email(email) if email and email.strip() else None
        if clean_title.lower() in _PERSONAL_TITLES:
            clean_title = "个人"
        try:
            return self._write(order_ref, kind, clean_title, code, address, customer_code=customer_code,
                               phone_last4=phone_last4, reissue=reissue, same_email=same_email)
        except IntegrityError:
            # Two kiosks issuing the same order's invoice at once: the database kept one of them.
            raise NotEligible("An invoice was just issued for this order; one invoice per order.",
                              message_zh="该订单刚刚已开具发票，每个订单只能开一张。") from None

    def _write(self, order_ref: str, kind: InvoiceKind, title: str, code: str | None, address: str | None, *,
               customer_code: str | None, phone_last4: str | None, reissue: bool, same_email: bool) -> InvoiceView:
        now = self._clock.now()
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            history = self._history(s, order)
            self._refuse_if_not_invoiceable(order, history, reissue=reissue)
            latest = history[0] if history else None
            if latest is not None and latest.status == "issued":
                latest.status = "voided"  # re-issue: the old one is voided with the new one, never alone
            email_token = self._cipher.encrypt(address) if address else None
            if email_token is None and same_email and latest is not None:
                email_token = latest.email_encrypted
            row = Invoice(order_id=order.id, revision=(latest.revision + 1) if latest else 1, kind=kind.value,
                          title_encrypted=self._cipher.encrypt(title), tax_id=code, email_encrypted=email_token,
                          amount_fen=self.paid_amount(s, order), status="issued", created_at=now)
            s.add(row)
            s.flush()
            log.info("invoice %s revision %s issued (%s)", row.id, row.revision, kind.value)
            return self._view(order, row)

    def void(self, order_ref: str, *, customer_code: str | None = None,
             phone_last4: str | None = None) -> InvoiceView:
        """Void the order's current invoice, so a corrected one can be issued."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            history = self._history(s, order)
            if not history or history[0].status != "issued":
                raise NotFound(f"Order …{order.order_number[-4:]} has no invoice to void.",
                               message_zh=f"订单…{order.order_number[-4:]}没有可作废的发票。")
            history[0].status = "voided"
            log.info("invoice %s voided", history[0].id)
            return self._view(order, history[0])

    def current(self, order_ref: str, *, customer_code: str | None = None,
                phone_last4: str | None = None) -> InvoiceView | None:
        """The order's latest invoice (issued or voided), or None if it never had one."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            history = self._history(s, order)
            return self._view(order, history[0]) if history else None

    def precheck(self, order_ref: str, *, customer_code: str | None = None, phone_last4: str | None = None,
                 reissue: bool = False) -> InvoiceView | None:
        """Refuse early (``NotEligible``) when the order cannot be invoiced, before the customer is
        asked for a title; otherwise the order's latest invoice, if any."""
        with self._db.session() as s:
            order = self._orders.load_verified(s, order_ref, customer_code=customer_code, phone_last4=phone_last4)
            history = self._history(s, order)
            self._refuse_if_not_invoiceable(order, history, reissue=reissue)
            return self._view(order, history[0]) if history else None

    @staticmethod
    def paid_amount(s: Session, order: Order) -> int:
        """What the customer actually paid for the order: its total less the coupon applied to it and
        any price-protection refund (an invoice shows money really spent)."""
        discount = s.scalar(select(func.coalesce(func.sum(Coupon.discount_fen), 0))
                            .join(CouponUse, CouponUse.coupon_id == Coupon.id).where(CouponUse.order_id == order.id))
        refunded = s.scalar(select(func.coalesce(func.sum(Refund.amount_fen), 0))
                            .where(Refund.order_id == order.id, Refund.source == "price_protection"))
        return max(0, order.total_fen - int(discount or 0) - int(refunded or 0))

    # -- internals -------------------------------------------------------------------------

    @staticmethod
    def _refuse_if_not_invoiceable(order: Order, history: list[Invoice], *, reissue: bool) -> None:
        tail = order.order_number[-4:]
        latest = history[0] if history else None
        if latest is not None and latest.status == "issued" and not reissue:
            raise NotEligible(
                f"An invoice was already issued for order …{tail} on {latest.created_at:%Y-%m-%d}. "
                "One invoice per order: to change it, ask me to re-issue it (the current one is voided).",
                message_zh=f"订单…{tail}已于 {latest.created_at:%Y-%m-%d} 开具过发票，每个订单只能开一张。"
                           "如需修改，可以申请重开（原发票作废）。")
        if order.status == "unpaid" or order.paid_at is None:
            raise NotEligible(f"Order …{tail} has not been paid yet; the invoice can be issued once it is paid.",
                              message_zh=f"订单…{tail}还未付款，付款后才能开具发票。")
        if order.status == "cancelled":
            raise NotEligible(f"Order …{tail} was cancelled and refunded, so there is nothing to invoice.",
                              message_zh=f"订单…{tail}已取消并退款，无需开具发票。")
        if order.status == "returned":
            raise NotEligible(f"Order …{tail} was returned and refunded, so there is nothing to invoice.",
                              message_zh=f"订单…{tail}已退货退款，无需开具发票。")

    @staticmethod
    def _history(s: Session, order: Order) -> list[Invoice]:
        return list(s.scalars(select(Invoice).where(Invoice.order_id == order.id).order_by(Invoice.revision.desc())))

    def _view(self, order: Order, row: Invoice) -> InvoiceView:
        email = self._cipher.decrypt(row.email_encrypted) if row.email_encrypted else None
        return InvoiceView(invoice_id=row.id, order_number=order.order_number, revision=row.revision,
                           kind=InvoiceKind(row.kind), title=self._cipher.decrypt(row.title_encrypted),
                           tax_id=row.tax_id, email_masked=mask_email(email) if email else None,
                           amount_fen=row.amount_fen, voided=row.status == "voided", issued_at=row.created_at)
