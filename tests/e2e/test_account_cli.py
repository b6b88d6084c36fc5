"""`chargedesk account add`: the first call makes the base account, later ones need an administrator."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.services import accounts
from db.engine import make_engine, session_factory

ROOT = Path(__file__).parents[2]


def run(tmp_path: Path, args: list[str], stdin: str) -> subprocess.CompletedProcess[str]:
    # getpass falls back to stdin without a terminal: feed the answers as lines
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    return subprocess.run([sys.executable, "-m", "app.cli", "account", *args], input=stdin, text=True,
                          capture_output=True, env=env, cwd=ROOT, timeout=60)


def test_account_add_creates_the_base_account_then_role_accounts(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.db'}"
    first = run(tmp_path, ["add", "boss", "--name", "老板", "--db", url], "boss-pass-1\nboss-pass-1\n")
    assert first.returncode == 0, first.stderr
    refused = run(tmp_path, ["add", "clerk", "--role", "card_admin", "--db", url],
                  "boss\nwrong-pass\nclerk-pass-1\nclerk-pass-1\n")
    assert refused.returncode == 1 and "password" in refused.stderr.lower()
    ok = run(tmp_path, ["add", "clerk", "--role", "card_admin", "--db", url],
             "boss\nboss-pass-1\nclerk-pass-1\nclerk-pass-1\n")
    assert ok.returncode == 0, ok.stderr
    db = session_factory(make_engine(url))
    clerk = accounts.login(db, "clerk", "clerk-pass-1")
    assert [r.value for r in clerk.roles] == ["card_admin"] and not clerk.is_base
