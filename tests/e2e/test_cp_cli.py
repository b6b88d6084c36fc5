"""`chargedesk cp`: register, list, reject and accept again car charge points from a terminal (signed in, audited)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from app.domain.charge_point_auth import verify_key
from app.services import accounts
from app.services.provisioning import StationPlan, provision
from db.engine import make_engine, session_factory
from db.migrate import upgrade
from db.models_ocpp import ChargePoint
from tests.e2e.test_cli import ROOT, env

PW = "boss-pass-1234"


def cli(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app.cli", "cp", *args, "--db", url], input=f"boss\n{PW}\n",
                          env=env(tmp), capture_output=True, text=True, timeout=60, cwd=ROOT)


def test_register_list_and_reject(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cp.db'}"
    engine = make_engine(url)
    upgrade(engine)
    db = session_factory(engine)
    with db() as s, s.begin():
        provision(s, operator_code="T", operator_name="t", stations=[StationPlan("T01", "测试小区", 60_000)])
    accounts.create_base_account(db, login="boss", display_name="Boss", password=PW)
    out = cli(tmp_path, url, "register", "WALLBOX-9", "--station", "T01", "--pile", "T01-C09")
    assert out.returncode == 0, out.stderr
    key = out.stdout.strip().splitlines()[-1].rsplit(" ", 1)[-1]
    with db() as s:
        cp = s.scalars(select(ChargePoint).where(ChargePoint.identity == "WALLBOX-9")).one()
        assert cp.status == "accepted" and cp.pile_id is not None and verify_key(key, cp.password_hash)
    listed = cli(tmp_path, url, "list")
    assert "WALLBOX-9" in listed.stdout and "accepted" in listed.stdout
    assert cli(tmp_path, url, "reject", "WALLBOX-9").returncode == 0
    again = cli(tmp_path, url, "register", "WALLBOX-9", "--station", "T01", "--pile", "T01-C10")
    assert again.returncode == 1 and "already registered" in again.stderr
    back = cli(tmp_path, url, "readmit", "WALLBOX-9")
    assert back.returncode == 0 and "accepted again" in back.stdout, back.stderr
    with db() as s:
        cp = s.scalars(select(ChargePoint).where(ChargePoint.identity == "WALLBOX-9")).one()
        assert cp.status == "accepted" and verify_key(key, cp.password_hash)  # the same pile and key as before
    twice = cli(tmp_path, url, "readmit", "WALLBOX-9")
    assert twice.returncode == 1 and "is not rejected" in twice.stderr
    engine.dispose()
