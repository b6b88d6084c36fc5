"""The commands a newcomer and an installer use, run as real processes."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from db.models import ChargeSession, Pile, Port
from tests.e2e.site import wait_for

CLI = [sys.executable, "-m", "app.cli"]
ROOT = Path(__file__).parents[2]


def env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data"),
            "XDG_RUNTIME_DIR": str(tmp_path / "run"), "PYTHONPATH": str(ROOT)}


def test_demo_once_prints_a_live_summary_of_the_whole_community(tmp_path: Path) -> None:
    out = subprocess.run([*CLI, "demo", "--once", "6"], env=env(tmp_path), capture_output=True, text=True,
                         timeout=120, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    # every pile of the six communities answered: 72 e-bike piles (Modbus) and 12 car piles (OCPP)
    assert "84/84" in out.stdout, out.stdout
    total = re.search(r"^total\s+84/84\s+(\d+)", out.stdout, re.M)
    assert total and int(total.group(1)) > 50, out.stdout  # ~35 % of 720 ports start mid-session
    demo_db = tmp_path / "data" / "ChargeDesk" / "demo.db"
    assert demo_db.exists()
    with sqlite3.connect(demo_db) as con:  # ordered charging is on in every community of a new demo
        assert con.execute("SELECT count(*) FROM ordered_setting WHERE enabled").fetchone() == (6,)


def test_sim_provision_ctl_and_headless_engine(tmp_path: Path) -> None:
    db = tmp_path / "site.db"
    url = f"sqlite:///{db}"
    sim = subprocess.Popen([*CLI, "sim", "--tcp-base-port", "0", "--control-port", "0", "--run-dir",
                            str(tmp_path / "ttys"), "--provision", url], env=env(tmp_path), cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    engine = None
    try:
        lines: list[str] = []
        assert sim.stdout is not None
        while not any("Ctrl-C" in x for x in lines):
            line = sim.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        assert "RS-485 XC01/485-1" in text and "72 new piles" in text, text
        port = int(re.search(r"--control-port (\d+)", text).group(1))  # type: ignore[union-attr]
        ctl = [*CLI, "sim", "ctl", "--control-port", str(port)]

        def run(*a: str) -> subprocess.CompletedProcess[str]:
            return subprocess.run([*ctl, *a], env=env(tmp_path), cwd=ROOT, capture_output=True, text=True, timeout=30)

        # find a free port on an Ethernet pile, plug a bike and pay two coins there
        for n in range(1, 11):
            if '"plugged": true' in run("plug", "XC02-P08", str(n)).stdout:
                break
        else:
            raise AssertionError("no free port on XC02-P08")
        coins = run("coins", "XC02-P08", str(n), "2")
        assert '"kept": 2' in coins.stdout, coins.stdout + coins.stderr
        assert run("nonsense", "XC02-P08").returncode == 1  # a bad action is answered, not fatal
        engine = subprocess.Popen([*CLI, "engine", "--db", url, "--summary", "0"], env=env(tmp_path), cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dbe = create_engine(url)

        def session_rows() -> list[ChargeSession]:
            with Session(dbe) as s:
                return list(s.scalars(select(ChargeSession).join(Port).join(Pile).where(
                    Pile.code == "XC02-P08", Port.number == n)))

        rows = wait_for(session_rows, timeout=30)
        assert rows[0].payment == "COIN" and rows[0].status == "active"
        dbe.dispose()
    finally:
        for p in (engine, sim):
            if p is not None:
                p.send_signal(signal.SIGINT if p is sim else signal.SIGTERM)
        for p in (engine, sim):
            if p is not None:
                try:
                    p.wait(20)
                except subprocess.TimeoutExpired:
                    p.kill()
    assert sim.returncode == 0
