"""Import charging users from CSV or XLSX, all or nothing, with a row-by-row error report.

Policy: every row is validated first (fields, groups, card numbers unique within the file and against
the database, people already registered). If any row has an error, **nothing** is imported and the
report lists every error by row and column — the clerk fixes the file and imports it again, and there
is never a question of which half went in. Otherwise all rows go in in one transaction, each with its
wallet and its audit record. ``dry_run=True`` gives the report without writing.

Row numbers are the spreadsheet's (the header is row 1); column names are the file's own headers.
Headers may be Chinese or English (姓名/name, 手机/phone, 楼栋/building, …); unknown columns are
reported as warnings and ignored. CSV may be UTF-8 (with or without BOM) or GBK (what Excel saves on a
Chinese Windows).
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select, tuple_
from sqlalchemy.orm import Session

from app.domain.errors import ValidationError
from app.domain.permissions import Actor, Permission, require
from app.domain.residents import FIELDS, UserDraft, clean_user, draft_from_mapping, fold
from app.services import audit
from app.services.ledger_setup import create_wallets
from app.services.unit import Db, write
from db.models_people import ChargingUser, UserGroup
from db.types import utcnow

MAX_ROWS = 20_000

HEADER_ALIASES: dict[str, str] = {
    "name": "name", "姓名": "name", "名字": "name", "用户名": "name",
    "phone": "phone", "mobile": "phone", "手机": "phone", "手机号": "phone", "电话": "phone", "联系电话": "phone",
    "building": "building", "楼栋": "building", "楼号": "building", "栋": "building",
    "unit": "unit", "单元": "unit",
    "room": "room", "房号": "room", "房间号": "room", "门牌号": "room",
    "vehicle_class": "vehicle_class", "vehicle": "vehicle_class", "车型": "vehicle_class", "车辆类型": "vehicle_class",
    "group": "group", "分组": "group", "用户组": "group",
    "card_no": "card_no", "card": "card_no", "卡号": "card_no",
    "note": "note", "备注": "note",
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class RowError:
    row: int  # spreadsheet row (header = 1)
    column: str  # the header as written in the file ("" for the whole row)
    zh: str
    en: str

    def __str__(self) -> str:
        where = f"第 {self.row} 行" + (f"「{self.column}」列" if self.column else "")
        return f"{where}：{self.zh} / row {self.row}{f', column {self.column!r}' if self.column else ''}: {self.en}"


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int  # data rows read (blank rows skipped)
    imported: int  # 0 whenever there are errors
    errors: tuple[RowError, ...]
    warnings: tuple[str, ...]
    dry_run: bool
    user_ids: tuple[uuid.UUID, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def read_table(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(headers, [(row number, cells)]) of the first sheet of an .xlsx, or of a .csv."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".xlsx":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged or non-xlsx file
            raise ValidationError(f"无法读取 Excel 文件：{exc}", f"cannot read the Excel file: {exc}") from exc
        try:
            rows = [[_cell(v) for v in r] for r in wb.worksheets[0].iter_rows(values_only=True)]
        finally:
            wb.close()
    elif suffix in (".csv", ".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 decodes any byte string
            raise ValidationError("无法识别文件编码", "unknown file encoding")
        rows = [list(r) for r in csv.reader(io.StringIO(text, newline=""))]
    else:
        raise ValidationError(f"只支持 .csv 和 .xlsx 文件：{filename}", f"only .csv and .xlsx files: {filename}")
    if not rows:
        raise ValidationError("文件是空的", "the file is empty")
    headers = [fold(h) for h in rows[0]]
    return headers, [(n, r) for n, r in enumerate(rows[1:], start=2) if any(fold(c) for c in r)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 13800138000 and room 501 as floats
    return str(value)


def import_users(actor: Actor, db: Db, data: bytes, filename: str, *, dry_run: bool = False) -> ImportReport:
    require(actor, Permission.IMPORT_USERS)
    headers, rows = read_table(data, filename)
    fields: dict[int, str] = {}
    warnings: list[str] = []
    for i, h in enumerate(headers):
        field = HEADER_ALIASES.get(h.lower())
        if field is None:
            if h:
                warnings.append(f"忽略未知列「{h}」/ unknown column {h!r} ignored")
        elif field in fields.values():
            raise ValidationError(f"列「{h}」重复", f"column {h!r} appears twice")
        else:
            fields[i] = field
    if "name" not in fields.values():
        raise ValidationError("缺少“姓名”列", "the file has no 'name' (姓名) column")
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"一次最多导入 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows per import")
    column_of = {f: headers[i] for i, f in fields.items()}
    errors: list[RowError] = []
    drafts: list[tuple[int, UserDraft]] = []
    for n, cells in rows:
        raw = {field: (cells[i] if i < len(cells) else "") for i, field in fields.items()}
        clean, problems = clean_user(draft_from_mapping(raw))
        errors.extend(RowError(n, column_of.get(p.field, p.field), p.zh, p.en) for p in problems)
        drafts.append((n, clean))
    with write(db, actor, Permission.IMPORT_USERS) as s:
        groups = dict(s.execute(select(UserGroup.code, UserGroup.id)).all())
        errors.extend(_cross_checks(s, drafts, groups, column_of))
        errors.sort(key=lambda e: (e.row, FIELDS.index(_field(e.column, column_of)) if e.column else -1))
        if errors or dry_run:
            return ImportReport(len(rows), 0, tuple(errors), tuple(warnings), dry_run)
        now = utcnow()
        values = [
            {"id": uuid.uuid4(), "name": d.name, "phone": d.phone, "building": d.building, "unit": d.unit,
             "room": d.room, "vehicle_class": d.vehicle_class, "group_id": groups.get(d.group or ""),
             "card_no": d.card_no, "note": d.note, "active": True, "created_at": now, "updated_at": now, "version": 1}
            for _, d in drafts
        ]  # fmt: skip
        s.execute(insert(ChargingUser), values)
        create_wallets(s, [(v["id"], v["name"]) for v in values])
        for (n, d), v in zip(drafts, values, strict=True):
            after = {f: getattr(d, f) for f in FIELDS} | {"active": True, "source": f"{Path(filename).name}:{n}"}
            audit.append(s, actor, "user.import", "charging_user", v["id"], after=after)
        return ImportReport(len(rows), len(values), (), tuple(warnings), False, tuple(v["id"] for v in values))


def _field(column: str, column_of: dict[str, str]) -> str:
    return next((f for f, c in column_of.items() if c == column), "note")


def _cross_checks(s: Session, drafts: list[tuple[int, UserDraft]], groups: dict[str, uuid.UUID],
                  column_of: dict[str, str]) -> list[RowError]:
    """Checks that need the whole file or the database: groups, duplicate cards, already-registered people."""
    errors: list[RowError] = []
    seen_cards: dict[str, int] = {}
    seen_people: dict[tuple[str, str, str, str, str], int] = {}
    for n, d in drafts:
        if d.group and d.group not in groups:
            errors.append(RowError(n, column_of["group"], f"未知分组“{d.group}”（可用：{', '.join(sorted(groups))}）",
                                   f"unknown group {d.group!r} (known: {', '.join(sorted(groups))})"))
        if d.card_no:
            if d.card_no in seen_cards:
                errors.append(RowError(n, column_of["card_no"], f"卡号 {d.card_no} 与第 {seen_cards[d.card_no]} 行重复",
                                       f"card {d.card_no} repeats row {seen_cards[d.card_no]}"))
            seen_cards.setdefault(d.card_no, n)
        person = (d.name, d.phone, d.building, d.unit, d.room)
        if d.name and person in seen_people:
            errors.append(RowError(n, "", f"与第 {seen_people[person]} 行是同一人", f"same person as row "
                                   f"{seen_people[person]}"))  # fmt: skip
        seen_people.setdefault(person, n)
    taken: set[str] = set()
    cards = list(seen_cards)
    for i in range(0, len(cards), 500):  # IN lists of bounded size
        taken |= set(s.scalars(select(ChargingUser.card_no).where(ChargingUser.card_no.in_(cards[i:i + 500]))))
    for card in sorted(taken, key=seen_cards.__getitem__):
        errors.append(RowError(seen_cards[card], column_of["card_no"], f"卡号 {card} 已被登记",
                               f"card {card} is already registered"))  # fmt: skip
    people = list(seen_people)
    cols = (ChargingUser.name, ChargingUser.phone, ChargingUser.building, ChargingUser.unit, ChargingUser.room)
    for i in range(0, len(people), 200):
        for hit in s.execute(select(*cols).where(tuple_(*cols).in_(people[i:i + 200]))):
            errors.append(RowError(seen_people[hit], "", f"{hit[0]} 已登记（同姓名、电话和房号）",
                                   f"{hit[0]} is already registered (same name, phone and room)"))  # fmt: skip
    return errors
