"""The simulated pile's card blacklist: staged writes, the commit, refusals, flash across power cuts, swipes;
and the console's push (comm.pile.blacklist.push) over a real RS-485 pseudo-terminal."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from comm.pile.blacklist import BlacklistCodec, BlacklistRefused, list_crc, push
from comm.pile.codec import PileCodec
from comm.pile.device import PileDevice, PileRefused, serial_client, wire_timeout
from comm.pile.messages import BlacklistError, Command, CommandCode
from comm.pile.register_map import load_map
from comm.sim.cards import CardBook
from comm.sim.pile_model import SimPile, SwipeResult
from comm.sim.rtu_bus import RtuBusServer
from comm.sim.slave import PileRegisterServer, _Exc
from tests.comm.sim.conftest import T0, ebike

ACX = load_map("ACX10A")
BL = BlacklistCodec(ACX)
PC = PileCodec(ACX)


def wire(pile: SimPile) -> PileRegisterServer:
    return PileRegisterServer(pile, PC, lambda: pile.time)


def send(server: PileRegisterServer, version: int, cards: list[int]) -> None:
    for address, regs in BL.encode_chunks(cards):
        server.write(address, regs)
    server.write(BL.header.address, BL.encode_commit(version, cards))


def header(server: PileRegisterServer) -> tuple[int, int, int, int, BlacklistError]:
    st = BL.decode_state(server.read("holding", BL.header.address, BL.header.length))
    return st.version, st.count, st.list_crc, st.staged, st.error


def test_a_committed_list_is_refused_at_the_swipe_and_shown_in_the_status(make_pile: Callable[..., SimPile],
                                                                           cards: CardBook) -> None:
    pile = make_pile()
    server = wire(pile)
    assert pile.status(T0).blacklist_version == 0 and header(server)[:2] == (0, 0)
    send(server, 4, [1002])
    assert header(server) == (4, 1, list_crc([1002]), 0, BlacklistError.NONE)
    assert pile.status(T0).blacklist_version == 4
    assert pile.swipe_card(1, 1002, T0 + 1) is SwipeResult.BLACKLISTED
    assert cards.balance(1002) == 50  # nothing taken off the card
    pile.plug(2, ebike(), T0 + 1)
    assert pile.swipe_card(2, 1001, T0 + 2) is SwipeResult.STARTED  # other cards work
    assert server.read("holding", BL.table.address, 4) == [0, 1002, 0, 0]  # the list in use, zeros after it
    send(server, 5, [])  # the loss report undone: the list is empty again
    assert pile.swipe_card(1, 1002, T0 + 3) is SwipeResult.INSUFFICIENT  # past the blacklist: ¥0.50 < the fee


def test_a_half_written_table_is_never_used(make_pile: Callable[..., SimPile]) -> None:
    pile = make_pile()
    server = wire(pile)
    send(server, 1, [1001])
    cards = list(range(2000, 2130))  # three chunks
    chunks = BL.encode_chunks(cards)
    server.write(*chunks[0])
    server.write(*chunks[1])  # the third request never arrives …
    assert header(server)[3] == 122 and pile.is_blacklisted(1001) and not pile.is_blacklisted(2000)
    with pytest.raises(_Exc) as exc:  # … so the commit is refused, and the old list stays in use
        server.write(BL.header.address, BL.encode_commit(2, cards))
    assert exc.value.code == 3
    assert header(server) == (1, 1, list_crc([1001]), 0, BlacklistError.INCOMPLETE)
    assert pile.is_blacklisted(1001) and not pile.is_blacklisted(2000)
    server.write(*chunks[2])  # staging was emptied by the refused commit: a retry starts from the beginning
    with pytest.raises(_Exc):
        server.write(BL.header.address, BL.encode_commit(2, cards))
    send(server, 2, cards)
    assert header(server)[:2] == (2, 130) and pile.is_blacklisted(2129) and not pile.is_blacklisted(1001)


def test_a_wrong_crc_or_version_0_is_refused(make_pile: Callable[..., SimPile]) -> None:
    server = wire(make_pile())
    for address, regs in BL.encode_chunks([7, 8]):
        server.write(address, regs)
    commit = BL.encode_commit(3, [7, 8])
    commit[4] ^= 1
    with pytest.raises(_Exc):
        server.write(BL.header.address, commit)
    assert header(server)[::4] == (0, BlacklistError.LIST_CRC)
    with pytest.raises(_Exc):
        server.write(BL.header.address, [0, 0, 0, 0, 0])
    assert header(server)[4] is BlacklistError.BAD_VERSION


def test_the_list_survives_a_power_cut_and_a_transfer_cut_by_one_starts_again(
        make_pile: Callable[..., SimPile]) -> None:
    pile = make_pile()
    server = wire(pile)
    send(server, 3, [1001, 1002])
    server.write(*BL.encode_chunks([5000])[0])  # a new transfer has begun …
    pile.power_cut(T0 + 10)
    pile.power_restore(T0 + 20)  # … when the power fails: flash keeps the list, RAM loses the staging
    assert header(server) == (3, 2, list_crc([1001, 1002]), 0, BlacklistError.NONE)
    assert pile.status(T0 + 21).blacklist_version == 3
    assert pile.swipe_card(1, 1001, T0 + 21) is SwipeResult.BLACKLISTED
    pile.execute(Command(CommandCode.REBOOT, seq=1), T0 + 30)
    assert pile.is_blacklisted(1002) and pile.blacklist_version == 3


@pytest.mark.asyncio
async def test_push_over_the_wire_is_confirmed_by_read_back() -> None:
    piles = {u: SimPile(code=f"P{u}", serial=f"SN{u}", unit_id=u, rng=random.Random(u), now=T0) for u in (1, 2)}
    bus = RtuBusServer({u: PileRegisterServer(p, PC, lambda: T0) for u, p in piles.items()}, baudrate=19200)
    device = await bus.start()
    client = serial_client(device, baudrate=19200, timeout=wire_timeout(19200, floor_s=0.3))
    await client.connect()
    try:
        dev = PileDevice(client, 2)
        requests: list[object] = []

        async def counted(aw):  # type: ignore[no-untyped-def]
            requests.append(aw)
            return await aw

        cards = [100000 + 3 * k for k in range(150)][::-1]  # sent in ascending order whatever the input
        state = await push(dev, 12, cards, request=counted)
        assert (state.version, state.count, state.error) == (12, 150, BlacklistError.NONE)
        assert len(requests) == 3 + 1 + 1  # three chunks, the commit, the read-back
        assert piles[2].blacklist_cards == tuple(sorted(cards)) and piles[1].blacklist_version == 0
        piles[2].blacklist_capacity = 100  # a pile with a smaller table than its map says
        with pytest.raises(BlacklistRefused, match=r"TOO_MANY.*keeps list 12"):
            await push(dev, 13, cards)
        with pytest.raises(PileRefused):  # a table write past the end: exception 03
            await dev.write(BL.table.address + 2 * 399, [0, 1, 0, 2])
        assert piles[2].blacklist_version == 12
    finally:
        client.close()
        await bus.stop()
