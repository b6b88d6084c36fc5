"""The `chargedesk` command.

    chargedesk [gui]             the console window (see widgets/launcher.py)
    chargedesk demo [--text]     fresh demo database + simulated community + engine: window or live summary
    chargedesk sim               run the simulated community (RS-485 ptys and Modbus TCP piles)
    chargedesk sim ctl ...       inject coins, unplug, faults into a running simulator
    chargedesk sim reader        a virtual PN532 card reader on a pseudo-terminal (blank cards, tearing)
    chargedesk engine            the headless engine (pollers, database) with logging
    chargedesk db upgrade        bring a database to the newest schema
    chargedesk audit verify      check the audit trail's hash chain (exit 1 if tampered with)
    chargedesk report monthly    monthly billing report PDF (--month 2026-10 [--station XC01] -o file.pdf)
    chargedesk firmware pack     firmware image files (.cdfw) for remote upgrades; `inspect` checks one
    chargedesk workorders list   work orders from the command line; `escalate` runs one escalation sweep
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from db.engine import default_url


def _db_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, help="database URL (default: $CHARGEDESK_DB_URL or the user data dir)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="chargedesk", description="ChargeDesk 小区充电运营台")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command")

    demo = sub.add_parser("demo", help="simulated community + engine + live summary (until Ctrl-C)")
    demo.add_argument("--db", default=None, help="demo database URL (default: a fresh demo.db in the data dir)")
    demo.add_argument("--config", default=None, help="simulation config (default: the shipped community)")
    demo.add_argument("--speed", type=float, default=None, help="simulated seconds per real second")
    demo.add_argument("--keep", action="store_true", help="keep the existing demo database instead of a fresh one")
    demo.add_argument("--once", type=float, default=None, metavar="SECONDS",
                      help="print one summary after SECONDS and exit (for scripts)")
    demo.add_argument("--text", action="store_true", help="a live text summary instead of the window")

    gui = sub.add_parser("gui", help="the console window (the default when no command is given)")
    _db_args(gui)

    sim = sub.add_parser("sim", help="run the simulated community")
    sim_sub = sim.add_subparsers(dest="sim_command")
    sim.add_argument("--config", default=None, help="simulation config TOML (default: the shipped community)")
    sim.add_argument("--run-dir", default=None, help="where the bus device links are made (default: runtime dir)")
    sim.add_argument("--host", default="127.0.0.1", help="address the TCP piles listen on")
    sim.add_argument("--tcp-base-port", type=int, default=15020, help="first TCP port for Ethernet piles")
    sim.add_argument("--control-port", type=int, default=15019, help="control socket port (sim ctl)")
    sim.add_argument("--speed", type=float, default=None, help="simulated seconds per real second")
    sim.add_argument("--car-piles", type=int, default=0, metavar="N",
                     help="also run N car charge points (OCPP 1.6J clients of the console's engine)")
    sim.add_argument("--ocpp-url", default="ws://127.0.0.1:9000/ocpp/", help="the engine's OCPP central system")
    sim.add_argument("--provision", metavar="DB_URL", default=None,
                     help="also write the simulated stations, buses, piles and ports into this database")
    ctl = sim_sub.add_parser("ctl", help="send one action to a running simulator")
    ctl.add_argument("--control-port", type=int, default=15019)
    ctl.add_argument("action", help="coins | swipe | plug | unplug | short | smoke | silent | slow | noise | "
                                    "power-cut | power-restore | meter-silent | car-plug | car-unplug | car-drop | "
                                    "car-status | fw-boot-fail | fw-bad-image | fw-corrupt | fw-ok | latent | status")
    ctl.add_argument("target", nargs="?", default="", help="pile code (or bus name for noise)")
    ctl.add_argument("args", nargs="*", help="port, count, level …")
    from comm.sim.reader_console import add_parser as add_reader_parser

    add_reader_parser(sim_sub)

    eng = sub.add_parser("engine", help="run the headless engine")
    _db_args(eng)
    eng.add_argument("--ocpp-port", type=int, default=9000,
                     help="port of the OCPP 1.6J central system for car piles (0 = off; only with charge points)")
    eng.add_argument("--file-dir", default=None, help="firmware/diagnostics directory served to charge points")
    eng.add_argument("--summary", type=float, default=30.0, metavar="SECONDS",
                     help="log a summary this often (0 = never)")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate to the newest schema")
    _db_args(up)
    cur = db_sub.add_parser("current", help="show the schema revision")
    _db_args(cur)

    acc = sub.add_parser("account", help="staff accounts")
    acc_sub = acc.add_subparsers(dest="account_command", required=True)
    add = acc_sub.add_parser("add", help="add an account (the base account on an empty database)")
    _db_args(add)
    add.add_argument("login")
    add.add_argument("--name", default="", help="display name")
    add.add_argument("--role", action="append", default=[], choices=[
        "system_admin", "facility_admin", "card_admin", "monitoring_admin", "finance_admin"])
    _db_args(acc_sub.add_parser("list", help="list accounts (asks for an administrator's password)"))

    from app.report_cli import add_parser as add_report_parser

    add_report_parser(sub)  # chargedesk report monthly|daily-close|qr-labels

    from app.cp_cli import add_parser as add_cp_parser

    add_cp_parser(sub)  # chargedesk cp list|register|approve|reject|readmit|key

    from app.om_cli import add_parser as add_om_parser

    add_om_parser(sub)  # chargedesk firmware pack|inspect, chargedesk workorders list|escalate

    aud = sub.add_parser("audit", help="audit trail")
    aud_sub = aud.add_subparsers(dest="audit_command", required=True)
    _db_args(aud_sub.add_parser("verify", help="verify the hash chain; names edited, deleted or inserted records"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    # Schema migrations log every step at INFO; `db upgrade` prints its own one-line result.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    if args.command in (None, "gui"):
        print("the console window is started by the `chargedesk` command (widgets.launcher)", file=sys.stderr)
        return 2
    try:
        if args.command == "demo":
            from app.demo import run_demo

            return run_demo(args)
        if args.command == "sim" and args.sim_command == "reader":
            from comm.sim.reader_console import run as run_reader

            return run_reader(args)
        if args.command == "sim":
            from app.sim_cli import run_sim_cli

            return run_sim_cli(args)
        if args.command == "engine":
            from app.headless import run_engine

            return run_engine(args.db or default_url(), summary_s=args.summary,
                              ocpp_port=args.ocpp_port if args.ocpp_port > 0 else None, ocpp_file_dir=args.file_dir)
        if args.command == "db":
            return _db(args)
        if args.command == "cp":
            from app.cp_cli import run_cp_cli

            return run_cp_cli(args)
        if args.command == "account":
            from app.account_cli import run_account_cli

            return run_account_cli(args)
        if args.command in ("firmware", "workorders"):
            from app.om_cli import run_om_cli

            return run_om_cli(args)
        if args.command == "report":
            from app.report_cli import run_report_cli

            return run_report_cli(args)
        if args.command == "audit":
            from app.audit_cli import run_audit_cli

            return run_audit_cli(args)
    except KeyboardInterrupt:
        return 130
    return 2


def _db(args: argparse.Namespace) -> int:
    from db.engine import make_engine
    from db.migrate import current_revision, head_revision, upgrade

    url = args.db or default_url()
    engine = make_engine(url)
    if args.db_command == "upgrade":
        before = current_revision(engine)
        upgrade(engine)
        print(f"database {engine.url.render_as_string(hide_password=True)}: {before or 'empty'} → {head_revision()}")
    else:
        print(current_revision(engine) or "empty (no schema yet)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
