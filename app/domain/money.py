"""Money is integer fen (分). Text typed by a person becomes fen here, and fen become text here only.

``parse_money`` goes through Decimal, never float: "0.1" + "0.2" must be exactly 30 fen. Full-width
digits and punctuation (what a Chinese IME types: "１２．５") are folded to ASCII first; anything with
more than two decimals, an exponent, or letters is refused with a message saying why.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from app.domain.errors import ValidationError

# A top-up of ¥100 000 is a typo at a community card desk, not a payment; the cap keeps it out.
MAX_AMOUNT_FEN = 10_000_000

_PLAIN = re.compile(r"(?P<sign>[+-]?)(?P<num>\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_GROUPED = re.compile(r"(?P<sign>[+-]?)(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d*)?)", re.ASCII)


def _bad(text: str, zh: str, en: str) -> ValidationError:
    return ValidationError(f"金额“{text}”无效：{zh}", f"invalid amount {text!r}: {en}", field="amount")


def parse_money(text: str, *, allow_negative: bool = False, allow_zero: bool = False,
                max_fen: int = MAX_AMOUNT_FEN) -> int:
    """"12.3" → 1230, "¥1,234.50" → 123450, "１２" → 1200. Raises ValidationError (zh/en) otherwise."""
    if not isinstance(text, str):
        raise TypeError(f"parse_money needs the text as typed, got {type(text).__name__}")
    # NFKC folds full-width digits, '．', '，', '＋', '－' and the full-width yen sign to ASCII.
    s = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    s = s.replace("−", "-")  # the typographic minus, which NFKC keeps
    if s.startswith(("¥", "￥")):
        s = s[1:]
    elif s[:2] in ("+¥", "-¥", "+￥", "-￥"):
        s = s[0] + s[2:]
    if s.endswith("元"):
        s = s[:-1]
    if not s:
        raise _bad(text, "为空", "empty")
    m = _PLAIN.fullmatch(s) or _GROUPED.fullmatch(s)
    if m is None:
        raise _bad(text, "只能包含数字和小数点", "only digits and a decimal point are allowed")
    try:
        value = Decimal(m["num"].replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only valid decimals
        raise _bad(text, "不是数字", "not a number") from exc
    if m["sign"] == "-":
        value = -value
    fen = value * 100
    if fen != fen.to_integral_value():
        raise _bad(text, "最多两位小数（精确到分）", "at most two decimals (whole fen)")
    result = int(fen)
    if result < 0 and not allow_negative:
        raise _bad(text, "不能为负数", "must not be negative")
    if result == 0 and not allow_zero:
        raise _bad(text, "不能为零", "must not be zero")
    if abs(result) > max_fen:
        raise _bad(text, f"超过上限 {format_money(max_fen)}", f"exceeds the limit of {format_money(max_fen)}")
    return result


def format_money(fen: int) -> str:
    """1234 → "¥12.34", -5 → "-¥0.05". Refuses floats (and bools): a float here means money was lost."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"format_money needs integer fen, got {type(fen).__name__} {fen!r}")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


def require_fen(value: object, *, name: str = "amount_fen", positive: bool = True) -> int:
    """Check an amount handed to a service: an int (not bool, not float), positive unless said otherwise."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be integer fen, got {type(value).__name__} {value!r}")
    if positive and value <= 0:
        raise ValidationError("金额必须大于零", "the amount must be greater than zero", field=name)
    if abs(value) > MAX_AMOUNT_FEN:
        raise ValidationError(f"金额超过上限 {format_money(MAX_AMOUNT_FEN)}",
                              f"the amount exceeds the limit of {format_money(MAX_AMOUNT_FEN)}", field=name)
    return value
