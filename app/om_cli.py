"""`chargedesk firmware` and `chargedesk workorders`: operation and maintenance from the command line.

    chargedesk firmware pack PAYLOAD --model ACX10A --version 1.3.0 -o acx10a-1.3.0.cdfw
    chargedesk firmware inspect FILE.cdfw
    chargedesk workorders list [--db URL] [--all] [--overdue]     (signs in: view_work_orders)
    chargedesk workorders escalate [--db URL]                      (one escalation sweep, e.g. from cron)
"""

from __future__ import annotations

import argparse
import getpass
import sys
from datetime import UTC, datetime
from pathlib import Path

from db.engine import default_url


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    fw = sub.add_parser("firmware", help="firmware image files for remote upgrades")
    fw_sub = fw.add_subparsers(dest="firmware_command", required=True)
    pack = fw_sub.add_parser("pack", help="wrap a pile firmware binary into an image file (.cdfw)")
    pack.add_argument("payload", help="the firmware binary")
    pack.add_argument("--model", required=True, help="pile model the image is for, e.g. ACX10A")
    pack.add_argument("--version", required=True, help="major.minor.patch")
    pack.add_argument("-o", "--output", required=True, help="image file to write")
    inspect = fw_sub.add_parser("inspect", help="check an image file and show what it holds")
    inspect.add_argument("file")
    wo = sub.add_parser("workorders", help="work orders")
    wo_sub = wo.add_subparsers(dest="wo_command", required=True)
    ls = wo_sub.add_parser("list", help="list work orders (open ones by default)")
    ls.add_argument("--db", default=None)
    ls.add_argument("--all", action="store_true", help="closed ones too")
    ls.add_argument("--overdue", action="store_true", help="only overdue ones")
    esc = wo_sub.add_parser("escalate", help="escalate overdue orders once (the console does it every minute)")
    esc.add_argument("--db", default=None)


def run_om_cli(args: argparse.Namespace) -> int:
    if args.command == "firmware":
        return _firmware(args)
    return _workorders(args)


def _firmware(args: argparse.Namespace) -> int:
    from comm.pile.firmware import FirmwareImage, ImageError, parse_version, version_text

    if args.firmware_command == "pack":
        try:
            image = FirmwareImage(args.model.upper(), parse_version(args.version), Path(args.payload).read_bytes())
        except (OSError, ValueError) as exc:
            print(f"cannot pack / 无法打包: {exc}", file=sys.stderr)
            return 1
        Path(args.output).write_bytes(image.pack())
        print(f"{args.output}: {image.model} {version_text(image.version)}, {image.size} bytes, CRC-32 {image.crc:08X}")
        return 0
    try:
        image = FirmwareImage.load(args.file)
    except ImageError as exc:
        print(f"{args.file}: {exc}", file=sys.stderr)
        return 1
    print(f"model {image.model}\nversion {version_text(image.version)}\nsize {image.size} bytes\n"
          f"CRC-32 {image.crc:08X}")
    return 0


def _workorders(args: argparse.Namespace) -> int:
    from app.domain.work_orders import OPEN_STATES, WoState
    from app.services import accounts, wo_queries, work_orders
    from app.services.wo_queries import OrderFilter
    from db.engine import make_engine, session_factory
    from db.migrate import upgrade

    engine = make_engine(args.db or default_url())
    upgrade(engine)
    db = session_factory(engine)
    if args.wo_command == "escalate":
        late = work_orders.escalate_overdue(db)
        for o in late:
            print(f"{o.number} L{o.escalation_level} {o.title}")
        print(f"{len(late)} orders escalated")
        return 0
    actor = accounts.login(db, input("account / 账号: "), getpass.getpass("password / 密码: "))
    states = None if args.all else (*OPEN_STATES, WoState.RESOLVED)
    now = datetime.now(UTC)
    rows = wo_queries.list_orders(actor, db, OrderFilter(states=states, overdue_only=args.overdue), now=now)
    for o in rows:
        late = " OVERDUE" if o.overdue(now) else ""
        print(f"{o.number}  {o.severity:<8} {o.state.value:<11} {o.station_code:<6} {o.pile_code or '-':<10} "
              f"{o.assignee_login or '-':<10} due {o.due_at:%Y-%m-%d %H:%M}Z{late}  {o.title}")
    print(f"{len(rows)} orders")
    return 0
