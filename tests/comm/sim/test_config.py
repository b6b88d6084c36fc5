"""The simulation config: the shipped community loads, and every kind of mistake is named clearly."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from comm.sim.config import DEFAULT_CONFIG, SimConfigError, load_config, parse_config


def test_shipped_community_loads():
    cfg = load_config()
    assert len(cfg.stations) == 6
    assert len(cfg.piles) == 72
    assert cfg.residents == 500
    assert sum(cfg.residents_of(s) for s in cfg.stations) == 500
    for s in cfg.stations:
        assert "许昌" in s.address and s.name and s.name_en
        assert 33.9 < s.lat < 34.2 and 113.7 < s.lon < 114.0
        assert len(s.buses) == 1 and s.buses[0].baudrate == 9600
        assert sorted(p.unit_id for p in s.buses[0].piles) == [1, 2, 3, 4, 5, 6]
        assert len(s.tcp_piles) == 6
        assert all(0 <= p.x < s.plan_w and 0 <= p.y < s.plan_h for p in s.piles)
    ports = [c for p in cfg.piles for c in p.ports]
    assert len(ports) == 720 and 0.8 < ports.count("ebike") / len(ports) < 1.0
    night = [s for s in cfg.stations if s.pile_config.mode.night_cutoff]
    assert len(night) == 1 and night[0].pile_config.night_end_min == 300


def _valid() -> dict[str, Any]:
    return {
        "seed": 1,
        "residents": 10,
        "stations": [{
            "code": "S1", "name": "测试苑", "name_en": "Test Court", "address": "许昌市", "lat": 34.0, "lon": 113.8,
            "charging_limit_w": 30000, "plan": [800, 600],
            "buses": [{"name": "485-1", "piles": [
                {"code": "S1-P01", "unit_id": 1, "x": 10, "y": 10, "ports": "eeeeeeeett"},
                {"code": "S1-P02", "unit_id": 2, "x": 20, "y": 10},
            ]}],
            "tcp_piles": [{"code": "S1-P03", "x": 30, "y": 10, "ports": ["ebike", "trike"]}],
            "pile_config": {"coin_fee_fen": 50, "mode": {"night_cutoff": True},
                            "tiers": [[150, 300], [300, 200], [600, 120], [1000, 90], [1500, 60]]},
        }],
    }


def test_a_valid_config_parses():
    cfg = parse_config(_valid())
    s = cfg.stations[0]
    assert [p.code for p in s.piles] == ["S1-P01", "S1-P02", "S1-P03"]
    assert s.piles[0].ports[-1] == "trike" and s.piles[1].ports == ("ebike",) * 10
    assert s.piles[2].bus is None and s.piles[0].bus == "485-1"
    assert s.pile_config.coin_fee_fen == 50 and s.pile_config.mode.night_cutoff
    assert s.pile_config.tiers[0].min_per_yuan == 300


def _mutate(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(_valid())
    node: Any = data
    keys = [int(k) if k.isdigit() else k for k in path.split(".")]
    for k in keys[:-1]:
        node = node[k]
    if value is KeyError:
        del node[keys[-1]]
    else:
        node[keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        ("stations.0.buses.0.piles.1.code", "S1-P01", "pile code 'S1-P01' is used twice"),
        ("stations.0.tcp_piles.0.code", "S1-P02", "pile code 'S1-P02' is used twice"),
        ("stations.0.buses.0.piles.1.unit_id", 1, "bus '485-1' pile S1-P02: unit_id 1 is used twice"),
        ("stations.0.buses.0.piles.1.unit_id", 248, "(S1-P02): unit_id 248 outside 1–247"),
        ("stations.0.buses.0.piles.0.unit_id", 0, "(S1-P01): unit_id 0 outside 1–247"),
        ("stations.0.buses.0.piles.0.unit_id", KeyError, "(S1-P01): missing 'unit_id'"),
        ("stations.0.buses.0.piles.0.x", 800, "(S1-P01): position (800, 10) is outside the 800×600 site plan"),
        ("stations.0.tcp_piles.0.y", -1, "(S1-P03): position (30, -1) is outside"),
        ("stations.0.buses.0.piles.0.ports", "eex", "unknown class letter(s) x"),
        ("stations.0.buses.0.piles.0.ports", "e" * 11, "11 ports: a pile has 1–10"),
        ("stations.0.buses.0.baudrate", 9601, "bus '485-1': baudrate 9601 is not one of"),
        ("stations.0.buses.0.piles", [], "bus '485-1': has no piles"),
        ("stations.0.plan", [800], "plan must be [width, height]"),
        ("stations.0.lat", 134.0, "is not a place on Earth"),
        ("stations.0.charging_limit_w", "lots", "'charging_limit_w' must be int"),
        ("stations.0.name", KeyError, "station S1: missing 'name'"),
        ("stations.0.colour", "red", "station S1: unknown key(s) colour"),
        ("stations.0.pile_config.coin_fee_fen", 5, "pile_config: coin_fee_fen 5 outside 10–10000"),
        ("stations.0.pile_config.over_temp_dc", 2000, "over_temp_dc 2000 outside 300–1200"),
        ("stations.0.pile_config.mode.turbo", True, "pile_config mode: unknown key(s) turbo"),
        ("stations.0.pile_config.tiers", [[300, 200], [150, 300], [600, 120], [1000, 90], [1500, 60]],
         "tier max_w must rise"),
        ("speed", 0, "speed 0.0 must be above 0"),
        ("stations", [], "no stations"),
    ],
)
def test_bad_configs_name_the_entry(path, value, message):
    with pytest.raises(SimConfigError) as err:
        parse_config(_mutate(path, value), source="site.toml")
    assert message in str(err.value)
    assert str(err.value).startswith("site.toml: ")


def test_duplicate_station_code():
    data = _valid()
    twin = copy.deepcopy(data["stations"][0])
    for p in twin["buses"][0]["piles"] + twin["tcp_piles"]:
        p["code"] = "X" + p["code"]
    data["stations"].append(twin)
    with pytest.raises(SimConfigError, match=r"stations\[1\]: station code 'S1' is used twice"):
        parse_config(data)


def test_file_errors(tmp_path: Path):
    with pytest.raises(SimConfigError, match="cannot read"):
        load_config(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("stations = [", encoding="utf-8")
    with pytest.raises(SimConfigError, match=r"bad\.toml: not valid TOML"):
        load_config(bad)
    assert DEFAULT_CONFIG.name == "community.toml"
