"""Photos and other files attached to work orders.

A file is stored once under the data directory as ``attachments/<sha256[:2]>/<sha256>`` (content
addressed: the same photo attached twice takes the space once), written before the database row is
committed; the row keeps the SHA-256, so reading a file back checks it was not changed or swapped.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import uuid
from pathlib import Path, PureWindowsPath

import platformdirs
from sqlalchemy.exc import IntegrityError

from app.domain.errors import ChargeDeskError, Conflict, NotFound, ValidationError
from app.domain.permissions import Actor, Permission
from app.services.unit import Db, read, write
from app.services.wo_queries import AttachmentInfo, attachment_info
from app.services.work_orders import _load, _step
from db.models_maintenance import WorkOrderAttachment
from db.types import utcnow

MAX_BYTES = 20 * 1024 * 1024


class AttachmentDamaged(ChargeDeskError):
    def __init__(self, name: str) -> None:
        super().__init__(f"附件「{name}」的文件已丢失或被改动",
                         f"the file of attachment '{name}' is missing or was changed")


def default_files_dir() -> Path:
    return Path(platformdirs.user_data_dir("ChargeDesk", appauthor=False))


def _path(files_dir: Path, sha: str) -> Path:
    return files_dir / "attachments" / sha[:2] / sha


def _store(files_dir: Path, data: bytes, sha: str) -> None:
    path = _path(files_dir, sha)
    if path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == sha:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{uuid.uuid4().hex}.part")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)  # atomic: a reader never sees half a photo


def add_attachment(actor: Actor, db: Db, order_id: uuid.UUID, data: bytes, file_name: str, *,
                   files_dir: Path | None = None) -> AttachmentInfo:
    """Attach a file (a photo of the damage, of the repaired port …) to an order."""
    if not data:
        raise ValidationError("文件为空", "the file is empty", field="file")
    if len(data) > MAX_BYTES:
        raise ValidationError("文件超过 20 MB", "the file is larger than 20 MB", field="file")
    name = PureWindowsPath(file_name).name or "attachment"  # either separator: the GUI may run on Windows
    sha = hashlib.sha256(data).hexdigest()
    with write(db, actor, Permission.RAISE_WORK_ORDERS) as s:
        order = _load(s, order_id)
        _store(files_dir or default_files_dir(), data, sha)
        now = utcnow()
        row = WorkOrderAttachment(order_id=order.id, ts=now, actor_login=actor.login, file_name=name[:255],
                                  sha256=sha, size_bytes=len(data),
                                  content_type=(mimetypes.guess_type(name)[0] or "application/octet-stream")[:64])
        try:
            with s.begin_nested():
                s.add(row)
        except IntegrityError:
            raise Conflict("该文件已附在此工单上", "this file is already attached to the order") from None
        _step(s, order, actor.login, "attachment", now, note=name, data={"sha256": sha, "bytes": len(data)})
        s.flush()
        return attachment_info(row)


def open_attachment(actor: Actor, db: Db, attachment_id: uuid.UUID, *, files_dir: Path | None = None
                    ) -> tuple[AttachmentInfo, bytes]:
    """The file's content, checked against its recorded SHA-256 (AttachmentDamaged otherwise)."""
    with read(db, actor, Permission.VIEW_WORK_ORDERS) as s:
        row = s.get(WorkOrderAttachment, attachment_id)
        if row is None:
            raise NotFound("附件", "attachment", attachment_id)
        info = attachment_info(row)
    path = _path(files_dir or default_files_dir(), info.sha256)
    try:
        data = path.read_bytes()
    except OSError:
        raise AttachmentDamaged(info.file_name) from None
    if hashlib.sha256(data).hexdigest() != info.sha256:
        raise AttachmentDamaged(info.file_name)
    return info, data
