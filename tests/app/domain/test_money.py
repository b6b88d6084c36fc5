"""Money parsing and formatting: integer fen only, Decimal in, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import ValidationError
from app.domain.money import MAX_AMOUNT_FEN, format_money, parse_money, require_fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.3", 1230), ("12.30", 1230), ("12", 1200), ("0.01", 1), (".5", 50), ("12.", 1200),
        ("¥12.34", 1234), ("￥12.34", 1234), ("12.34元", 1234), (" 7 元 ", 700), ("1,234.50", 123450),
        ("１２", 1200), ("１２．５", 1250), ("￥５", 500), ("+3", 300), ("0.1", 10), ("100000", MAX_AMOUNT_FEN),
    ],
)  # fmt: skip
def test_parses_to_fen(text: str, fen: int) -> None:
    assert parse_money(text) == fen


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("12.345", "two decimals"), ("0.001", "two decimals"), ("-1", "negative"), ("0", "zero"),
        ("0.00", "zero"), ("", "empty"), ("   ", "empty"), ("abc", "digits"), ("1e3", "digits"),
        ("NaN", "digits"), ("Infinity", "digits"), ("1,23", "digits"), ("12,34.5", "digits"), ("1.2.3", "digits"),
        ("٣", "digits"), ("100000.01", "limit"), ("--1", "digits"), ("¥", "empty"),
    ],
)  # fmt: skip
def test_refuses_with_a_reason(text: str, why: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_money(text)
    assert why in err.value.en
    assert err.value.zh and err.value.field == "amount"


def test_negative_and_zero_only_where_allowed() -> None:
    assert parse_money("-1", allow_negative=True) == -100
    assert parse_money("－１．５", allow_negative=True) == -150  # full-width minus
    assert parse_money("-¥2", allow_negative=True) == -200
    assert parse_money("0", allow_zero=True) == 0


def test_parse_needs_text() -> None:
    with pytest.raises(TypeError):
        parse_money(12.3)  # type: ignore[arg-type]


@pytest.mark.parametrize(("fen", "text"), [(0, "¥0.00"), (1, "¥0.01"), (1234, "¥12.34"), (-5, "-¥0.05"),
                                           (123456789, "¥1,234,567.89")])  # fmt: skip
def test_format(fen: int, text: str) -> None:
    assert format_money(fen) == text


@pytest.mark.parametrize("bad", [12.34, 12.0, True, Decimal("1.00"), "12", None])
def test_format_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_money(bad)  # type: ignore[arg-type]


def test_require_fen() -> None:
    assert require_fen(5) == 5
    with pytest.raises(TypeError):
        require_fen(5.0)
    with pytest.raises(TypeError):
        require_fen(True)
    with pytest.raises(ValidationError):
        require_fen(0)
    assert require_fen(-5, positive=False) == -5
    with pytest.raises(ValidationError):
        require_fen(MAX_AMOUNT_FEN + 1)


@given(st.integers(min_value=1, max_value=MAX_AMOUNT_FEN))
def test_format_then_parse_round_trips(fen: int) -> None:
    assert parse_money(format_money(fen)) == fen


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000"), places=2))
def test_any_two_decimal_amount_is_exact(value: Decimal) -> None:
    assert parse_money(str(value)) == int(value * 100)
