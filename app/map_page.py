"""The console's map pages (folium → offline HTML) and the pure helpers behind the map's search.

Two kinds of page, written into one directory next to a `static/` folder with the vendored
Leaflet, chargedesk_map.js/.css and the site-plan images:

- the overview (`index.html`): every community by lat/lon, its site plan laid on the ground at the
  plan's scale, piles at the matching coordinates; street tiles only when a `TileSource` is given
  (its URL is then the only http link in the page);
- one page per community (`station-<code>.html`): `crs="Simple"` in site-plan pixels, the plan as
  an image overlay and the piles at their pos_x/pos_y.

The markers are made by chargedesk_map.js from the JSON embedded in the page; Python never rebuilds
a page to show a new state. No Qt here (widgets/map_view.py loads the pages).
"""

from __future__ import annotations

import html
import json
import math
import shutil
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import folium
from PIL import Image

from app.services.siteplan import SITE_PLAN_M_PER_PX, plan_file_name, plan_size, write_site_plan
from app.services.stations import PileInfo, StationInfo
from comm.pile.messages import PileFault, PileStatus

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
STATIC_SOURCES = {
    "leaflet.js": RESOURCES / "leaflet" / "leaflet.js",
    "leaflet.css": RESOURCES / "leaflet" / "leaflet.css",
    "images": RESOURCES / "leaflet" / "images",
    "chargedesk_map.js": RESOURCES / "map" / "chargedesk_map.js",
    "chargedesk_map.css": RESOURCES / "map" / "chargedesk_map.css",
}
QWEBCHANNEL_JS = "qrc:///qtwebchannel/qwebchannel.js"  # served by Qt itself, never the network
STATES = ("idle", "charging", "fault", "offline")
OVERVIEW_PAGE = "index.html"
EARTH_RADIUS_M = 6_371_008.8
DEFAULT_LABELS = {
    "idle": "Idle", "charging": "Charging", "fault": "Fault", "offline": "Offline",
    "charging_ports": "charging ports", "unplaced": "Not placed yet: drag it onto the plan in edit mode",
    "legend_badge": "ports charging",
}
Position = tuple[float, float]


@dataclass(frozen=True, slots=True)
class TileSource:
    """Street tiles for the overview, e.g. an OpenStreetMap-style URL; only used when configured."""

    url: str
    attribution: str
    max_zoom: int = 19


# ------------------------------------------------------------------------------------ state
def pile_state(online: bool, port_states: Iterable[str], pile_fault: bool = False) -> tuple[str, int]:
    """(state, ports charging) of a pile: offline › fault › charging › idle."""
    states = list(port_states)
    charging = sum(1 for s in states if s in ("CHARGING", "STARTING"))
    if not online:
        return "offline", 0
    if pile_fault or any(s == "FAULT" for s in states):
        return "fault", charging
    return ("charging", charging) if charging else ("idle", 0)


def status_fault(status: PileStatus) -> bool:
    """A pile-level fault: the pile reports one, or its smoke / over-temperature flag is up."""
    return status.pile_fault != PileFault.NONE or status.flags.smoke_alarm or status.flags.over_temp


# ------------------------------------------------------------------------------- geometry
def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def plan_distance(a: Position, b: Position) -> float:
    """Distance in site-plan pixels."""
    return math.hypot(a[0] - b[0], a[1] - b[1])


def offset_latlon(lat: float, lon: float, east_m: float, south_m: float) -> Position:
    """The point `east_m` east and `south_m` south of (lat, lon) — fine for a few hundred metres."""
    dlat = -south_m / EARTH_RADIUS_M
    dlon = east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat)))
    return lat + math.degrees(dlat), lon + math.degrees(dlon)


def plan_bounds_latlon(station: StationInfo) -> tuple[Position, Position] | None:
    """South-west and north-east corners of the site plan on the ground (plan centred on the station)."""
    if station.lat is None or station.lon is None:
        return None
    w, h = plan_size(station)
    sw = offset_latlon(station.lat, station.lon, -w / 2 * SITE_PLAN_M_PER_PX, h / 2 * SITE_PLAN_M_PER_PX)
    ne = offset_latlon(station.lat, station.lon, w / 2 * SITE_PLAN_M_PER_PX, -h / 2 * SITE_PLAN_M_PER_PX)
    return sw, ne


def pile_latlon(station: StationInfo, pos: Position | None) -> Position | None:
    """Where a pile at plan position `pos` stands on the ground; the station's point if not placed."""
    if station.lat is None or station.lon is None:
        return None
    if pos is None:
        return station.lat, station.lon
    w, h = plan_size(station)
    return offset_latlon(station.lat, station.lon, (pos[0] - w / 2) * SITE_PLAN_M_PER_PX,
                         (pos[1] - h / 2) * SITE_PLAN_M_PER_PX)


def pile_position(pile: PileInfo, positions: Mapping[uuid.UUID, Position] | None = None) -> Position | None:
    if positions and pile.pile_id in positions:
        return positions[pile.pile_id]
    if pile.pos_x is None or pile.pos_y is None:
        return None
    return pile.pos_x, pile.pos_y


