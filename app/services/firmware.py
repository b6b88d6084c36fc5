"""Remote firmware upgrade of Modbus piles (M1.5, M8.2): transfer, verification, activation, and rollback
when the pile does not come back healthy with the new version.

One ``FirmwareUpgrade`` job upgrades a set of piles, each on its own worker thread. The bus stays the
engine's: every step is one small command through ``engine.submit`` (a block, a read-back), so the
other piles of a line keep being polled between two blocks. Per pile:

1. read the identity (old version, boot count); a pile already on the version is left alone;
2. BEGIN, then every block in order; a refused or unanswered block is retried from the pile's own
   ``next_block``; VERIFY must report the image's CRC-32, else the whole transfer is repeated;
3. ACTIVATE (waiting while ports are charging), then wait for the pile to answer with a new boot count;
4. new version and no pile fault → CONFIRM; the old version (it did not boot) or a fault → ROLLBACK
   and check the old version runs again.

Every phase goes to the pile's event log (pile_event, kind "firmware"); the result is audited.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any, Protocol

from sqlalchemy import select, update

from app.domain.errors import Conflict, ValidationError
from app.domain.permissions import Actor, Permission, require
from app.engine.commands import CommandOutcome
from app.engine.om_commands import FirmwareBlock, FirmwareCtl, ReadDiagnostics, ReadFirmware, ReadIdentity
from app.services import audit
from app.services.unit import Db, transaction, write
from comm.pile.firmware import FirmwareImage, FirmwareStatus, blocks, version_text
from comm.pile.messages import FirmwareCommand, FirmwareError, FirmwareState, PileFault, PileIdentity
from db.models import Pile, PileEvent
from db.types import utcnow

log = logging.getLogger(__name__)


class Engine(Protocol):
    def submit(self, cmd: Any) -> concurrent.futures.Future[CommandOutcome]: ...


class Outcome(StrEnum):
    UPGRADED = "upgraded"
    ALREADY = "already"  # the pile already runs this version
    ROLLED_BACK = "rolled_back"  # the new image was tried and the pile is back on the old one
    FAILED = "failed"  # not upgraded; the old image still runs (or the pile needs a visit: see detail)
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class UpgradeSettings:
    block_retries: int = 5  # consecutive failures of one block before the transfer is given up
    transfer_attempts: int = 3  # whole transfers when VERIFY finds the stored image damaged
    boot_timeout_s: float = 120.0  # the pile must answer with a new boot count within this
    poll_s: float = 0.5
    busy_wait_s: float = 600.0  # wait this long for charging ports to finish before activating
    busy_poll_s: float = 10.0
    command_timeout_s: float = 30.0


@dataclass(frozen=True, slots=True)
class Progress:
    pile_id: uuid.UUID
    code: str
    phase: str  # read | transfer | verify | activate | reboot | confirm | rollback | done
    done_bytes: int
    total_bytes: int
    attempt: int
    message: str
    result: Outcome | None = None  # set on the last report


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    pile_id: uuid.UUID
    code: str
    outcome: Outcome
    old_version: str
    running_version: str
    detail: str
    transfers: int
    seconds: float


class _Cancelled(Exception):
    pass


class _Failed(Exception):
    def __init__(self, detail: str, outcome: Outcome = Outcome.FAILED) -> None:
        super().__init__(detail)
        self.outcome = outcome


_busy: set[uuid.UUID] = set()
_busy_lock = threading.Lock()


class FirmwareUpgrade:
    def __init__(self, actor: Actor, db: Db, engine: Engine, image: FirmwareImage, pile_ids: list[uuid.UUID], *,
                 settings: UpgradeSettings | None = None, on_progress: Callable[[Progress], None] | None = None
                 ) -> None:
        require(actor, Permission.UPGRADE_FIRMWARE)
        self.actor, self.db, self.engine, self.image = actor, db, engine, image
        self.settings = settings or UpgradeSettings()
        self.on_progress = on_progress
        with write(db, actor, Permission.UPGRADE_FIRMWARE) as s:
            rows = s.execute(select(Pile.id, Pile.code, Pile.model).where(Pile.id.in_(pile_ids))).all()
        self.piles = {pid: code for pid, code, _m in rows}
        missing = [str(p) for p in pile_ids if p not in self.piles]
        wrong = [code for _pid, code, model in rows if model.upper() != image.model.upper()]
        if missing or wrong:
            raise ValidationError(f"固件型号 {image.model} 与充电桩不符：{', '.join(wrong + missing)}",
                                  f"the image is for {image.model}, not for: {', '.join(wrong + missing)}",
                                  field="piles")
        self._cancel: dict[uuid.UUID, threading.Event] = {pid: threading.Event() for pid in self.piles}
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._futures: dict[uuid.UUID, concurrent.futures.Future[UpgradeResult]] = {}

    # -- control -----------------------------------------------------------------------------------
    def start(self) -> None:
        with _busy_lock:
            taken = [self.piles[p] for p in self.piles if p in _busy]
            if taken:
                raise Conflict(f"这些充电桩正在升级：{', '.join(taken)}", f"already being upgraded: {', '.join(taken)}")
            _busy.update(self.piles)
        self._pool = concurrent.futures.ThreadPoolExecutor(max(1, min(16, len(self.piles))),
                                                           thread_name_prefix="chargedesk-firmware")
        self._futures = {pid: self._pool.submit(self._run_one, pid) for pid in self.piles}
        self._pool.shutdown(wait=False)

    def cancel(self, pile_id: uuid.UUID | None = None) -> None:
        """Stop before the next block (a pile already rebooting into its new image finishes that first)."""
        for pid, ev in self._cancel.items():
            if pile_id is None or pid == pile_id:
                ev.set()

    def wait(self, timeout: float | None = None) -> list[UpgradeResult]:
        done, _ = concurrent.futures.wait(list(self._futures.values()), timeout=timeout)
        return [f.result() for f in self._futures.values() if f in done]

    def run(self, timeout: float | None = None) -> list[UpgradeResult]:
        self.start()
        return self.wait(timeout)

    # -- one pile ----------------------------------------------------------------------------------
    def _run_one(self, pid: uuid.UUID) -> UpgradeResult:
        t0, code, img = time.monotonic(), self.piles[pid], self.image
        job = _Job(self, pid, code)
        old = running = "?"
        try:
            self._event(pid, "info", f"upgrade to {version_text(img.version)} started by {self.actor.login} "
                        f"({img.size} bytes, CRC-32 {img.crc:08X})")
            ident = job.identity()
            old = running = ident.firmware
            if (ident.fw_major, ident.fw_minor, ident.fw_patch) == img.version:
                outcome, detail = Outcome.ALREADY, f"already runs {old}"
            else:
                job.transfer()
                running, outcome, detail = job.activate(ident)
        except _Cancelled:
            job.ctl(FirmwareCommand.ABORT, quiet=True)
            outcome, detail = Outcome.CANCELLED, "cancelled; the staged image was discarded"
        except _Failed as exc:
            outcome, detail = exc.outcome, str(exc)
            if outcome is Outcome.FAILED:
                job.ctl(FirmwareCommand.ABORT, quiet=True)
        except Exception as exc:  # the database or the engine went away: report, never hang the job
            log.exception("firmware upgrade of %s", code)
            outcome, detail = Outcome.FAILED, f"{type(exc).__name__}: {exc}"
        finally:
            with _busy_lock:
                _busy.discard(pid)
        result = UpgradeResult(pid, code, outcome, old, running, detail, job.transfers, time.monotonic() - t0)
        try:
            self._finish(result)
        except Exception:  # the pile did what it did; say the record is missing
            log.exception("firmware upgrade of %s: result not recorded", code)
        job.report("done", detail, result=outcome)
        return result

    def _event(self, pid: uuid.UUID, severity: str, detail: str) -> None:
        with transaction(self.db) as s:
            s.add(PileEvent(pile_id=pid, ts=utcnow(), kind="firmware", severity=severity, detail=detail))

    def _finish(self, r: UpgradeResult) -> None:
        sev = {Outcome.UPGRADED: "info", Outcome.ALREADY: "info", Outcome.CANCELLED: "warning"}.get(r.outcome, "major")
        with write(self.db, self.actor, Permission.UPGRADE_FIRMWARE) as s:
            s.add(PileEvent(pile_id=r.pile_id, ts=utcnow(), kind="firmware", severity=sev,
                            detail=f"{r.outcome.value}: {r.detail}"))
            if r.running_version != "?":
                s.execute(update(Pile).where(Pile.id == r.pile_id).values(
                    firmware=r.running_version, version=Pile.version + 1, updated_at=utcnow()))
            image = image_summary(self.image)
            after = {k: (v.value if isinstance(v, StrEnum) else v) for k, v in asdict(r).items()
                     if k not in ("pile_id", "seconds")}
            audit.append(s, self.actor, "pile.firmware_upgrade", "pile", r.pile_id,
                         before={"firmware": r.old_version}, after=after | {"image": image})


class _Job:
    """The steps of one pile's upgrade, each a command through the engine."""

    def __init__(self, up: FirmwareUpgrade, pid: uuid.UUID, code: str) -> None:
        self.up, self.pid, self.code = up, pid, code
        self.s = up.settings
        self.transfers = 0
        self.done = 0
        self._last_report = 0.0

    def report(self, phase: str, message: str, *, result: Outcome | None = None, force: bool = False) -> None:
        now = time.monotonic()
        if self.up.on_progress is None or (not force and result is None and now - self._last_report < 0.2):
            return
        self._last_report = now
        try:
            self.up.on_progress(Progress(self.pid, self.code, phase, self.done, self.up.image.size, self.transfers,
                                         message, result))
        except Exception:
            log.exception("progress callback failed")

    def _check(self) -> None:
        if self.up._cancel[self.pid].is_set():
            raise _Cancelled

    def send(self, cmd: Any) -> CommandOutcome:
        return self.up.engine.submit(cmd).result(self.s.command_timeout_s)

    def ctl(self, command: FirmwareCommand, *, quiet: bool = False, **kw: Any) -> FirmwareStatus | None:
        out = self.send(FirmwareCtl(self.pid, command, issued_by=self.up.actor.login, **kw))
        status: FirmwareStatus | None = out.data.get("status")
        if not out.ok and not quiet and command is not FirmwareCommand.ACTIVATE:
            raise _Failed(f"{command.value} refused: {out.detail}")
        return status

    def identity(self) -> PileIdentity:
        out = self.send(ReadIdentity(self.pid))
        if not out.ok:
            raise _Failed(f"the pile does not answer: {out.detail}")
        ident: PileIdentity = out.data["identity"]
        return ident

    def transfer(self) -> None:
        img = self.up.image
        for attempt in range(1, self.s.transfer_attempts + 1):
            self.transfers, self.done = attempt, 0
            status = self.ctl(FirmwareCommand.BEGIN, image_size=img.size, image_crc=img.crc, version=img.version)
            assert status is not None
            if status.state is not FirmwareState.RECEIVING:
                raise _Failed(f"the pile did not start receiving ({status.error.value})")
            chunks = blocks(img.payload, status.block_bytes)
            self.report("transfer", f"transfer {attempt}: {len(chunks)} blocks of {status.block_bytes} bytes",
                        force=True)
            index, failures = 0, 0
            while index < len(chunks):
                self._check()
                out = self.send(FirmwareBlock(self.pid, index, chunks[index]))
                if out.ok:
                    index, failures = index + 1, 0
                    self.done = min(img.size, index * status.block_bytes)
                    self.report("transfer", f"block {index}/{len(chunks)}")
                    continue
                failures += 1
                if failures > self.s.block_retries:
                    raise _Failed(f"block {index} failed {failures} times: {out.detail}")
                back = self.send(ReadFirmware(self.pid))
                st: FirmwareStatus | None = back.data.get("status")
                if st is not None and st.state is FirmwareState.RECEIVING:
                    index = st.next_block  # go on from where the pile is
            self.report("verify", "verifying the stored image", force=True)
            status = self.ctl(FirmwareCommand.VERIFY, quiet=True)
            if status is not None and status.state is FirmwareState.VERIFIED and status.computed_crc == img.crc:
                self.up._event(self.pid, "info", f"image stored and verified (CRC-32 {img.crc:08X}, transfer "
                               f"{attempt})")
                return
            why = status.error.value if status is not None else "no answer"
            self.up._event(self.pid, "warning", f"verification failed after transfer {attempt} ({why}, CRC-32 "
                           f"{status.computed_crc if status else 0:08X} ≠ {img.crc:08X})")
            self.report("verify", f"verification failed ({why}); sending again", force=True)
        raise _Failed(f"the image could not be stored intact in {self.s.transfer_attempts} transfers")

    def activate(self, before: PileIdentity) -> tuple[str, Outcome, str]:
        img, target = self.up.image, version_text(self.up.image.version)
        waited = 0.0
        while True:
            self._check()
            out = self.send(FirmwareCtl(self.pid, FirmwareCommand.ACTIVATE, issued_by=self.up.actor.login))
            if out.ok:
                break
            st = out.data.get("status")
            if st is None or st.error is not FirmwareError.PORTS_BUSY or waited >= self.s.busy_wait_s:
                raise _Failed(f"activation refused: {st.error.value if st else out.detail}")
            self.report("activate", "waiting for the charging ports to finish", force=True)
            time.sleep(self.s.busy_poll_s)
            waited += self.s.busy_poll_s
        self.up._event(self.pid, "info", f"activated {target}; rebooting")
        self.report("reboot", "rebooting into the new image", force=True)
        ident = self._back_from_boot(before.boot_count)
        running = ident.firmware
        if (ident.fw_major, ident.fw_minor, ident.fw_patch) != img.version:
            self.ctl(FirmwareCommand.ROLLBACK, quiet=True)  # the bootloader went back: acknowledge it
            again = self.identity()
            self.up._event(self.pid, "major", f"{target} did not boot; the pile runs {again.firmware} again")
            raise _Failed(f"{target} did not boot; the pile runs {again.firmware} again", Outcome.ROLLED_BACK)
        diag = self.send(ReadDiagnostics(self.pid))
        status = diag.data.get("status")
        if diag.ok and status is not None and status.pile_fault is not PileFault.INTERNAL:
            self.report("confirm", f"{running} is up; confirming", force=True)
            self.ctl(FirmwareCommand.CONFIRM)
            return running, Outcome.UPGRADED, f"upgraded {before.firmware} → {running}"
        why = "an internal fault" if status is not None else "no status"
        self.report("rollback", f"{running} reports {why}; rolling back", force=True)
        self.up._event(self.pid, "major", f"{running} came up with {why}; rolling back to {before.firmware}")
        self.ctl(FirmwareCommand.ROLLBACK)
        ident = self._back_from_boot(ident.boot_count)
        if ident.firmware != before.firmware:
            raise _Failed(f"rollback left the pile on {ident.firmware}; check it on site")
        raise _Failed(f"{target} reported {why}; rolled back to {ident.firmware}", Outcome.ROLLED_BACK)

    def _back_from_boot(self, boot_count: int) -> PileIdentity:
        deadline = time.monotonic() + self.s.boot_timeout_s
        while time.monotonic() < deadline:
            out = self.send(ReadIdentity(self.pid))
            ident = out.data.get("identity") if out.ok else None
            if ident is not None and ident.boot_count != boot_count:
                return ident  # type: ignore[no-any-return]
            time.sleep(self.s.poll_s)
        raise _Failed(f"the pile did not answer within {self.s.boot_timeout_s:.0f} s of the reboot; its "
                      "bootloader returns to the previous image by itself if the new one does not start — "
                      "check it on site")


def image_summary(image: FirmwareImage) -> dict[str, object]:
    return {"model": image.model, "version": version_text(image.version), "size": image.size,
            "crc32": f"{image.crc:08X}"}
