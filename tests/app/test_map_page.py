"""Map pages are offline (only the vendored Leaflet), carry the pile data, and the search helpers are right."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.map_page import (
    OVERVIEW_PAGE,
    Near,
    TileSource,
    haversine_m,
    offset_latlon,
    pile_latlon,
    pile_state,
    plan_distance,
    search_piles,
    station_page_name,
    status_fault,
    write_overview_page,
    write_station_page,
)
from tests.support.map_fixtures import pile_id, sample_stations

URL = re.compile(r"https?://", re.IGNORECASE)


def _data(page: Path) -> dict[str, object]:
    m = re.search(r"window\.CD_DATA = (\{.*?\});</script>", page.read_text(encoding="utf-8"), re.S)
    assert m, "no embedded map data"
    return json.loads(m.group(1).replace("<\\/", "</"))


def _scripts_and_styles(text: str) -> list[str]:
    return re.findall(r'<script src="([^"]+)"', text) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', text)


@pytest.mark.parametrize("which", ["overview", "station"])
def test_pages_have_no_network_link_and_only_vendored_leaflet(tmp_path: Path, which: str) -> None:
    stations = sample_stations()
    page = write_overview_page(stations, tmp_path) if which == "overview" else write_station_page(stations[0], tmp_path)
    text = page.read_text(encoding="utf-8")
    assert not URL.search(text), URL.findall(text)
    assert "cdn" not in text.lower() and "jquery" not in text.lower() and "bootstrap" not in text.lower()
    assert sorted(_scripts_and_styles(text)) == [
        "qrc:///qtwebchannel/qwebchannel.js", "static/chargedesk_map.css", "static/chargedesk_map.js",
        "static/leaflet.css", "static/leaflet.js",
    ]
    for rel in ("static/leaflet.js", "static/leaflet.css", "static/chargedesk_map.js", "static/chargedesk_map.css",
                "static/images/marker-icon.png"):
        assert (tmp_path / rel).is_file(), rel
    # our own script and style make no network requests either
    for rel in ("static/chargedesk_map.js", "static/chargedesk_map.css"):
        assert not URL.search((tmp_path / rel).read_text(encoding="utf-8")), rel
    # the site plans are files next to the page, not CDN or base64 blobs
    for img in re.findall(r'"(static/siteplan-[^"]+\.png)"', text):
        assert (tmp_path / img).is_file()
    assert "data:image" not in text


def test_class_defaults_of_folium_are_left_alone(tmp_path: Path) -> None:
    import folium

    before = list(folium.Map.default_js)
    write_station_page(sample_stations()[0], tmp_path)
    assert folium.Map.default_js == before


def test_street_tiles_are_the_only_link_when_configured(tmp_path: Path) -> None:
    tiles = TileSource("https://{s}.tile.example.org/{z}/{x}/{y}.png", "© Example contributors")
    text = write_overview_page(sample_stations(), tmp_path, tiles=tiles).read_text(encoding="utf-8")
    links = re.findall(r"https?://[^\s\"'<>]+", text)
    assert links == ["https://{s}.tile.example.org/{z}/{x}/{y}.png"]


def test_station_page_data_positions_and_states(tmp_path: Path) -> None:
    st = sample_stations()[0]
    p1 = st.piles[0]
    page = write_station_page(st, tmp_path, states={p1.pile_id: "fault"}, positions={p1.pile_id: (500.0, 400.0)},
                              labels={"idle": "空闲"})
    assert page.name == station_page_name("TA01") == "station-TA01.html"
    data = _data(page)
    assert data["mode"] == "site" and data["plan"] == {"w": 1200, "h": 800}
    piles = {p["code"]: p for p in data["piles"]}  # type: ignore[attr-defined]
    assert piles["TA01-P01"]["x"] == 500.0 and piles["TA01-P01"]["state"] == "fault"
    assert piles["TA01-P02"]["state"] == "idle" and piles["TA01-P02"]["short"] == "P02"
    assert piles["TA01-P04"]["placed"] is False and piles["TA01-P04"]["state"] == "offline"
    assert data["labels"]["idle"] == "空闲"  # type: ignore[index]
    assert "莲城花园" in page.read_text(encoding="utf-8")


def test_overview_places_piles_on_the_ground(tmp_path: Path) -> None:
    stations = sample_stations()
    data = _data(write_overview_page(stations, tmp_path))
    assert data["mode"] == "overview" and (tmp_path / OVERVIEW_PAGE).is_file()
    assert [s["code"] for s in data["stations"]] == ["TA01", "TB02"]  # type: ignore[attr-defined]
    piles = {p["code"]: p for p in data["piles"]}  # type: ignore[attr-defined]
    # P01 at (110, 180) of a 1200 × 800 plan at 0.25 m/px: 122.5 m west and 55 m north of the centre
    d = haversine_m(stations[0].lat or 0, stations[0].lon or 0, piles["TA01-P01"]["lat"], piles["TA01-P01"]["lng"])
    assert d == pytest.approx((122.5**2 + 55**2) ** 0.5, rel=1e-3)
    assert piles["TA01-P01"]["lat"] > stations[0].lat  # north: y grows downwards on the plan


def test_pile_state_priorities() -> None:
    assert pile_state(False, ["CHARGING"]) == ("offline", 0)
    assert pile_state(True, ["IDLE", "FAULT", "CHARGING"]) == ("fault", 1)
    assert pile_state(True, ["IDLE"], pile_fault=True) == ("fault", 0)
    assert pile_state(True, ["CHARGING", "STARTING", "IDLE"]) == ("charging", 2)
    assert pile_state(True, ["IDLE", "DISABLED"]) == ("idle", 0)
    assert pile_state(True, []) == ("idle", 0)


def test_distances() -> None:
    # one degree of latitude ≈ 111.2 km; Xuchang → Zhengzhou ≈ 82 km
    assert haversine_m(34.0, 113.8, 35.0, 113.8) == pytest.approx(111_195, rel=1e-3)
    assert haversine_m(34.0368, 113.8431, 34.7466, 113.6254) == pytest.approx(81_700, rel=0.01)
    assert haversine_m(34.0, 113.8, 34.0, 113.8) == 0.0
    lat, lon = offset_latlon(34.0, 113.8, 300.0, -400.0)
    assert haversine_m(34.0, 113.8, lat, lon) == pytest.approx(500.0, rel=1e-4)
    assert plan_distance((0, 0), (30, 40)) == 50.0


def test_search_by_name_code_and_state() -> None:
    stations = sample_stations()
    codes = [h.code for h in search_piles(stations, text="p02")]
    assert codes == ["TA01-P02", "TB02-P02"]
    assert [h.code for h in search_piles(stations, text="春秋")] == ["TB02-P01", "TB02-P02"]
    states = {pile_id("TA01-P01"): "charging", pile_id("TB02-P02"): "charging", pile_id("TA01-P03"): "fault"}
    assert [h.code for h in search_piles(stations, states={"charging"}, pile_states=states)] == ["TA01-P01", "TB02-P02"]
    # without live states: the stored online flag decides idle / offline
    assert [h.code for h in search_piles(stations, states={"offline"})] == ["TA01-P04"]
    only_a = search_piles(stations, text="P0", station_id=stations[0].station_id)
    assert {h.station_code for h in only_a} == {"TA01"}


def test_search_by_distance_on_the_site_plan() -> None:
    stations = sample_stations()
    a = stations[0]
    hits = search_piles(stations, near=Near((120.0, 180.0), 200.0, a.station_id))
    assert [(h.code, round(h.distance or 0)) for h in hits] == [("TA01-P01", 10), ("TA01-P02", 130)]
    moved = search_piles(stations, near=Near((120.0, 180.0), 200.0, a.station_id),
                         positions={pile_id("TA01-P03"): (121.0, 181.0)})
    assert [h.code for h in moved] == ["TA01-P03", "TA01-P01", "TA01-P02"]


def test_search_by_distance_on_the_overview() -> None:
    stations = sample_stations()
    a, b = stations
    p01 = pile_latlon(a, (110, 180))
    assert p01 is not None
    near = search_piles(stations, near=Near(p01, 20.0))  # P02 is 140 px = 35 m away
    assert [h.code for h in near] == ["TA01-P01"] and (near[0].distance or 0) < 0.01
    # the two compounds are ~1.3 km apart: a 2 km circle around A takes in both, nearest first
    wide = search_piles(stations, near=Near((a.lat or 0, a.lon or 0), 2000.0))
    assert {h.station_code for h in wide} == {"TA01", "TB02"}
    assert [h.distance for h in wide] == sorted(h.distance or 0 for h in wide)
    # an unplaced pile stands at its community's point
    assert next(h for h in wide if h.code == "TA01-P04").distance == pytest.approx(0, abs=0.01)
    assert haversine_m(a.lat or 0, a.lon or 0, b.lat or 0, b.lon or 0) == pytest.approx(1310, rel=0.05)


def test_pile_level_faults() -> None:
    from comm.pile.messages import PileFault, PileFlags, PileStatus

    def status(fault: PileFault = PileFault.NONE, **flags: bool) -> PileStatus:
        return PileStatus(PileFlags(**flags), 250, 0, 123456, 0, 2200, 0, fault, 0, 0, 0, 0, 60)

    assert status_fault(status()) is False
    assert status_fault(status(PileFault.DOOR_OPEN)) is True
    assert status_fault(status(smoke_alarm=True)) is True
    assert status_fault(status(over_temp=True)) is True
