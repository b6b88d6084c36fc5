"""`chargedesk cp list|register|approve|reject|readmit|key`: car charge points (OCPP 1.6J) from a terminal.

Signs in as a staff account first (the services check the role and write the audit trail). A new
key is printed once, to be typed into the wallbox; it is kept in this desk's OS keyring when there is
one, and the database keeps only its hash.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.domain.errors import ChargeDeskError
from app.secrets import KeyringSecretStore, MemorySecretStore, SecretStore, SecretStoreUnavailable
from app.services import accounts, charge_points
from app.services.stations import list_stations
from db.engine import default_url, make_engine, session_factory
from db.migrate import upgrade


def add_parser(sub: Any) -> None:
    cp = sub.add_parser("cp", help="car charge points (OCPP 1.6J): list, register, approve, reject, readmit, new key")
    cp_sub = cp.add_subparsers(dest="cp_command", required=True)

    def common(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", default=None, help="database URL (default: $CHARGEDESK_DB_URL or the user data dir)")
        return p

    common(cp_sub.add_parser("list", help="every charge point with its registration and last contact"))
    for name, text in (("register", "a new charge point with its pile (accepted at once)"),
                       ("approve", "accept a charge point that is waiting for approval")):
        p = common(cp_sub.add_parser(name, help=text))
        p.add_argument("identity", help="the id the charge point uses in ws://…/ocpp/<identity>")
        p.add_argument("--station", required=True, help="community code, e.g. XC01")
        p.add_argument("--pile", required=True, help="pile code for the console, e.g. XC01-C03")
        p.add_argument("--name", default="", help="pile name (default: the pile code)")
        p.add_argument("--connectors", type=int, default=1)
        if name == "register":
            p.add_argument("--profile", type=int, default=1, choices=(0, 1, 2),
                           help="security profile: 0 none, 1 Basic auth, 2 Basic auth over TLS")
    common(cp_sub.add_parser("reject", help="refuse a charge point from now on")).add_argument("identity")
    common(cp_sub.add_parser("readmit", help="accept again one rejected after approval (keeps its pile and key)")
           ).add_argument("identity")
    common(cp_sub.add_parser("key", help="a new key for a charge point")).add_argument("identity")


def _store() -> SecretStore:
    store = KeyringSecretStore()
    try:
        store.get("probe")
    except SecretStoreUnavailable:
        print("no OS keyring here: the key is shown once and not kept on this desk / 无系统密钥环：密钥只显示这一次",
              file=sys.stderr)
        return MemorySecretStore()
    return store


def run_cp_cli(args: argparse.Namespace) -> int:
    engine = make_engine(args.db or default_url())
    upgrade(engine)
    db = session_factory(engine)
    try:
        actor = accounts.login(db, input("account / 账号: "), getpass.getpass("password / 密码: "))
        if args.cp_command == "list":
            for c in charge_points.list_charge_points(actor, db):
                seen = c.last_seen_at.strftime("%Y-%m-%d %H:%M") if c.last_seen_at else "-"
                print(f"{c.identity:<20} {c.status:<9} profile {c.security_profile}  {c.connectors} conn.  "
                      f"{(c.vendor or '-')} {(c.model or '')}  fw {c.firmware or '-'}  last seen {seen}")
            return 0
        if args.cp_command == "reject":
            charge_points.reject_charge_point(actor, db, args.identity)
            print(f"{args.identity} rejected / 已拒绝")
            return 0
        if args.cp_command == "readmit":
            charge_points.readmit_charge_point(actor, db, args.identity)
            print(f"{args.identity} accepted again / 已重新接受")
            return 0
        if args.cp_command == "key":
            key = charge_points.set_key(actor, db, _store(), args.identity)
            print(f"new key of {args.identity} / 新密钥: {key}")
            return 0
        with db() as s:
            station = next((st for st in list_stations(s) if st.code == args.station), None)
        if station is None:
            raise ChargeDeskError(f"没有小区 {args.station}", f"no community {args.station}")
        kw = {"station_id": station.station_id, "code": args.pile, "name": args.name or args.pile,
              "connectors": args.connectors}
        if args.cp_command == "register":
            info, key = charge_points.register_charge_point(actor, db, _store(), identity=args.identity,
                                                            security_profile=args.profile, **kw)
        else:
            info, key = charge_points.approve_charge_point(actor, db, _store(), args.identity, **kw)
        print(f"{info.identity}: {info.status}, pile {args.pile}")
        if info.security_profile:
            print(f"key / 密钥 (configure it on the charge point): {key}")
        return 0
    except ChargeDeskError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