# --------------------------------------------------------------------------------- search
@dataclass(frozen=True, slots=True)
class Near:
    """A distance search: `origin` is (lat, lon) with radius in metres for the overview, or (x, y)
    with radius in plan pixels on the site plan of `station_id`."""

    origin: Position
    radius: float
    station_id: uuid.UUID | None = None  # None: overview (geographic)


@dataclass(frozen=True, slots=True)
class PileHit:
    pile_id: uuid.UUID
    code: str
    name: str
    station_code: str
    station_name: str
    state: str
    distance: float | None  # metres (overview) or pixels (site plan), when searched by distance


def pile_matches(station: StationInfo, pile: PileInfo, text: str) -> bool:
    """Case-insensitive substring of the pile's code or name, or of its community's code or name."""
    t = text.strip().casefold()
    return not t or any(t in s.casefold() for s in (pile.code, pile.name, station.code, station.name))


def search_piles(stations: Iterable[StationInfo], *, text: str = "", states: Collection[str] = (),
                 pile_states: Mapping[uuid.UUID, str] | None = None, station_id: uuid.UUID | None = None,
                 near: Near | None = None, positions: Mapping[uuid.UUID, Position] | None = None) -> list[PileHit]:
    """Piles matching all given criteria; sorted by distance for a distance search, else by code."""
    hits: list[PileHit] = []
    for st in stations:
        if station_id is not None and st.station_id != station_id:
            continue
        if near is not None and near.station_id is not None and st.station_id != near.station_id:
            continue
        for p in st.piles:
            state = (pile_states or {}).get(p.pile_id, "idle" if p.online else "offline")
            if states and state not in states:
                continue
            if not pile_matches(st, p, text):
                continue
            dist: float | None = None
            if near is not None:
                dist = _distance(st, pile_position(p, positions), near)
                if dist is None or dist > near.radius:
                    continue
            hits.append(PileHit(p.pile_id, p.code, p.name, st.code, st.name, state, dist))
    if near is not None:
        hits.sort(key=lambda h: (h.distance or 0.0, h.code))
    else:
        hits.sort(key=lambda h: h.code)
    return hits


def _distance(station: StationInfo, pos: Position | None, near: Near) -> float | None:
    if near.station_id is not None:
        return None if pos is None else plan_distance(pos, near.origin)
    ll = pile_latlon(station, pos)
    return None if ll is None else haversine_m(near.origin[0], near.origin[1], ll[0], ll[1])


# ---------------------------------------------------------------------------------- pages
def station_page_name(code: str) -> str:
    return "station-" + plan_file_name(code).removeprefix("siteplan-").removesuffix(".png") + ".html"


def prepare_static(page_dir: Path) -> Path:
    """Copy the vendored Leaflet and the map script/style into page_dir/static (only what changed)."""
    static = page_dir / "static"
    static.mkdir(parents=True, exist_ok=True)
    for name, src in STATIC_SOURCES.items():
        if src.is_dir():
            for f in src.iterdir():
                _copy_if_changed(f, static / name / f.name)
        else:
            _copy_if_changed(src, static / name)
    return static


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.is_file():
        a, b = src.stat(), dst.stat()
        if a.st_size == b.st_size and a.st_mtime_ns <= b.st_mtime_ns:
            return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def site_plan_url(station: StationInfo, page_dir: Path, site_plan_dir: Path | None) -> str:
    """Relative URL of the station's plan image in static/: the stored plan, else one drawn now."""
    name = plan_file_name(station.code)
    dst = page_dir / "static" / name
    stored = site_plan_dir / station.site_plan if site_plan_dir and station.site_plan else None
    if stored is not None and stored.is_file():
        _copy_if_changed(stored, dst)
    elif not dst.is_file():
        write_site_plan(station, dst)
    return f"static/{name}"


def _plan_dims(station: StationInfo, page_dir: Path, url: str) -> tuple[int, int]:
    if station.site_plan_w and station.site_plan_h:
        return station.site_plan_w, station.site_plan_h
    with Image.open(page_dir / url) as img:
        return img.size


def _new_map(**kw: object) -> folium.Map:
    m = folium.Map(**kw)  # type: ignore[arg-type]
    # Only the vendored files, set on this instance (the class lists are shared and point at CDNs).
    m.default_js = [("leaflet", "static/leaflet.js"), ("chargedesk_map", "static/chargedesk_map.js")]
    m.default_css = [("leaflet_css", "static/leaflet.css"), ("chargedesk_map_css", "static/chargedesk_map.css")]
    return m


def _image_overlay(url: str, bounds: list[list[float]], **kw: object) -> folium.raster_layers.ImageOverlay:
    overlay = folium.raster_layers.ImageOverlay("data:,", bounds=bounds, **kw)  # type: ignore[arg-type]
    overlay.url = url  # a relative file next to the page, not a base64 copy inside it
    return overlay


