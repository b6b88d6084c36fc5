"""Firmware upgrade end to end: the real engine polling the simulated piles over the real pty bus at 9600
baud (and TCP), the upgrade service sending the image block by block between the polls of the other
piles; success, a flash that corrupts the image, a noisy line, an image that does not boot, an image
that boots broken, and cancelling."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.domain import passwords
from app.domain.errors import Conflict, PermissionDenied, ValidationError
from app.domain.permissions import Role
from app.engine.commands import CommandOutcome
from app.engine.om_commands import FirmwareBlock, FirmwareCtl
from app.services import audit
from app.services.audit import AuditFilter
from app.services.firmware import FirmwareUpgrade, Outcome, Progress, UpgradeSettings
from comm.pile.firmware import FirmwareImage, blocks
from comm.pile.messages import FirmwareCommand, FirmwareState, PileFault
from db.engine import make_engine
from db.models import Pile, PileEvent
from tests.app.services.conftest import Desk, make_desk
from tests.e2e.site import BUS_PILES, TCP_PILES, Site, build_site, wait_for

QUICK = UpgradeSettings(boot_timeout_s=20, poll_s=0.2, command_timeout_s=15, transfer_attempts=3)


def image(size: int, version: tuple[int, int, int] = (1, 3, 0)) -> FirmwareImage:
    return FirmwareImage("ACX10A", version, random.Random(size).randbytes(size))


@pytest.fixture
def desk(site: Site) -> Iterator[Desk]:
    passwords.configure(time_cost=1, memory_cost=8)
    yield make_desk(site.db)
    passwords.configure(time_cost=3, memory_cost=65536, parallelism=4)


@pytest.fixture
def quick_site(tmp_path: Path) -> Iterator[Site]:
    """SQLite only: these tests are about the transfer on the wire, which the database does not change."""
    db = make_engine(f"sqlite:///{tmp_path / 'fw.db'}")
    s = build_site(db)
    try:
        yield s
    finally:
        s.stop_engine()
        s.sim.close()
        db.dispose()


def ready(site: Site, codes: tuple[str, ...]) -> None:
    engine = site.engine or site.start_engine()
    for code in codes:
        pile = site.pile(code)
        site.on_sim(setattr, pile, "boot_s", 1.0)
        pid = site.pile_ids[code]
        wait_for(lambda: engine.snapshot().piles.get(pid) and engine.snapshot().piles[pid].online)  # noqa: B023


def test_upgrade_over_the_rs485_bus_while_the_neighbours_are_polled(site: Site, desk: Desk) -> None:
    ready(site, BUS_PILES)
    code, pid = BUS_PILES[0], site.pile_ids[BUS_PILES[0]]
    tech = desk.by_role[Role.MAINTENANCE]
    img = image(2000)
    stats = site.runtime.buses["bus-1"].server.stats
    neighbours_before = stats.per_unit[2] + stats.per_unit[3]
    reports: list[Progress] = []
    with pytest.raises(PermissionDenied):
        FirmwareUpgrade(desk.by_role[Role.MONITORING_ADMIN], desk.db, site.engine, img, [pid])
    with pytest.raises(ValidationError):  # an image for another model
        FirmwareUpgrade(tech, desk.db, site.engine, FirmwareImage("XYZ", (1, 3, 0), b"x"), [pid])
    job = FirmwareUpgrade(tech, desk.db, site.engine, img, [pid], settings=QUICK, on_progress=reports.append)
    job.start()
    with pytest.raises(Conflict):  # one upgrade per pile at a time
        FirmwareUpgrade(tech, desk.db, site.engine, img, [pid]).start()
    [r] = job.wait(60)
    assert r.outcome is Outcome.UPGRADED, r.detail
    assert (r.old_version, r.running_version, r.transfers) == ("1.2.0", "1.3.0", 1)
    sim = site.pile(code)
    assert sim.identity().firmware == "1.3.0" and sim.fw_state is FirmwareState.IDLE  # confirmed
    assert stats.per_unit[2] + stats.per_unit[3] > neighbours_before + 4  # the bus was shared, not hogged
    phases = [p.phase for p in reports]
    assert phases[0] == "transfer" and {"verify", "reboot", "confirm"} <= set(phases) and phases[-1] == "done"
    assert reports[-1].result is Outcome.UPGRADED and max(p.done_bytes for p in reports) == 2000
    with desk.db() as s:
        assert s.scalar(select(Pile.firmware).where(Pile.id == pid)) == "1.3.0"
        events = select(PileEvent).where(PileEvent.pile_id == pid, PileEvent.kind == "firmware")
        log = [e.detail for e in s.scalars(events.order_by(PileEvent.ts))]
    assert log[0].startswith("upgrade to 1.3.0 started by maintenance") and log[-1].startswith("upgraded")
    [entry] = audit.query_audit(desk.base, desk.db, AuditFilter(action="pile.firmware_upgrade"))
    assert entry.before == {"firmware": "1.2.0"} and entry.after["outcome"] == "upgraded"
    assert entry.after["image"]["crc32"] == f"{img.crc:08X}"
    # the same image again: nothing is sent
    [again] = FirmwareUpgrade(tech, desk.db, site.engine, img, [pid], settings=QUICK).run(30)
    assert again.outcome is Outcome.ALREADY and again.transfers == 0


def test_a_corrupting_flash_and_a_noisy_line_are_retried(quick_site: Site) -> None:
    site = quick_site
    ready(site, BUS_PILES)
    passwords.configure(time_cost=1, memory_cost=8)
    desk = make_desk(site.db)
    tech, code, pid = desk.by_role[Role.MAINTENANCE], BUS_PILES[1], site.pile_ids[BUS_PILES[1]]
    sim = site.pile(code)
    site.on_sim(setattr, sim, "fw_corrupt_blocks", 1)  # the first transfer is stored damaged
    site.runtime.set_noise("bus-1", 0.05)  # and 5 % of the replies on the line are garbled
    [r] = FirmwareUpgrade(tech, desk.db, site.engine, image(1200), [pid], settings=QUICK).run(90)
    site.runtime.set_noise("bus-1", 0.0)
    assert r.outcome is Outcome.UPGRADED and r.transfers == 2, r.detail
    assert site.pile(code).identity().firmware == "1.3.0"
    with desk.db() as s:
        details = list(s.scalars(select(PileEvent.detail).where(PileEvent.pile_id == pid,
                                                                PileEvent.kind == "firmware")))
    assert any("verification failed after transfer 1 (IMAGE_CRC" in d for d in details)
    # a flash that never stores it right: given up, the old image runs, nothing left half-staged
    code, pid = BUS_PILES[2], site.pile_ids[BUS_PILES[2]]
    sim = site.pile(code)
    site.on_sim(setattr, sim, "fw_corrupt_blocks", 1000)
    settings = UpgradeSettings(boot_timeout_s=20, poll_s=0.2, transfer_attempts=2)
    [r] = FirmwareUpgrade(tech, desk.db, site.engine, image(500), [pid], settings=settings).run(60)
    assert r.outcome is Outcome.FAILED and "2 transfers" in r.detail and r.running_version == "1.2.0"
    assert sim.identity().firmware == "1.2.0" and sim.fw_state is FirmwareState.IDLE


def test_a_lost_reply_to_a_firmware_command_is_settled_by_the_read_back_not_by_sending_twice(
        quick_site: Site) -> None:
    """The pile carried the command out but its reply was garbled: ACTIVATE (the pile went straight into its
    reboot) and CONFIRM (sent twice it would be refused as out of state) both count as done."""
    site = quick_site
    ready(site, BUS_PILES)
    code, pid = BUS_PILES[0], site.pile_ids[BUS_PILES[0]]
    sim, img = site.pile(code), image(300)

    def send(cmd: object) -> CommandOutcome:
        return site.engine.submit(cmd).result(30)  # type: ignore[arg-type]

    site.on_sim(setattr, sim, "_fw_seq", 41)  # an earlier console's last command: ours must not look like it
    begin = send(FirmwareCtl(pid, FirmwareCommand.BEGIN, image_size=img.size, image_crc=img.crc,
                             version=img.version))
    assert begin.ok and begin.data["status"].result_seq == 42, begin.detail
    for i, chunk in enumerate(blocks(img.payload, begin.data["status"].block_bytes)):
        assert send(FirmwareBlock(pid, i, chunk)).ok
    assert send(FirmwareCtl(pid, FirmwareCommand.VERIFY)).ok
    boots = sim.identity().boot_count
    site.on_sim(site.runtime.garble_write_replies, code, 1)
    out = send(FirmwareCtl(pid, FirmwareCommand.ACTIVATE))
    assert out.ok, out.detail
    wait_for(lambda: sim.identity().boot_count != boots and sim.fw_state is FirmwareState.TRIAL)
    site.on_sim(site.runtime.garble_write_replies, code, 1)
    out = send(FirmwareCtl(pid, FirmwareCommand.CONFIRM))
    assert out.ok and out.data["status"].state is FirmwareState.IDLE, out.detail
    assert sim.fw_state is FirmwareState.IDLE and sim.identity().firmware == "1.3.0"
    assert site.runtime.buses["bus-1"].server.faults.garbled_writes[sim.unit_id] == 0  # both were used


def test_rollback_when_the_new_image_does_not_boot_or_boots_broken(quick_site: Site) -> None:
    site = quick_site
    ready(site, BUS_PILES)
    passwords.configure(time_cost=1, memory_cost=8)
    desk = make_desk(site.db)
    tech = desk.by_role[Role.MAINTENANCE]
    no_boot, broken = BUS_PILES[0], BUS_PILES[2]
    site.on_sim(setattr, site.pile(no_boot), "fw_boot_fail", True)
    site.on_sim(setattr, site.pile(broken), "fw_bad_image", True)
    results = FirmwareUpgrade(tech, desk.db, site.engine, image(700, (2, 0, 0)),
                              [site.pile_ids[no_boot], site.pile_ids[broken]], settings=QUICK).run(90)
    by_code = {r.code: r for r in results}
    assert by_code[no_boot].outcome is Outcome.ROLLED_BACK and "did not boot" in by_code[no_boot].detail
    assert by_code[broken].outcome is Outcome.ROLLED_BACK and "internal fault" in by_code[broken].detail
    for code in (no_boot, broken):
        sim = site.pile(code)
        assert sim.identity().firmware == "1.2.0", code
        assert sim.status(site.now()).pile_fault is PileFault.NONE and sim.fw_state is FirmwareState.IDLE
        assert any("rolled back" in what for _t, what in sim.firmware_history) or code == no_boot
        assert by_code[code].running_version == "1.2.0"


def test_cancel_stops_the_transfer_and_discards_the_staged_image(quick_site: Site) -> None:
    site = quick_site
    ready(site, TCP_PILES)
    passwords.configure(time_cost=1, memory_cost=8)
    desk = make_desk(site.db)
    code, pid = TCP_PILES[0], site.pile_ids[TCP_PILES[0]]
    site.runtime.set_slow(code, 0.05)  # a slow link, so there is time to cancel
    job: FirmwareUpgrade

    def progress(p: Progress) -> None:
        if p.phase == "transfer" and p.done_bytes >= 2400:
            job.cancel()

    job = FirmwareUpgrade(desk.by_role[Role.FACILITY_ADMIN], desk.db, site.engine, image(48_000), [pid],
                          settings=QUICK, on_progress=progress)
    [r] = job.run(60)
    assert r.outcome is Outcome.CANCELLED and r.running_version == "1.2.0"
    sim = site.pile(code)
    assert sim.fw_state is FirmwareState.IDLE and sim.firmware_status().received == 0
    assert sim.identity().firmware == "1.2.0"
