"""Photos attached to work orders: stored once by content, checked by hash on the way out."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.services import wo_files, wo_queries, work_orders
from app.services.work_orders import OrderDraft
from tests.app.services.conftest import Desk
from tests.app.services.test_work_orders import make_site

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def test_attach_read_back_and_detect_a_changed_file(desk: Desk, tmp_path: Path) -> None:
    site = make_site(desk)
    tech = desk.by_role[Role.MAINTENANCE]
    o = work_orders.raise_order(tech, desk.db, OrderDraft(pile_id=site.piles["S1-P01"], port_number=2))
    a = wo_files.add_attachment(tech, desk.db, o.order_id, PHOTO, "C:\\photos\\port2 烧毁.png", files_dir=tmp_path)
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert (a.file_name, a.sha256, a.size_bytes, a.content_type) == ("port2 烧毁.png", sha, len(PHOTO), "image/png")
    stored = tmp_path / "attachments" / sha[:2] / sha
    assert stored.read_bytes() == PHOTO
    with pytest.raises(Conflict):
        wo_files.add_attachment(tech, desk.db, o.order_id, PHOTO, "again.png", files_dir=tmp_path)
    o2 = work_orders.raise_order(tech, desk.db, OrderDraft(pile_id=site.piles["S1-P02"]))
    wo_files.add_attachment(tech, desk.db, o2.order_id, PHOTO, "same.png", files_dir=tmp_path)  # stored once
    assert len(list((tmp_path / "attachments").rglob("*"))) == 2  # one directory, one file
    info, data = wo_files.open_attachment(desk.by_role[Role.MONITORING_ADMIN], desk.db, a.attachment_id,
                                          files_dir=tmp_path)
    assert data == PHOTO and info == a
    detail = wo_queries.get_order(tech, desk.db, o.order_id)
    assert [f.file_name for f in detail.attachments] == ["port2 烧毁.png"]
    assert detail.steps[-1].action == "attachment" and detail.steps[-1].actor_login == "maintenance"
    stored.write_bytes(PHOTO[:-1] + b"!")  # someone edits the photo on disk
    with pytest.raises(wo_files.AttachmentDamaged):
        wo_files.open_attachment(tech, desk.db, a.attachment_id, files_dir=tmp_path)
    stored.unlink()
    with pytest.raises(wo_files.AttachmentDamaged):
        wo_files.open_attachment(tech, desk.db, a.attachment_id, files_dir=tmp_path)
    with pytest.raises(ValidationError):
        wo_files.add_attachment(tech, desk.db, o.order_id, b"", "empty.jpg", files_dir=tmp_path)
    with pytest.raises(PermissionDenied):
        wo_files.add_attachment(desk.by_role[Role.CARD_ADMIN], desk.db, o.order_id, b"x", "x.jpg", files_dir=tmp_path)
