"""Scale: the headless engine polling 1 000 simulated ports (100 Ethernet piles) over TCP.

The simulator and the engine run as separate processes (`chargedesk sim`, `chargedesk engine`),
as on a site; the engine process's CPU and resident memory are sampled with psutil, and the
simulator's are printed beside them. Target: engine below 150 MB RSS.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

PILES = 100
STATIONS = 10


def _config(path: Path) -> None:
    out = ["seed = 7", "speed = 1.0", "residents = 700", ""]
    for s in range(STATIONS):
        out += [
            "[[stations]]", f'code = "S{s:02d}"', f'name = "规模测试{s:02d}"', f'name_en = "Scale {s:02d}"',
            'address = "bench"', f"lat = {34.0 + s * 0.01:.2f}", "lon = 113.85", "charging_limit_w = 100000",
            "plan = [1200, 800]", "tcp_piles = [",
        ]
        per = PILES // STATIONS
        out += [f'  {{ code = "S{s:02d}-P{p:02d}", x = {100 + p * 100}, y = 400, ports = "eeeeeeeeee" }},'
                for p in range(per)]
        out += ["]", ""]
    path.write_text("\n".join(out), encoding="utf-8")


def _count(url: str) -> int:
    from sqlalchemy import create_engine, text

    eng = create_engine(url)
    with eng.connect() as c:
        n = int(c.execute(text("SELECT count(*) FROM port_sample")).scalar() or 0)
    eng.dispose()
    return n


def _sample(proc: psutil.Process, seconds: float) -> tuple[float, float]:
    """(CPU % of one core averaged over the window, peak RSS in MB)."""
    proc.cpu_percent(None)
    peak = 0.0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        peak = max(peak, proc.memory_info().rss / 2**20)
        time.sleep(0.5)
    return proc.cpu_percent(None), peak


def run(*, quick: bool = False) -> list[str]:
    seconds = 15.0 if quick else 40.0
    cli = [sys.executable, "-m", "app.cli"]
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        _config(tmpd / "scale.toml")
        url = f"sqlite:///{tmpd / 'scale.db'}"
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
        sim = subprocess.Popen([*cli, "sim", "--config", str(tmpd / "scale.toml"), "--tcp-base-port", "0",
                                "--control-port", "0", "--run-dir", str(tmpd / "tty"), "--provision", url],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        engine = None
        try:
            assert sim.stdout is not None
            text = ""
            while "Ctrl-C" not in text:
                line = sim.stdout.readline()
                if not line:
                    raise RuntimeError("simulator did not start:\n" + text)
                text += line
            engine = subprocess.Popen([*cli, "engine", "--db", url, "--summary", "0"], env=env,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            time.sleep(8)  # connect, read identities, settle
            ep = psutil.Process(engine.pid)
            sp = psutil.Process(sim.pid)
            sp.cpu_percent(None)
            cpu, rss = _sample(ep, seconds)
            sim_cpu, sim_rss = sp.cpu_percent(None), sp.memory_info().rss / 2**20
            samples = _count(url)
            ports = int(re.search(r"(\d+) new ports", text).group(1)) if "new ports" in text else 0  # type: ignore[union-attr]
        finally:
            for p, sig in ((engine, signal.SIGTERM), (sim, signal.SIGINT)):
                if p is not None:
                    p.send_signal(sig)
                    try:
                        p.wait(20)
                    except subprocess.TimeoutExpired:
                        p.kill()
    return [
        f"{PILES} Ethernet piles, {ports} ports, one TCP connection each, sampled {seconds:.0f} s",
        f"engine wrote {samples} port samples (1 per charging port per 10 s) while sampled",
        f"engine process:    CPU {cpu:5.1f} % of one core, peak RSS {rss:6.1f} MB (target < 150 MB)",
        f"simulator process: CPU {sim_cpu:5.1f} % of one core, RSS {sim_rss:6.1f} MB (for comparison)",
    ]
