"""`chargedesk firmware pack|inspect`, `chargedesk workorders escalate`, and the simulator's maintenance faults."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from app.cli import main
from comm.pile.firmware import FirmwareImage
from comm.pile.messages import PortFault
from comm.sim.pile_maint import sim_action
from comm.sim.pile_model import SimPile


def test_pack_and_inspect_an_image(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = tmp_path / "app.bin"
    payload.write_bytes(random.Random(3).randbytes(3000))
    out = tmp_path / "acx10a-1.3.0.cdfw"
    assert main(["firmware", "pack", str(payload), "--model", "acx10a", "--version", "1.3.0", "-o", str(out)]) == 0
    image = FirmwareImage.load(out)
    assert (image.model, image.version, image.payload) == ("ACX10A", (1, 3, 0), payload.read_bytes())
    assert main(["firmware", "inspect", str(out)]) == 0
    assert f"CRC-32 {image.crc:08X}" in capsys.readouterr().out
    damaged = bytearray(out.read_bytes())
    damaged[-1] ^= 0xFF
    out.write_bytes(bytes(damaged))
    assert main(["firmware", "inspect", str(out)]) == 1
    assert "damaged" in capsys.readouterr().err
    assert main(["firmware", "pack", str(payload), "--model", "ACX10A", "--version", "1.3", "-o", str(out)]) == 1


def test_escalate_from_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workorders", "escalate", "--db", f"sqlite:///{tmp_path / 'c.db'}"]) == 0
    assert "0 orders escalated" in capsys.readouterr().out


def test_simulator_maintenance_faults() -> None:
    pile = SimPile(code="P", serial="S", unit_id=1, rng=random.Random(1), now=0.0)
    assert sim_action(pile, "fw-boot-fail", [])["boot_fail"] is True
    assert sim_action(pile, "fw-corrupt", ["3"])["corrupt_blocks"] == 3
    assert sim_action(pile, "fw-ok", []) == {"firmware": "1.2.0", "boot_fail": False, "bad_image": False,
                                              "corrupt_blocks": 0}
    assert sim_action(pile, "latent", ["4", "line_fault"]) == {"latent": "LINE_FAULT", "port": 4}
    assert pile.latent_faults == {4: PortFault.LINE_FAULT}
    with pytest.raises(ValueError):
        sim_action(pile, "fw-explode", [])
