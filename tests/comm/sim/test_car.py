"""The car battery and the charging profiles a simulated charge point obeys (OCPP 1.6 smart charging)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from comm.sim.car import MIN_AC_A, CarBattery, Profiles, offered_a

NOW = datetime(2026, 1, 5, 19, 0, tzinfo=UTC)


def profile(pid: int, purpose: str, limit: float, *, level: int = 0, kind: str = "Absolute", tx: int | None = None,
            start: datetime | None = NOW - timedelta(minutes=1), periods: list[tuple[int, float]] | None = None,
            unit: str = "A", duration: int | None = None) -> dict[str, object]:
    sched: dict[str, object] = {"charging_rate_unit": unit, "charging_schedule_period": [
        {"start_period": s, "limit": v} for s, v in (periods or [(0, limit)])]}
    if start is not None:
        sched["start_schedule"] = start.isoformat()
    if duration is not None:
        sched["duration"] = duration
    p: dict[str, object] = {"charging_profile_id": pid, "stack_level": level, "charging_profile_purpose": purpose,
                            "charging_profile_kind": kind, "charging_schedule": sched}
    if tx is not None:
        p["transaction_id"] = tx
    return p


def test_the_battery_takes_full_current_to_80_percent_then_tapers() -> None:
    car = CarBattery(50_000, soc=0.5, onboard_a=32)
    assert car.acceptance_a() == 32
    car.soc = 0.9
    assert 16 < car.acceptance_a() < 18  # halfway down the taper: 0.1 + 0.9 × 0.5 of 32 A
    car.soc = 1.0
    assert car.acceptance_a() == 0


def test_below_six_amps_nothing_is_offered() -> None:
    assert offered_a(32, None) == 32 and offered_a(32, 10) == 10 and offered_a(32, 5.9) == 0 and MIN_AC_A == 6


def test_profiles_stack_by_level_and_the_charge_point_maximum_caps_everything() -> None:
    p = Profiles()
    p.install(1, profile(1, "TxDefaultProfile", 20))
    assert p.limit_a(1, NOW, tx_id=7, tx_start=NOW) == 20
    assert p.limit_a(1, NOW, tx_id=None, tx_start=None) is None  # no transaction: no Tx profiles apply
    p.install(1, profile(2, "TxProfile", 16, tx=7, kind="Relative", start=None))
    assert p.limit_a(1, NOW, tx_id=7, tx_start=NOW) == 16  # a TxProfile overrides the default
    assert p.limit_a(1, NOW, tx_id=8, tx_start=NOW) == 20  # … only for its own transaction
    p.install(1, profile(3, "TxProfile", 24, tx=7, level=1, kind="Relative", start=None))
    assert p.limit_a(1, NOW, tx_id=7, tx_start=NOW) == 24  # higher stack level wins
    p.install(0, profile(4, "ChargePointMaxProfile", 10))
    assert p.limit_a(1, NOW, tx_id=7, tx_start=NOW) == 10
    assert p.clear(purpose="ChargePointMaxProfile") == 1
    p.drop_tx(7)
    assert p.limit_a(1, NOW, tx_id=7, tx_start=NOW) == 20


def test_schedule_periods_duration_and_watts() -> None:
    p = Profiles()
    p.install(0, profile(1, "ChargePointMaxProfile", 0, start=NOW, periods=[(0, 32), (1800, 8)], duration=3600))
    assert p.limit_a(1, NOW + timedelta(minutes=10), tx_id=1, tx_start=NOW) == 32
    assert p.limit_a(1, NOW + timedelta(minutes=40), tx_id=1, tx_start=NOW) == 8
    assert p.limit_a(1, NOW + timedelta(minutes=70), tx_id=1, tx_start=NOW) is None  # past its duration
    q = Profiles()
    q.install(1, profile(5, "TxDefaultProfile", 3680, unit="W"))
    assert q.limit_a(1, NOW, tx_id=1, tx_start=NOW, volts=230, phases=1) == 16.0


def test_same_purpose_and_level_replaces() -> None:
    p = Profiles()
    p.install(1, profile(1, "TxDefaultProfile", 20))
    p.install(1, profile(2, "TxDefaultProfile", 12))
    assert len(p.installed) == 1 and p.limit_a(1, NOW, tx_id=1, tx_start=NOW) == 12


@given(st.floats(0, 1), st.floats(6, 32))
def test_acceptance_never_exceeds_the_on_board_charger(soc: float, onboard: float) -> None:
    car = CarBattery(40_000, soc=soc, onboard_a=onboard)
    assert 0 <= car.acceptance_a() <= onboard
