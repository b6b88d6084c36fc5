"""OCPP → port vocabulary, MeterValues parsing, and charge point credentials (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.charge_point_auth import (
    basic_auth_header,
    generate_key,
    hash_key,
    identity_from_path,
    parse_basic_auth,
    verify_key,
)
from app.engine.ocpp_mapping import Connector, parse_meter_values, port_live
from comm.pile.messages import Payment, PortFault, PortState, StopReason

T = datetime(2026, 1, 5, 12, tzinfo=UTC)


def sv(value: str, measurand: str | None = None, unit: str | None = None, phase: str | None = None) -> dict:
    d = {"value": value}
    if measurand:
        d["measurand"] = measurand
    if unit:
        d["unit"] = unit
    if phase:
        d["phase"] = phase
    return d


def test_meter_values_in_any_unit_become_project_units() -> None:
    m = parse_meter_values([{"timestamp": "x", "sampled_value": [
        sv("12.345", unit="kWh"),  # the default measurand is the import register
        sv("7.2", "Power.Active.Import", "kW"),
        sv("31.9", "Current.Import", "A", "L1"), sv("30.0", "Current.Import", "A", "L2"),
        sv("229.6", "Voltage", "V", "L1-N"),
        sv("57", "SoC", "Percent"),
        sv("nonsense", "Power.Active.Import", "W"),  # skipped, the kW value stays
        sv("5", "Temperature", "Celsius"),  # not ours
    ]}])
    assert (m.register_wh, m.power_w, m.current_ca, m.voltage_dv, m.soc) == (12345, 7200, 3190, 2296, 57)
    assert parse_meter_values([]).register_wh is None
    assert parse_meter_values([{"sampled_value": [sv("1", "Power.Active.Import", "MW")]}]).power_w is None


def test_a_connector_with_a_transaction_is_an_active_port() -> None:
    c = Connector(1, status="Charging", tx_id=42, meter_start=1000, register_wh=3500, started_at=T - timedelta(hours=1),
                  power_w=7000, payment=Payment.REMOTE)
    live = port_live(c, T)
    assert (live.state, live.session_id, live.energy_wh, live.elapsed_min, live.payment) == (
        PortState.CHARGING, 42, 2500, 60, Payment.REMOTE)
    c.status = "SuspendedEV"
    assert port_live(c, T).state is PortState.STARTING  # the car paused: still in session
    c.status, c.error_code = "Faulted", "GroundFailure"
    live = port_live(c, T)
    assert live.state is PortState.STARTING and live.fault is PortFault.LINE_FAULT  # fault shown, session kept
    c.tx_id, c.last_tx_id, c.last_energy_wh, c.stop_reason, c.status = None, 42, 2500, "EVDisconnected", "Available"
    live = port_live(c, T)
    assert (live.state, live.session_id, live.energy_wh, live.stop_reason) == (
        PortState.IDLE, 42, 2500, StopReason.UNPLUGGED)
    assert port_live(Connector(2, status="Unavailable"), T).state is PortState.DISABLED


def test_keys_hash_and_verify() -> None:
    key = generate_key()
    stored = hash_key(key)
    assert len(key) == 24 and stored.startswith("pbkdf2_sha256$") and key not in stored
    assert verify_key(key, stored) and not verify_key(key + "x", stored)
    assert not verify_key(key, None) and not verify_key(key, "md5$1$00$00") and not verify_key(key, "garbage")


def test_basic_auth_and_paths() -> None:
    assert parse_basic_auth(basic_auth_header("CP-1", "p:w")) == ("CP-1", "p:w")
    assert parse_basic_auth("Bearer x") is None and parse_basic_auth("Basic !!!") is None
    assert parse_basic_auth(None) is None and parse_basic_auth("Basic " + "Q1AtMQ==") is None  # no colon
    assert identity_from_path("/ocpp/CP-001") == "CP-001" and identity_from_path("/ocpp/CP-001?x=1") == "CP-001"
    assert identity_from_path("/other/CP") is None and identity_from_path("/ocpp/") is None
    assert identity_from_path("/ocpp/a/b") is None


@given(st.text(max_size=200))
def test_garbage_authorization_headers_never_raise(header: str) -> None:
    parse_basic_auth(header)
    identity_from_path(header)


sampled = st.fixed_dictionaries({"value": st.one_of(st.text(max_size=10), st.integers().map(str))}, optional={
    "measurand": st.sampled_from(["Energy.Active.Import.Register", "Power.Active.Import", "Current.Import",
                                  "Voltage", "SoC", "Temperature"]),
    "unit": st.sampled_from(["Wh", "kWh", "W", "kW", "A", "V", "Percent", "K"]),
    "phase": st.sampled_from(["L1", "L2", "L3", "L1-N", "N"]), "format": st.sampled_from(["Raw", "SignedData"]),
})


@given(st.lists(st.fixed_dictionaries({"sampled_value": st.lists(sampled, max_size=6)}), max_size=3))
def test_any_schema_shaped_meter_values_parse_without_error(meter_value: list[dict]) -> None:
    m = parse_meter_values(meter_value)
    c = Connector(1, status="Charging", tx_id=1, meter_start=0, started_at=T)
    from app.engine.ocpp_mapping import apply_measures

    apply_measures(c, m)
    live = port_live(c, T)
    assert live.power_w >= 0 and live.current_ca >= 0
