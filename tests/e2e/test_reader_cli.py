"""`chargedesk sim reader` as a real process: the desk's driver finds a card on it; cards persist."""

from __future__ import annotations

import subprocess
from pathlib import Path

from comm.pn532.device import PN532
from tests.e2e.test_cli import CLI, ROOT, env


def test_sim_reader_serves_a_blank_card_and_keeps_it(tmp_path: Path) -> None:
    link = tmp_path / "ttyPN532"
    cards = tmp_path / "cards"
    proc = subprocess.Popen([*CLI, "sim", "reader", "--link", str(link), "--cards-dir", str(cards), "--blank", "0"],
                            env=env(tmp_path), cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdin and proc.stdout
        assert "virtual PN532 reader on" in proc.stdout.readline()
        proc.stdin.write("blank\n")
        proc.stdin.flush()
        placed = proc.stdout.readline()
        assert "placed" in placed
        dev = PN532.open(str(link))
        try:
            assert str(dev.firmware) == "PN532 v1.6"
            assert dev.select().uid.hex().upper() in placed
        finally:
            dev.close()
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(list(cards.glob("*.mfd"))) == 1 and not link.exists()
