"""Charging-user fields: normalised the way a clerk types them, every problem reported at once."""

from __future__ import annotations

import pytest

from app.domain.errors import ValidationError
from app.domain.residents import UserDraft, clean_card_no, clean_phone, clean_user, clean_vehicle_class


@pytest.mark.parametrize(("text", "phone"), [("13800138000", "13800138000"), ("138 0013-8000", "13800138000"),
                                             ("+86 13800138000", "13800138000"), ("8613800138000", "13800138000"),
                                             ("１３８００１３８０００", "13800138000"), ("0374-1234567", "03741234567"),
                                             ("", "")])  # fmt: skip
def test_phone(text: str, phone: str) -> None:
    assert clean_phone(text) == phone


@pytest.mark.parametrize("text", ["12345", "23800138000", "1380013800", "138001380001", "abc", "138-0013-800O"])
def test_bad_phone(text: str) -> None:
    with pytest.raises(ValidationError):
        clean_phone(text)


def test_vehicle_and_card() -> None:
    assert clean_vehicle_class("电动自行车") == "ebike" and clean_vehicle_class(" CAR ") == "car"
    assert clean_vehicle_class("") is None
    assert clean_card_no(" ab 12 cd ") == "AB12CD" and clean_card_no(None) is None
    with pytest.raises(ValidationError):
        clean_vehicle_class("tank")
    with pytest.raises(ValidationError):
        clean_card_no("12-34")


def test_clean_user_reports_every_field() -> None:
    clean, errors = clean_user(UserDraft(name="", phone="1", vehicle_class="x", card_no="!", room="９" * 20))
    assert [e.field for e in errors] == ["name", "phone", "room", "vehicle_class", "card_no"]
    assert all(e.zh and e.en for e in errors)
    clean, errors = clean_user(UserDraft(name=" 张三 ", building="３", group=" staff "))
    assert errors == [] and (clean.name, clean.building, clean.group) == ("张三", "3", "staff")
