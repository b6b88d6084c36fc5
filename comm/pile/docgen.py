"""Render a register map as the published Markdown document (docs/pile-modbus-map.md).

    python -m comm.pile.docgen ACX10A > docs/pile-modbus-map.md

A test checks the committed document equals this output, so the map and its document never drift.
"""

from __future__ import annotations

import sys

from comm.pile.register_map import BlockDef, RegisterMap, load_map

_TYPE_TEXT = {"u16": "u16", "i16": "i16", "u32": "u32 (hi, lo)", "enum": "enum", "flags": "bits"}


def _access(block: BlockDef) -> str:
    if block.table == "input":
        return "FC04 read"
    return "FC03 read / FC16 write" if block.writable else "FC03 read"


def _field_rows(rmap: RegisterMap, block: BlockDef) -> list[str]:
    rows = []
    for f in block.fields:
        ftype = f"{f.type}[{f.size * 2}]" if f.type in ("ascii", "bytes") else _TYPE_TEXT[f.type]
        doc = f.doc
        if f.enum:
            doc += f" See `{f.enum}`."
        if f.min is not None or f.max is not None:
            doc += f" Range {f.min if f.min is not None else 0}–{f.max if f.max is not None else 65535}."
        if block.writable is not None and f.offset >= block.writable:
            doc += " Read-only."
        addr = block.address + f.offset
        rows.append(f"| {f.offset} | `{addr:#06x}` | `{f.name}` | {ftype} | {doc} |")
        for b in f.bits:
            rows.append(f"| | | ↳ bit {b.bit} `{b.name}` | bool | {b.doc} |")
    return rows


def render(rmap: RegisterMap) -> str:
    out = [
        f"# {rmap.model} Modbus register map — {rmap.title_en} / {rmap.title_zh}",
        "",
        f"Map version {rmap.map_version}. Generated from `comm/pile/maps/{rmap.source}` by "
        f"`python -m comm.pile.docgen {rmap.model}`; edit the map file, not this page.",
        "",
        "## Conventions",
        "",
        "- Modbus RTU over RS-485 (8 data bits, no parity, 1 stop bit by default, 9600 baud; several piles",
        "  per bus by unit id 1–247) or Modbus TCP (port 502, unit id 1).",
        "- Addresses are PDU addresses (0-based). Input registers are read with FC04, holding registers",
        "  with FC03 and written with FC16 (FC06 is accepted for single configuration registers).",
        "- `u32` spans two registers, high word first. `ascii[n]` holds n characters, two per register,",
        "  high byte first, NUL-padded. Units are in the field names: `_dv` 0.1 V, `_ca` 0.01 A, `_w` W,",
        "  `_wh` Wh, `_dc` 0.1 °C, `_fen` 0.01 CNY, `_min` minutes, `_s` seconds.",
        f"- At most {rmap.max_read} registers per read and {rmap.max_write} per write; a read may span "
        "adjacent blocks but not unmapped registers (exception 02).",
        "- A configuration write with any value out of range is refused whole with exception 03.",
        "",
        "## Blocks",
        "",
        "| block | table | address | registers | |",
        "|---|---|---|---|---|",
    ]
    for b in rmap.blocks.values():
        start, count = rmap.span(b)
        rep = f" ({b.length} × {rmap.repeat_count(b)})" if b.repeat else ""
        out.append(f"| [{b.name}](#{b.name}) | {_access(b)} | `{start:#06x}`–`{start + count - 1:#06x}` "
                   f"| {count}{rep} | |")
    for b in rmap.blocks.values():
        out += ["", f"## {b.name}", "", b.doc, ""]
        if b.repeat:
            out += [f"Repeated {rmap.repeat_count(b)} times, {b.length} registers apart; addresses below are "
                    "for the first instance.", ""]
        out += ["| offset | address | field | type | meaning |", "|---|---|---|---|---|", *_field_rows(rmap, b)]
    out += ["", "## Enumerations", ""]
    for e in rmap.enums.values():
        out += [f"### `{e.name}`", "", "| value | name | 中文 | English |", "|---|---|---|---|"]
        for value, name in sorted(e.to_name.items()):
            zh, en = e.labels[name]
            out.append(f"| {value} | `{name}` | {zh} | {en} |")
        out.append("")
    out += [
        "## How the console uses it",
        "",
        "1. After connecting (and whenever `uptime_s` goes backwards) read `identity`.",
        "2. Every cycle read `pile` (24 registers). Idle piles are visited every 5 s, piles with a port",
        "   starting or charging every second; a pile that does not answer three times is offline and",
        "   is retried with back-off up to 60 s, so it never slows the other piles on its bus.",
        "3. When `change_counter` moved, read all ports (120 registers, one request); otherwise read only",
        "   the span of ports set in `charging_mask`.",
        "4. When `record_newest` > `record_acked`, read `records_header` and the window in one request",
        "   (80 registers), store the records in the database and commit, then write `ACK_RECORDS` with",
        "   the last stored sequence number. A crash between commit and acknowledgement re-reads those",
        "   records; the database refuses a (pile, seq) it already has, so nothing is stored twice.",
        "5. Commands: write `command` registers 0–6 in one FC16 request with a fresh `seq`, then read",
        "   `result` and `result_seq`. A command is done only when `result_seq` equals the `seq` sent",
        "   and `result` is `OK`; start/stop are further confirmed by reading the port back.",
        "6. When the pile clock is more than 60 s off, write `SYNC_CLOCK`.",
        "7. Firmware upgrade (only where the map has the `firmware` blocks): `BEGIN` with the image's size,",
        "   CRC-32 and version; write every block to `firmware_data` in order (a refused block is sent",
        "   again from `next_block`); `VERIFY` and read back `state` = `VERIFIED` and `computed_crc`;",
        "   `ACTIVATE`; wait for the pile to answer with a new `boot_count`; if `identity` shows the new",
        "   version and the pile reports no fault, `CONFIRM`, otherwise `ROLLBACK` and check the old",
        "   version is back. `SELF_TEST` (command block) tests one port and latches any fault it finds.",
        "8. Card blacklist (only where the map has the `blacklist` blocks): the console keeps one list of",
        "   lost (挂失) and replaced cards with a version that goes up with every change. Every poll reads",
        "   `pile.blacklist_version`; a pile whose version differs gets the list: the card numbers in",
        "   ascending order written to `blacklist_card` (FC16, at most 61 entries = 122 registers a request),",
        "   then `version`, `count` and `list_crc` in one FC16 request — the commit, always last — then",
        "   `blacklist` read back: done only when version, count and CRC are what was sent. A pile that was",
        "   offline gets the list on its first poll after it comes back. A list longer than `capacity`",
        "   is cut to the most recently blacklisted cards, and the console reports the rest as not on",
        "   the piles.",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    sys.stdout.write(render(load_map(args[0] if args else "ACX10A")))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
