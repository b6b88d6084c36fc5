"""`chargedesk sim reader`: a virtual PN532 on a pseudo-terminal, driven by typed commands.

    blank            put a new blank card (random UID) on the reader
    place N          put card N (see `list`) on the reader
    remove           take every card off the reader
    tear K           the card leaves the field after K more card commands
    list             the cards, and which are on the reader
    quit

With --cards-dir the cards are kept as 1 KB dumps (<UID>.mfd) and loaded again next time, so a card
issued at the desk in one run is still there in the next.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TextIO

from comm.mifare.classic import MifareClassic1K
from comm.sim.reader import VirtualReaderServer


def load_cards(folder: Path | None) -> list[MifareClassic1K]:
    if folder is None or not folder.is_dir():
        return []
    return [MifareClassic1K.from_dump(p.read_bytes()) for p in sorted(folder.glob("*.mfd"))]


def save_cards(folder: Path | None, cards: list[MifareClassic1K]) -> None:
    if folder is None:
        return
    folder.mkdir(parents=True, exist_ok=True)
    for card in cards:
        (folder / f"{card.uid.hex().upper()}.mfd").write_bytes(card.dump())


def add_parser(sim_sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sim_sub.add_parser("reader", help="a virtual PN532 card reader on a pseudo-terminal")
    p.add_argument("--link", default=None, help="also make this symlink to the device (e.g. /tmp/ttyPN532)")
    p.add_argument("--baud", type=int, default=115200, help="line speed the reader keeps to (default 115200)")
    p.add_argument("--cards-dir", default=None, help="keep the cards as dumps in this folder")
    p.add_argument("--blank", type=int, default=1, help="blank cards to start with when the folder has none")


def run(args: argparse.Namespace, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    folder = Path(args.cards_dir) if args.cards_dir else None
    cards = load_cards(folder) or [MifareClassic1K(os.urandom(4)) for _ in range(max(0, args.blank))]
    server = VirtualReaderServer(baudrate=args.baud, link=Path(args.link) if args.link else None)
    device = server.start()
    print(f"virtual PN532 reader on {device} ({args.baud} baud); {len(cards)} cards. Type `help`.", file=out,
          flush=True)  # fmt: skip
    try:
        for line in stdin:
            words = line.split()
            if not words:
                continue
            reply = command(server, cards, words)
            save_cards(folder, cards)
            if reply is None:
                break
            print(reply, file=out, flush=True)
    finally:
        save_cards(folder, cards)
        server.stop()
    return 0


def command(server: VirtualReaderServer, cards: list[MifareClassic1K], words: list[str]) -> str | None:
    reader = server.reader
    verb, rest = words[0].lower(), words[1:]
    try:
        if verb in ("quit", "exit"):
            return None
        if verb == "blank":
            card = MifareClassic1K(os.urandom(4))
            cards.append(card)
            reader.place(card)
            return f"card {len(cards) - 1} (UID {card.uid.hex().upper()}) placed"
        if verb == "place":
            card = cards[int(rest[0])]
            reader.place(card)
            return f"card {rest[0]} (UID {card.uid.hex().upper()}) placed"
        if verb == "remove":
            reader.remove()
            return "reader empty"
        if verb == "tear":
            reader.tear_after(int(rest[0]))
            return f"the card leaves after {rest[0]} more card commands"
        if verb == "list":
            return "\n".join(f"{i}: UID {c.uid.hex().upper()}{'  [on reader]' if c in reader.field else ''}"
                             for i, c in enumerate(cards)) or "no cards"  # fmt: skip
    except (IndexError, ValueError):
        return f"usage: {verb} N"
    return (__doc__ or "").split("\n\n")[1]
