"""Card desk receipts (M4.5) as PDF: an 80 mm thermal-printer roll, or A5.

Operator, time, the operation, amounts, balance before and after, the clerk and the receipt number, in
Chinese with the English below. The bundled WenQuanYi Micro Hei is embedded (app.reports.pdf_kit), so the
receipt prints the same from any viewer. A reprint says so on the receipt.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from app.domain.money import format_money
from app.reports.pdf_kit import register_font

TZ = ZoneInfo(os.environ.get("CHARGEDESK_TZ", "Asia/Shanghai"))
ROLL_WIDTH = 80 * mm  # the paper; thermal heads print about 72 mm of it
METHODS = {"cash": ("现金", "cash"), "wechat": ("微信", "WeChat Pay"), "alipay": ("支付宝", "Alipay"),
           "bank": ("银行转账", "bank transfer")}  # fmt: skip
TITLES = {"issue": ("IC 卡开卡收据", "Card issue receipt"), "topup": ("IC 卡充值收据", "Card top-up receipt"),
          "monthly": ("包月卡开通收据", "Monthly card receipt"), "return": ("IC 卡退卡退款收据", "Card return refund"),
          "replace": ("IC 卡补卡凭证", "Replacement card slip"), "ungrey": ("IC 卡解灰凭证", "Card un-grey slip")}


@dataclass(frozen=True, slots=True)
class ReceiptData:
    operator_name: str
    kind: str  # card_flow.OpKind value
    receipt_no: str
    at: dt.datetime
    card_no: int
    holder: str
    clerk: str
    method: str | None
    amount_fen: int  # money paid in (or, for a return, paid out)
    deposit_fen: int
    balance_before_fen: int
    balance_after_fen: int
    note: str = ""
    reprint: bool = False


def lines(r: ReceiptData) -> list[tuple[str, str, str]]:
    """(中文, English, value) rows of the receipt body."""
    pay = METHODS.get(r.method or "", ("—", "—"))
    out_word = r.kind == "return"
    rows = [("收据号", "Receipt no.", r.receipt_no),
            ("时间", "Time", r.at.astimezone(TZ).strftime("%Y-%m-%d %H:%M:%S")),
            ("卡号", "Card no.", str(r.card_no)), ("持卡人", "Card holder", r.holder or "—")]
    if r.method:
        rows.append(("付款方式" if not out_word else "退款方式", "Paid by" if not out_word else "Paid back by",
                     f"{pay[0]} {pay[1]}"))  # fmt: skip
    rows.append(("退款金额" if out_word else "金额", "Refund" if out_word else "Amount", format_money(r.amount_fen)))
    if r.deposit_fen:
        rows.append(("其中押金", "of which deposit", format_money(r.deposit_fen)))
    rows += [("卡内余额（前）", "Balance before", format_money(r.balance_before_fen)),
             ("卡内余额（后）", "Balance after", format_money(r.balance_after_fen)),
             ("经办人", "Clerk", r.clerk)]  # fmt: skip
    return rows


def render(r: ReceiptData, *, paper: str = "80mm") -> bytes:
    """The receipt as PDF bytes; ``paper`` is "80mm" (a roll, as long as it needs) or "A5"."""
    font = register_font()
    rows = lines(r)
    roll = paper == "80mm"
    width = ROLL_WIDTH if roll else A5[0]
    margin = 4 * mm if roll else 14 * mm
    base = 8.5 if roll else 11.0
    row_h = base * 2.6
    height = (44 * mm + len(rows) * row_h + (6 * mm if r.note else 0) + (5 * mm if r.reprint else 0)
              if roll else A5[1])  # fmt: skip
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(width, height), initialFontName=font)  # no unembedded Helvetica anywhere
    c.setTitle(f"{TITLES.get(r.kind, ('收据', 'Receipt'))[1]} {r.receipt_no}")
    y = height - margin - base * 1.6
    zh, en = TITLES.get(r.kind, ("收据", "Receipt"))
    c.setFont(font, base * 1.25)
    c.drawCentredString(width / 2, y, r.operator_name)
    y -= base * 2.0
    c.setFont(font, base * 1.6)
    c.drawCentredString(width / 2, y, zh)
    y -= base * 1.4
    c.setFont(font, base * 0.95)
    c.drawCentredString(width / 2, y, en)
    if r.reprint:
        y -= base * 1.5
        c.setFont(font, base)
        c.drawCentredString(width / 2, y, "【补打 REPRINT】")
    y -= base * 1.2
    c.setDash(2, 2)
    c.line(margin, y, width - margin, y)
    c.setDash()
    for label_zh, label_en, value in rows:
        y -= row_h
        big = label_en in ("Amount", "Refund", "Balance after")
        c.setFont(font, base * (1.25 if big else 1.0))
        c.drawString(margin, y + base * 0.9, label_zh)
        c.drawRightString(width - margin, y + base * 0.5, value)
        c.setFont(font, base * 0.75)
        c.setFillGray(0.35)
        c.drawString(margin, y, label_en)
        c.setFillGray(0)
    y -= base * 1.2
    c.setDash(2, 2)
    c.line(margin, y, width - margin, y)
    c.setDash()
    c.setFont(font, base * 0.8)
    if r.note:
        y -= base * 1.5
        c.drawString(margin, y, r.note[:48])
    y -= base * 1.6
    c.drawCentredString(width / 2, y, "请妥善保管本收据 · Please keep this receipt")
    y -= base * 1.3
    c.drawCentredString(width / 2, y, "客户签名 Signature: ____________")
    c.showPage()
    c.save()
    return buf.getvalue()
