"""`chargedesk account add|list`: staff accounts from a terminal (a headless office box, first set-up).

`add` on an empty database creates the operator's base account; otherwise it signs in as an
existing system administrator first. Passwords are read without echo, never from the command line.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from app.domain.errors import ChargeDeskError
from app.domain.permissions import Role
from app.services import accounts
from db.engine import default_url, make_engine, session_factory
from db.migrate import upgrade


def _new_password(prompt: str = "new password / 新密码: ") -> str:
    first = getpass.getpass(prompt)
    if getpass.getpass("again / 再次输入: ") != first:
        raise ChargeDeskError("两次输入的密码不一致", "the two passwords differ")
    return first


def run_account_cli(args: argparse.Namespace) -> int:
    engine = make_engine(args.db or default_url())
    upgrade(engine)
    db = session_factory(engine)
    try:
        if args.account_command == "add":
            if accounts.needs_first_run(db):
                info = accounts.create_base_account(db, login=args.login, display_name=args.name or args.login,
                                                    password=_new_password())
                print(f"base account {info.login} created / 已创建基础账号")
                return 0
            admin = accounts.login(db, input("administrator / 管理员账号: "), getpass.getpass("password / 密码: "))
            info = accounts.create_account(admin, db, login=args.login, display_name=args.name or args.login,
                                           password=_new_password(), roles=[Role(r) for r in args.role])
            print(f"account {info.login} created with roles {', '.join(info.roles) or '-'} / 账号已创建")
            return 0
        admin = accounts.login(db, input("administrator / 管理员账号: "), getpass.getpass("password / 密码: "))
        for a in accounts.list_accounts(admin, db):
            state = "active" if a.active else "disabled"
            roles = "base" if a.is_base else ",".join(a.roles)
            print(f"{a.login:<16} {state:<9} {roles:<40} {a.display_name}")
        return 0
    except ChargeDeskError as exc:
        print(f"{exc.zh} / {exc.en}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