def _pile_data(station: StationInfo, pile: PileInfo, state: str, **extra: object) -> dict[str, object]:
    return {"id": str(pile.pile_id), "code": pile.code, "short": pile.code.rsplit("-", 1)[-1],
            "name": pile.name, "station": station.code, "ports": len(pile.ports), "state": state, **extra}


def _finish(m: folium.Map, data: dict[str, object], title: str, path: Path) -> Path:
    data["map"] = m.get_name()
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    root = m.get_root()
    root.header.add_child(folium.Element(f"<title>{html.escape(title)}</title>"), name="cd_title")
    root.header.add_child(folium.Element(f'<script src="{QWEBCHANNEL_JS}"></script>'), name="cd_qwebchannel")
    root.header.add_child(folium.Element(f"<script>window.CD_DATA = {payload};</script>"), name="cd_data")
    text = root.render()
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def write_station_page(station: StationInfo, page_dir: Path, *, site_plan_dir: Path | None = None,
                       states: Mapping[uuid.UUID, str] | None = None,
                       positions: Mapping[uuid.UUID, Position] | None = None,
                       labels: Mapping[str, str] | None = None) -> Path:
    """One community on its site plan (pixels, y down); returns the page's path."""
    prepare_static(page_dir)
    url = site_plan_url(station, page_dir, site_plan_dir)
    w, h = _plan_dims(station, page_dir, url)
    piles = []
    for p in station.piles:
        pos = pile_position(p, positions)
        state = (states or {}).get(p.pile_id, "idle" if p.online else "offline")
        piles.append(_pile_data(station, p, state, x=pos[0] if pos else None, y=pos[1] if pos else None,
                                placed=pos is not None))
    unplaced = any(not d["placed"] for d in piles)
    # zoom limits go in as Leaflet map options: folium's min_zoom/max_zoom only reach a tile layer
    m = _new_map(crs="Simple", tiles=None, location=[h / 2, w / 2], zoom_start=0, zoom_snap=0.25,
                 attribution_control=False, **{"minZoom": -3, "maxZoom": 3})
    _image_overlay(url, [[0, 0], [h, w]], name=station.name).add_to(m)
    m.fit_bounds([[-70 if unplaced else 0, 0], [h, w]])
    data = {"mode": "site", "station": station.code, "plan": {"w": w, "h": h}, "piles": piles, "unplaced": unplaced,
            "stations": [], "labels": {**DEFAULT_LABELS, **(labels or {})}}
    return _finish(m, data, f"{station.name} · {station.code}", page_dir / station_page_name(station.code))


def write_overview_page(stations: Iterable[StationInfo], page_dir: Path, *, site_plan_dir: Path | None = None,
                        states: Mapping[uuid.UUID, str] | None = None,
                        positions: Mapping[uuid.UUID, Position] | None = None,
                        tiles: TileSource | None = None, labels: Mapping[str, str] | None = None) -> Path:
    """All communities by lat/lon, each with its site plan on the ground and its piles."""
    prepare_static(page_dir)
    placed = [s for s in stations if s.lat is not None and s.lon is not None]
    lats = [s.lat for s in placed if s.lat is not None] or [0.0]
    lons = [s.lon for s in placed if s.lon is not None] or [0.0]
    m = _new_map(location=[sum(lats) / len(lats), sum(lons) / len(lons)], zoom_start=14, tiles=None,
                 zoom_snap=0.5, attribution_control=tiles is not None,
                 **{"minZoom": 3, "maxZoom": tiles.max_zoom if tiles else 19})
    if tiles is not None:
        folium.TileLayer(tiles=tiles.url, attr=tiles.attribution, max_zoom=tiles.max_zoom, name="street").add_to(m)
    piles, station_data, corners = [], [], []
    for st in placed:
        bounds = plan_bounds_latlon(st)
        if bounds is None:
            continue
        (s_lat, w_lon), (n_lat, e_lon) = bounds
        corners += [[s_lat, w_lon], [n_lat, e_lon]]
        url = site_plan_url(st, page_dir, site_plan_dir)
        _image_overlay(url, [[s_lat, w_lon], [n_lat, e_lon]], opacity=0.92, name=st.name).add_to(m)
        station_data.append({"code": st.code, "name": st.name, "lat": st.lat, "lng": st.lon, "top": n_lat})
        for p in st.piles:
            ll = pile_latlon(st, pile_position(p, positions))
            if ll is None:
                continue
            state = (states or {}).get(p.pile_id, "idle" if p.online else "offline")
            piles.append(_pile_data(st, p, state, lat=ll[0], lng=ll[1]))
    if corners:
        m.fit_bounds(corners, padding=(60, 60))
    data = {"mode": "overview", "piles": piles, "stations": station_data, "tiles": tiles is not None,
            "labels": {**DEFAULT_LABELS, **(labels or {})}}
    return _finish(m, data, "ChargeDesk", page_dir / OVERVIEW_PAGE)
