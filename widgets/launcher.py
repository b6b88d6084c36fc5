"""The `chargedesk` command: the console window, or the headless commands of app.cli.

It lives in widgets/ because it is the one place allowed to start Qt; everything without a
window (sim, engine, db, demo --text) is handed to app.cli untouched.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import platformdirs

from app.cli import build_parser
from app.cli import main as cli_main

log = logging.getLogger("chargedesk")


def _can_show_windows() -> bool:
    if sys.platform.startswith("linux"):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
                    or os.environ.get("QT_QPA_PLATFORM"))
    return True


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    wants_window = args.command in (None, "gui") or (args.command == "demo" and not args.text and args.once is None)
    if not wants_window:
        return cli_main(args_list)
    if not _can_show_windows():
        print("No display found: showing the text summary instead of the window. "
              "(Set DISPLAY, or QT_QPA_PLATFORM=offscreen for tests.)", file=sys.stderr)
        if args.command == "demo":
            return cli_main([*args_list, "--text"])
        return cli_main(["engine", *([f"--db={args.db}"] if getattr(args, "db", None) else [])])
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    from widgets.app import run_console, run_demo_console

    if args.command == "demo":
        return run_demo_console(args)
    return run_console(args.db if args.command == "gui" else None)


def data_dir() -> Path:
    d = Path(platformdirs.user_data_dir("ChargeDesk", appauthor=False))
    d.mkdir(parents=True, exist_ok=True)
    return d


def scratch_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


if __name__ == "__main__":
    sys.exit(main())
