"""Run the benchmarks: `python -m bench [rs485] [ingest] [scale] [ordered] …` (all by default)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
import time

BENCHES = ("rs485", "firmware", "ingest", "scale", "gui", "topup", "ordered", "card", "ocpp", "report")


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("names", nargs="*", choices=[*BENCHES, []], help="benchmarks to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="shorter runs (noisier figures)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    for name in args.names or BENCHES:
        mod = importlib.import_module(f"bench.{name}")
        print(f"\n== {name}: {mod.__doc__.strip().splitlines()[0]}", flush=True)
        t0 = time.perf_counter()
        for line in mod.run(quick=args.quick):
            print("  " + line, flush=True)
        print(f"  ({time.perf_counter() - t0:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
