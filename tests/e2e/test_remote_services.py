"""Remote operation as services: the role is checked before anything is sent, and what the pile
confirmed is written to the audit trail (with the configuration before and after)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.errors import PermissionDenied
from app.domain.permissions import Role
from app.engine.commands import StartPort, WriteConfig
from app.services import accounts, audit, remote
from app.services.audit import AuditFilter
from comm.pile.messages import PileConfig
from db.engine import session_factory
from tests.e2e.site import BUS_PILES, Site, ebike, wait_for


def actors(site: Site):  # type: ignore[no-untyped-def]
    db = session_factory(site.db)
    accounts.create_base_account(db, login="boss", display_name="Boss", password="base-pass-123")
    base = accounts.login(db, "boss", "base-pass-123")
    accounts.create_account(base, db, login="watch", display_name="Watch", password="watch-pass-123",
                            roles=[Role.MONITORING_ADMIN])
    accounts.create_account(base, db, login="clerk", display_name="Clerk", password="clerk-pass-123",
                            roles=[Role.CARD_ADMIN])
    return db, base, accounts.login(db, "watch", "watch-pass-123"), accounts.login(db, "clerk", "clerk-pass-123")


def test_roles_decide_who_may_operate_piles_and_every_command_is_audited(site: Site) -> None:
    engine = site.start_engine()
    db, base, watch, clerk = actors(site)
    code = BUS_PILES[0]
    pid = site.pile_ids[code]
    wait_for(lambda: engine.snapshot().piles.get(pid) is not None and engine.snapshot().piles[pid].online)
    site.on_sim(site.pile(code).plug, 3, ebike(), site.now())
    before_requests = site.runtime.buses["bus-1"].server.stats.per_unit[1]
    with pytest.raises(PermissionDenied):
        remote.submit(clerk, db, engine, StartPort(pid, 3, minutes=30))
    out = remote.submit(watch, db, engine, StartPort(pid, 3, minutes=30, issued_by="watch")).result(15)
    assert out.ok, out.detail
    assert site.on_sim(site.pile(code).port, 3).state.active
    with pytest.raises(PermissionDenied):  # monitoring staff may start ports but not reconfigure piles
        remote.submit(watch, db, engine, WriteConfig(pid, PileConfig()))
    assert site.runtime.buses["bus-1"].server.stats.per_unit[1] > before_requests
    new = replace(PileConfig(), coin_fee_fen=150)
    out = remote.submit(base, db, engine, WriteConfig(pid, new), before=PileConfig()).result(15)
    assert out.ok, out.detail
    trail = audit.query_audit(base, db, AuditFilter(action="pile."))
    by_action = {e.action: e for e in trail}
    assert by_action["pile.start_port"].actor_login == "watch"
    assert by_action["pile.start_port"].after["outcome"] == "ok" and by_action["pile.start_port"].after["port"] == 3
    cfg = by_action["pile.config_written"]
    assert cfg.before["config"]["coin_fee_fen"] == 100 and cfg.after["config"]["coin_fee_fen"] == 150
    assert cfg.after["revision"] == 1 and cfg.object_id == str(pid)
    assert audit.verify_chain(db).ok
