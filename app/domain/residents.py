"""Charging-user fields: normalising and validating what a clerk types or an import file holds.

``clean_user`` checks every field and returns *all* problems at once (an import report names each
bad cell, not only the first). Text is NFKC-folded first, so full-width digits from a Chinese IME
("１３８…") are the same as ASCII ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from app.domain.errors import ValidationError

# Lengths match the charging_user columns.
MAX_LEN = {"name": 64, "building": 16, "unit": 16, "room": 16, "note": 255, "group": 32}

VEHICLE_CLASSES: dict[str, str] = {
    "ebike": "ebike", "电动自行车": "ebike", "电动车": "ebike", "电瓶车": "ebike",
    "trike": "trike", "电动三轮车": "trike", "三轮车": "trike",
    "lsev": "lsev", "电动慢速车": "lsev", "低速电动车": "lsev", "老年代步车": "lsev",
    "car": "car", "电动汽车": "car", "汽车": "car",
}  # fmt: skip
VEHICLE_NAMES: dict[str, tuple[str, str]] = {
    "ebike": ("电动自行车", "e-bike"), "trike": ("电动三轮车", "e-tricycle"),
    "lsev": ("电动慢速车", "low-speed EV"), "car": ("电动汽车", "electric car"),
}  # fmt: skip

_MOBILE = re.compile(r"1[3-9]\d{9}", re.ASCII)
_LANDLINE = re.compile(r"0\d{9,11}", re.ASCII)
_CARD = re.compile(r"[0-9A-Z]{4,32}", re.ASCII)

FIELDS = ("name", "phone", "building", "unit", "room", "vehicle_class", "group", "card_no", "note")


@dataclass(frozen=True, slots=True)
class UserDraft:
    """The editable fields of a charging user, as the form (or an import row) gives them."""

    name: str
    phone: str = ""
    building: str = ""
    unit: str = ""
    room: str = ""
    vehicle_class: str | None = None  # a code ("ebike") or its Chinese name
    group: str | None = None  # a group code
    card_no: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class FieldError:
    field: str
    zh: str
    en: str

    def error(self) -> ValidationError:
        return ValidationError(self.zh, self.en, field=self.field)


def fold(text: str | None) -> str:
    return unicodedata.normalize("NFKC", text or "").strip()


def clean_phone(text: str) -> str:
    """"138 0013-8000", "+86 13800138000" → "13800138000"; "" stays ""; anything else raises."""
    digits = re.sub(r"[\s()\-]", "", fold(text))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if digits and not (_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits)):
        raise ValidationError(f"电话号码“{text}”无效（11 位手机号或带区号的座机）",
                              f"invalid phone number {text!r} (an 11-digit mobile or a landline with area code)",
                              field="phone")  # fmt: skip
    return digits


def clean_vehicle_class(text: str | None) -> str | None:
    value = fold(text).lower()
    if not value:
        return None
    if value not in VEHICLE_CLASSES:
        raise ValidationError(f"未知车型“{text}”（电动自行车、电动三轮车、电动慢速车、电动汽车）",
                              f"unknown vehicle class {text!r} (ebike, trike, lsev, car)",
                              field="vehicle_class")  # fmt: skip
    return VEHICLE_CLASSES[value]


def clean_card_no(text: str | None) -> str | None:
    value = fold(text).upper().replace(" ", "")
    if not value:
        return None
    if not _CARD.fullmatch(value):
        raise ValidationError(f"卡号“{text}”无效（4–32 位数字或字母）", f"invalid card number {text!r} (4–32 digits or "
                              "letters)", field="card_no")  # fmt: skip
    return value


def clean_user(draft: UserDraft) -> tuple[UserDraft, list[FieldError]]:
    """The draft with every field normalised, and the list of problems (empty = valid)."""
    errors: list[FieldError] = []
    values: dict[str, str | None] = {}
    for name in ("name", "building", "unit", "room", "note", "group"):
        value = fold(getattr(draft, name))
        if len(value) > MAX_LEN[name]:
            errors.append(FieldError(name, f"超过 {MAX_LEN[name]} 个字符", f"longer than {MAX_LEN[name]} characters"))
        values[name] = value
    if not values["name"]:
        errors.append(FieldError("name", "姓名不能为空", "the name is required"))
    for name, fn in (("phone", clean_phone), ("vehicle_class", clean_vehicle_class), ("card_no", clean_card_no)):
        try:
            values[name] = fn(getattr(draft, name))  # type: ignore[operator]
        except ValidationError as exc:
            errors.append(FieldError(name, exc.zh, exc.en))
            values[name] = None
    errors.sort(key=lambda e: FIELDS.index(e.field))
    clean = UserDraft(
        name=values["name"] or "", phone=values["phone"] or "", building=values["building"] or "",
        unit=values["unit"] or "", room=values["room"] or "", vehicle_class=values["vehicle_class"],
        group=(values["group"] or None), card_no=values["card_no"], note=values["note"] or "",
    )  # fmt: skip
    return clean, errors


def draft_from_mapping(row: Mapping[str, str | None]) -> UserDraft:
    return UserDraft(**{f: (row.get(f) or "") for f in FIELDS})  # type: ignore[arg-type]
