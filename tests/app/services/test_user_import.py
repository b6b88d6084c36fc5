"""Importing users from CSV and XLSX: all rows or none, every error named by row and column."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from app.domain.errors import ValidationError
from app.domain.permissions import Role
from app.domain.residents import UserDraft
from app.services import audit, users
from app.services.audit import AuditFilter
from app.services.user_import import import_users
from tests.app.services.conftest import Desk

GOOD = [
    ["姓名", "手机", "楼栋", "单元", "房号", "车型", "分组", "卡号", "备注"],
    ["张三", "13800138000", "3", "2", "501", "电动自行车", "resident", "30000001", ""],
    ["李四", "139 0013 9000", "3", "2", "502", "trike", "monthly", "", "包月"],
    ["王五", "", "5", "1", "101", "", "", "", ""],
]


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    import csv

    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _fac(desk: Desk):  # type: ignore[no-untyped-def]
    return desk.by_role[Role.FACILITY_ADMIN]


@pytest.mark.parametrize("fmt", ["csv", "csv-gbk", "xlsx"])
def test_good_file_imports_every_row(desk: Desk, fmt: str) -> None:
    if fmt == "xlsx":
        # Excel stores numbers as numbers: a phone and a room typed into cells come back as floats.
        rows: list[list[object]] = [GOOD[0], [*GOOD[1][:1], 13800138000.0, 3, 2, 501.0, *GOOD[1][5:]], *GOOD[2:]]
        data, name = _xlsx(rows), "住户.xlsx"
    else:
        data, name = _csv(GOOD, "gbk" if fmt == "csv-gbk" else "utf-8-sig"), "住户.csv"
    report = import_users(_fac(desk), desk.db, data, name)
    assert report.ok and (report.rows, report.imported, len(report.user_ids)) == (3, 3, 3)
    found = {u.name: u for u in users.search_users(_fac(desk), desk.db)}
    assert found["张三"].phone == "13800138000" and found["张三"].room == "501" and found["张三"].card_no == "30000001"
    assert found["李四"].phone == "13900139000" and found["李四"].group_code == "monthly"
    assert found["李四"].vehicle_class == "trike" and found["李四"].note == "包月"
    records = audit.query_audit(desk.base, desk.db, AuditFilter(action="user.import"))
    assert len(records) == 3 and {r.after["source"] for r in records} == {f"{name}:{n}" for n in (2, 3, 4)}
    desk.assert_books_ok()


def test_a_bad_row_imports_nothing_and_every_error_is_named(desk: Desk) -> None:
    desk.user("赵六", phone="13700137000", building="1", unit="1", room="1")
    users.register_user(_fac(desk), desk.db, UserDraft(name="老卡", card_no="99999999"))
    rows = [
        ["name", "phone", "building", "unit", "room", "vehicle_class", "group", "card_no", "colour"],
        ["张三", "13800138000", "3", "2", "501", "ebike", "", "C1000", "red"],  # row 2: fine
        ["", "12345", "3", "2", "502", "bus", "vip", "", ""],  # row 3: four bad cells
        ["李四", "", "", "", "", "", "", "C1000", ""],  # row 4: card repeats row 2
        ["赵六", "13700137000", "1", "1", "1", "", "", "", ""],  # row 5: already registered
        ["", "", "", "", "", "", "", "", ""],  # blank: skipped
        ["王五", "", "", "", "", "", "", "99999999", ""],  # row 7: card taken in the database
        ["张三", "13800138000", "3", "2", "501", "ebike", "", "", ""],  # row 8: same person as row 2
    ]
    before = desk.snapshot()
    report = import_users(_fac(desk), desk.db, _csv(rows), "bad.csv")
    assert not report.ok and report.imported == 0 and report.rows == 6
    assert desk.snapshot() == before  # not one row went in
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "name"), (3, "phone"), (3, "vehicle_class"), (3, "group"),
        (4, "card_no"), (5, ""), (7, "card_no"), (8, ""),
    ]  # fmt: skip
    by_cell = {(e.row, e.column): e for e in report.errors}
    assert "required" in by_cell[(3, "name")].en and "姓名" in by_cell[(3, "name")].zh
    assert "12345" in by_cell[(3, "phone")].en
    assert "row 2" in by_cell[(4, "card_no")].en
    assert "already registered" in by_cell[(5, "")].en and "99999999" in by_cell[(7, "card_no")].en
    assert "row 3" in str(by_cell[(3, "phone")]) and "第 3 行" in str(by_cell[(3, "phone")])
    assert any("colour" in w for w in report.warnings)


def test_chinese_headers_are_reported_as_written(desk: Desk) -> None:
    rows = [GOOD[0], ["张三", "1380013800", "3", "2", "501", "", "", "", ""]]
    report = import_users(_fac(desk), desk.db, _csv(rows), "x.csv")
    assert [(e.row, e.column) for e in report.errors] == [(2, "手机")]


def test_dry_run_reports_without_writing(desk: Desk) -> None:
    before = desk.snapshot()
    report = import_users(_fac(desk), desk.db, _csv(GOOD), "x.csv", dry_run=True)
    assert report.ok and report.dry_run and report.imported == 0 and report.rows == 3
    assert desk.snapshot() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "x.csv", "empty"), (b"phone\n13800138000\n", "x.csv", "'name'"), (b"name,name\na,b\n", "x.csv", "twice"),
        (b"not a workbook", "x.xlsx", "Excel"), (b"name\n", "x.pdf", ".csv and .xlsx"),
    ],
)  # fmt: skip
def test_unusable_files(desk: Desk, data: bytes, name: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        import_users(_fac(desk), desk.db, data, name)
