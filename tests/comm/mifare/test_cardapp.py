"""ChargeDesk's card application on the chip model: issue, verify, refuse edited/cloned/foreign cards,
and a balance change torn after every single command recovers to the old or the new balance."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comm.mifare import cardapp as C
from comm.mifare import layout as L
from comm.mifare.classic import MifareClassic1K, decode_access
from comm.mifare.errors import BlankCard, CardTampered, ForeignCard
from comm.mifare.keys import CardKeys
from comm.pn532.errors import CardRemoved, NoCard

MASTER = bytes(range(16))
OTHER_MASTER = bytes(range(1, 17))
ISSUER = L.issuer_id("XCDEMO")
UID = bytes.fromhex("0A0B0C0D")
USER = uuid.UUID("12345678-1234-5678-1234-567812345678")


def issued(balance: int = 5000, *, uid: bytes = UID, master: bytes = MASTER, issuer: int = ISSUER,
           name: str = "许昌智慧充电") -> MifareClassic1K:  # fmt: skip
    return C.new_card_image(uid, master, issuer=issuer, issuer_name=name, card_no=100001, user_id=USER,
                            kind=L.CardKind.STORED, balance_fen=balance, issue_day=L.day_of(L.EPOCH) + 9000)


def read(card: MifareClassic1K, master: bytes = MASTER) -> C.CardState:
    io = C.DirectIO(card)
    return C.read_card(C.Session(io, CardKeys(card.uid, master)), issuer=ISSUER)


def test_issued_card_reads_back_with_its_layout() -> None:
    card = issued()
    st = read(card)
    assert (st.card_no, st.identity.user_id, st.balance_fen, st.counter, st.clean, st.lock) == (
        100001, USER, 5000, 0, True, None)
    assert st.directory.issuer_name == "许昌智慧充"  # 16 bytes of UTF-8, whole characters
    assert decode_access(bytes(card.blocks[11][6:9])) == L.SECTOR_CONDS[2]
    assert [bytes(card.blocks[s * 4 + 3][6:9]).hex() for s in range(6)] == [
        "796788", "787788", "48778b", "787788", "787788", "ff0780"]  # as in docs/card-layout.md
    keys = CardKeys(UID, MASTER)
    assert keys.key(2, "A") != keys.key(2, "B") != CardKeys(bytes.fromhex("0A0B0C0E"), MASTER).key(2, "B")


def test_blank_foreign_and_unknown_cards_are_told_apart() -> None:
    with pytest.raises(BlankCard):
        read(MifareClassic1K(UID))
    with pytest.raises(ForeignCard) as err:
        read(issued(issuer=L.issuer_id("OTHER"), name="别家物业"))
    assert "别家物业" in err.value.zh and "another operator" in err.value.en


def test_edited_dump_is_refused() -> None:
    card = issued(100)
    for block in (L.PURSE, L.BACKUP):  # the attacker knows the keys and raises both value blocks …
        from comm.mifare.classic import value_block

        card.blocks[block][:] = value_block(99900, L.PURSE)
    card.blocks[L.SEAL][4:8] = (99900).to_bytes(4, "little")  # … and the balance in the seal
    with pytest.raises(CardTampered):
        read(card)


def test_clone_onto_another_uid_is_refused() -> None:
    clone = MifareClassic1K.from_dump(bytes.fromhex("0E0E0E0E") + issued().dump()[4:])
    with pytest.raises(CardTampered):
        read(clone)
    with pytest.raises(CardTampered):  # the right issuer id but another master key (another desk's keys)
        read(issued(master=OTHER_MASTER))


def change(card: MifareClassic1K, new: int, tear: int | None = None) -> None:
    io = C.DirectIO(card)
    s = C.Session(io, CardKeys(card.uid, MASTER))
    state = C.read_card(s, issuer=ISSUER)
    io.tear_in = tear
    C.change_balance(s, state, new, op_no=77)


def commands_of_a_change() -> int:
    card = issued()
    io = C.DirectIO(card)
    s = C.Session(io, CardKeys(UID, MASTER))
    state = C.read_card(s, issuer=ISSUER)
    before = io.commands
    C.change_balance(s, state, 4000, op_no=1)
    return io.commands - before


@pytest.mark.parametrize("new", [4000, 6500])
@pytest.mark.parametrize("tear", range(1, commands_of_a_change() + 1))
def test_a_change_torn_after_any_command_recovers_to_old_or_new(tear: int, new: int) -> None:
    card = issued(5000)
    try:
        change(card, new, tear)
        torn = False
    except (CardRemoved, NoCard):
        torn = True
    io = C.DirectIO(card)
    s = C.Session(io, CardKeys(UID, MASTER))
    state = C.read_card(s, issuer=ISSUER)
    state, how = C.recover(s, state)
    assert state.clean
    after = read(card)
    assert after.clean and (after.balance_fen, after.counter) in ((5000, 0), (new, 1))
    # the seal decides: written (commit point) → new balance; not written → old
    sealed = tear >= commands_of_a_change() - 2
    assert after.balance_fen == (new if sealed else 5000), (tear, how)
    assert torn or tear >= commands_of_a_change()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20000), st.integers(1, 16)), min_size=1, max_size=5))
def test_a_run_of_torn_changes_never_makes_money_out_of_nothing(steps: list[tuple[int, int]]) -> None:
    card = issued(5000)
    seen = {5000}
    for new, tear in steps:
        io = C.DirectIO(card)
        s = C.Session(io, CardKeys(UID, MASTER))
        state, _ = C.recover(s, C.read_card(s, issuer=ISSUER))
        io.tear_in = tear
        try:
            C.change_balance(s, state, new, op_no=1)
        except CardRemoved:
            pass
        seen.add(new)
        after, _ = C.recover(C.Session(C.DirectIO(card), CardKeys(UID, MASTER)), read(card))
        assert after.balance_fen in seen  # always one of the balances someone meant to write


@pytest.mark.parametrize("tear", range(1, 30))
def test_issue_torn_anywhere_reads_blank_and_issuing_again_finishes(tear: int) -> None:
    card = MifareClassic1K(UID)
    keys = CardKeys(UID, MASTER)
    d = L.Directory(ISSUER, 100002, L.CardKind.MONTHLY, "许昌")
    ident = L.Identity(USER, 100002, L.CardKind.MONTHLY, 9000)
    io = C.DirectIO(card)
    io.tear_in = tear
    try:
        C.issue(C.Session(io, keys), keys, d, ident, balance_fen=0, monthly_until=9031)
        done = True
    except CardRemoved:
        done = False
    if not done:
        with pytest.raises(BlankCard):
            read(card)
        C.issue(C.Session(C.DirectIO(card), keys), keys, d, ident, balance_fen=0, monthly_until=9031)
    st = read(card)
    assert (st.card_no, st.monthly_until, st.balance_fen) == (100002, 9031, 0)


@pytest.mark.parametrize("tear", range(1, 25))
def test_wipe_torn_anywhere_reads_blank_and_can_be_issued_again(tear: int) -> None:
    card = issued()
    keys = CardKeys(UID, MASTER)
    io = C.DirectIO(card)
    io.tear_in = tear
    try:
        C.wipe(C.Session(io, keys), keys)
    except CardRemoved:
        try:
            assert read(card).balance_fen == 5000  # torn before sector 0 was cleared: still the issued card
        except BlankCard:
            pass  # torn after: reads as blank
        C.wipe(C.Session(C.DirectIO(card), keys), keys)
    with pytest.raises(BlankCard):
        read(card)
    assert card.dump()[16:] == MifareClassic1K(UID).dump()[16:]  # a transport card again


def test_grey_lock_and_monthly_round_trip() -> None:
    card = issued()
    io = C.DirectIO(card)
    s = C.Session(io, CardKeys(UID, MASTER))
    st = C.read_card(s, issuer=ISSUER)
    lock = L.GreyLock(L.pile_number("T01-P01"), 3, 1_760_000_000, 100, 42)
    C.set_lock(s, st, lock)
    C.set_monthly(s, st, 9100)
    st = read(card)
    assert st.lock == lock and st.monthly_until == 9100
    card.blocks[L.LOCK][2] ^= 1  # an edited lock record is not a valid lock
    assert read(card).lock is False
    C.clear_lock(C.Session(C.DirectIO(card), CardKeys(UID, MASTER)), st)
    assert read(card).lock is None
