"""Community site plans (总平面图) drawn with Pillow, for stations that have no drawing of their own.

The picture is plausible, not surveyed: a walled compound with a ring road and cross roads, lawns,
numbered residential buildings (楼栋), a property office, a gate, and an e-bike shed (车棚) wherever
piles stand, plus the community name, a north arrow and a scale bar. It is deterministic: the same
station code and pile positions always give the same image. Pixel coordinates: origin at the top
left, y downwards — the same as the piles' pos_x/pos_y.
"""

from __future__ import annotations

import itertools
import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import platformdirs
from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.orm import Session

from app.services.stations import StationInfo, list_stations
from db.models import Station

SITE_PLAN_M_PER_PX = 0.25  # metres per pixel of a generated plan (1200 px ≈ 300 m)
DEFAULT_PLAN_SIZE = (1200, 800)
FONT_PATH = Path(__file__).resolve().parents[2] / "resources" / "fonts" / "wqy-microhei.ttc"

GROUND, WALL, ROAD, ROAD_EDGE = "#efe9dc", "#8a8275", "#fbfaf6", "#c9c1b1"
LAWN, TREE, TREE_DARK = "#d3e6c1", "#8fbf77", "#6c9c58"
BUILDING, BUILDING_EDGE, BUILDING_TEXT = "#d9cfc0", "#8c7b67", "#4a3f33"
SHED, SHED_EDGE, SHED_TEXT, APRON = "#c3d3e6", "#5a7593", "#2f4a66", "#e2ddd3"

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass(frozen=True, slots=True)
class PlanPoint:
    code: str
    x: float
    y: float


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONT_PATH), size, index=0)
    except OSError:  # font not shipped: Latin-only fallback rather than no plan at all
        return ImageFont.load_default(size)


def _overlaps(a: Rect, b: Rect, margin: float = 0.0) -> bool:
    return a[0] - margin < b[2] and b[0] - margin < a[2] and a[1] - margin < b[3] and b[1] - margin < a[3]


def shed_rects(points: Sequence[PlanPoint], rng: random.Random) -> list[Rect]:
    """One shed per group of 1–3 neighbouring piles in a row (same y within 40 px, ≤ 170 px apart)."""
    rows: list[list[PlanPoint]] = []
    for p in sorted(points, key=lambda q: (q.y, q.x)):
        if rows and abs(rows[-1][0].y - p.y) <= 40:
            rows[-1].append(p)
        else:
            rows.append([p])
    sheds: list[Rect] = []
    for row in rows:
        row.sort(key=lambda q: q.x)
        group: list[PlanPoint] = []
        cap = rng.choice((2, 3))
        for p in row:
            if group and (p.x - group[-1].x > 170 or len(group) >= cap):
                sheds.append(_shed_of(group))
                group, cap = [], rng.choice((2, 3))
            group.append(p)
        if group:
            sheds.append(_shed_of(group))
    return sheds


def _shed_of(group: list[PlanPoint]) -> Rect:
    ys = [p.y for p in group]
    return (group[0].x - 48, min(ys) - 26, group[-1].x + 48, max(ys) + 26)


def _free_spans(lo: float, hi: float, blocked: list[tuple[float, float]]) -> list[tuple[float, float]]:
    spans, cur = [], lo
    for a, b in sorted(blocked):
        if a > cur:
            spans.append((cur, min(a, hi)))
        cur = max(cur, b)
    if cur < hi:
        spans.append((cur, hi))
    return [(a, b) for a, b in spans if b - a > 0]


class _Planner:
    """Lays out roads, blocks, buildings and trees around the sheds."""

    def __init__(self, w: int, h: int, sheds: list[Rect], reserved: list[Rect], rng: random.Random) -> None:
        self.w, self.h, self.sheds, self.reserved, self.rng = w, h, sheds, reserved, rng
        self.road_w = 18
        self.inset = 34
        self.roads: list[Rect] = []
        self.blocks: list[Rect] = []
        self.buildings: list[Rect] = []
        self.trees: list[tuple[float, float, float]] = []
        self.office: Rect | None = None
        self.parking: list[Rect] = []
        self.gardens: list[Rect] = []

    def layout(self) -> None:
        w, h, i, r = self.w, self.h, self.inset, self.road_w
        # horizontal roads: the ring's top and bottom plus one in each wide gap between shed rows
        blocked = [(s[1] - 14, s[3] + 14) for s in self.sheds]
        gaps = [g for g in _free_spans(i + r + 60, h - i - r - 60, blocked) if g[1] - g[0] >= 120]
        ys = [float(i)] + [self.rng.uniform(a + 40, b - 40 - r) for a, b in gaps] + [float(h - i - r)]
        ys.sort()
        for y in ys:
            self.roads.append((i, y, w - i, y + r))
        for top, bottom in itertools.pairwise(ys):
            self._band(top + r, bottom)

    def _band(self, y0: float, y1: float) -> None:
        """Vertical roads inside one band between two horizontal roads, then its blocks."""
        w, i, r = self.w, self.inset, self.road_w
        blocked = [(s[0] - 14, s[2] + 14) for s in self.sheds if s[1] < y1 and s[3] > y0]
        free = [s for s in _free_spans(i + r + 120, w - i - r - 120, blocked) if s[1] - s[0] > r + 4]
        xs = [float(i), float(w - i - r)]
        wanted = self.rng.choice((1, 2, 2))
        self.rng.shuffle(free)
        for a, b in free[:wanted]:
            xs.append(self.rng.uniform(a, b - r))
        xs.sort()
        for x in xs:
            self.roads.append((x, y0, x + r, y1))
        for left, right in itertools.pairwise(xs):
            block = (left + r + 6, y0 + 6, right - 6, y1 - 6)
            if block[2] - block[0] > 40 and block[3] - block[1] > 30:
                self.blocks.append(block)

    def place_buildings(self) -> None:
        """Greedy scan of each block: slab buildings of one size per block, kept clear of sheds."""
        for block in self.blocks:
            bw, bh = self.rng.uniform(150, 210), self.rng.uniform(40, 52)
            spacing = self.rng.uniform(34, 46)
            placed: list[Rect] = []
            y = block[1] + 16
            while y + bh <= block[3] - 12:
                x = block[0] + 16
                while x + bw <= block[2] - 12:
                    cand = (x, y, x + bw, y + bh)
                    if any(_overlaps(cand, s, 18) for s in self.sheds) or \
                            any(_overlaps(cand, r, 6) for r in self.reserved) or \
                            any(_overlaps(cand, b, spacing) for b in placed):
                        x += 10
                        continue
                    placed.append(cand)
                    x += bw + spacing
                y += 6
            self.buildings += placed
        self.buildings.sort(key=lambda b: (round(b[1] / 60), b[0]))
        if len(self.buildings) > 3:  # the smallest-index building near the gate becomes the office
            south = max(self.buildings, key=lambda b: (b[3], -b[0]))
            self.buildings.remove(south)
            cx, cy = (south[0] + south[2]) / 2, (south[1] + south[3]) / 2
            self.office = (cx - 50, cy - 20, cx + 50, cy + 20)

    def place_open_spaces(self) -> None:
        """Blocks left without buildings become a surface car park (停车场) or a small garden (小游园)."""
        for block in self.blocks:
            if any(_overlaps(block, b) for b in self.buildings) or any(_overlaps(block, s) for s in self.sheds):
                continue
            if (block[2] - block[0]) * (block[3] - block[1]) < 9000:
                continue
            gx, gy = (block[0] + block[2]) / 2, (block[1] + block[3]) / 2
            pond = (gx - 34, gy - 22, gx + 34, gy + 46)  # the pond and its label
            if not self.parking and self.rng.random() < 0.6 and not any(_overlaps(block, r) for r in self.reserved):
                self.parking.append(block)
            elif not any(_overlaps(pond, r, 8) for r in self.reserved):
                self.gardens.append(pond)

    def place_trees(self) -> None:
        aprons = [(s[0] - 12, s[1] - 12, s[2] + 12, s[3] + 12) for s in self.sheds]
        taken = self.buildings + self.reserved + self.parking + self.gardens + aprons
        taken += [self.office] if self.office else []
        for block in self.blocks:
            area = (block[2] - block[0]) * (block[3] - block[1])
            for _ in range(int(area / 2600)):
                x = self.rng.uniform(block[0] + 8, block[2] - 8)
                y = self.rng.uniform(block[1] + 8, block[3] - 8)
                rad = self.rng.uniform(5, 9)
                if not any(_overlaps((x - rad, y - rad, x + rad, y + rad), t, 4) for t in taken):
                    self.trees.append((x, y, rad))


def render_site_plan(code: str, name: str, size: tuple[int, int], points: Sequence[PlanPoint]) -> Image.Image:
    """Draw the plan of one community; `points` are the piles (sheds go where they stand)."""
    w, h = size
    rng = random.Random(zlib.crc32(code.encode("utf-8")))
    sheds = shed_rects(points, rng)
    big, small, label_font = _font(24), _font(13), _font(16)
    title_box = _title_box(name, big)
    reserved = [title_box, (w - 92, 30, w - 24, 106), (26, h - 80, 292, h - 26)]
    plan = _Planner(w, h, sheds, reserved, rng)
    plan.layout()
    plan.place_buildings()
    plan.place_open_spaces()
    plan.place_trees()

    img = Image.new("RGB", (w, h), GROUND)
    d = ImageDraw.Draw(img)
    d.rectangle((14, 14, w - 15, h - 15), outline=WALL, width=4)  # compound wall
    for b in plan.blocks:
        d.rounded_rectangle(b, radius=10, fill=LAWN)
    for rd in plan.roads:
        d.rectangle(rd, fill=ROAD, outline=ROAD_EDGE)
    for x, y, rad in plan.trees:
        d.ellipse((x - rad, y - rad, x + rad, y + rad), fill=TREE, outline=TREE_DARK)
    for p in plan.parking:
        _parking(d, p, label_font)
    for g in plan.gardens:
        gx, gy = (g[0] + g[2]) / 2, g[1] + 22
        d.ellipse((gx - 34, gy - 22, gx + 34, gy + 22), fill="#bcdcef", outline="#86b6d3", width=2)
        d.text((gx, gy + 38), "小游园", font=small, fill="#4d6b3c", anchor="mm")
    for n, b in enumerate(plan.buildings, start=1):
        d.rectangle((b[0] + 4, b[1] + 4, b[2] + 4, b[3] + 4), fill="#c9c2b4")  # shadow
        d.rectangle(b, fill=BUILDING, outline=BUILDING_EDGE, width=2)
        d.text(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2), f"{n}号楼", font=label_font, fill=BUILDING_TEXT, anchor="mm")
    if plan.office:
        o = plan.office
        d.rectangle(o, fill="#e8d9b5", outline=BUILDING_EDGE, width=2)
        d.text(((o[0] + o[2]) / 2, (o[1] + o[3]) / 2), "物业", font=label_font, fill=BUILDING_TEXT, anchor="mm")
    for n, s in enumerate(sheds):
        d.rectangle((s[0] - 8, s[1] - 8, s[2] + 8, s[3] + 8), fill=APRON)
        d.rectangle(s, fill=SHED, outline=SHED_EDGE, width=2)
        for x in range(int(s[0]) + 10, int(s[2]), 14):  # roof ribs
            d.line((x, s[1] + 3, x, s[3] - 3), fill="#aabdd4", width=1)
        d.text((s[0] + 6, s[1] - 7), f"车棚{chr(ord('A') + n % 26)}", font=small, fill=SHED_TEXT, anchor="ls")
    _gate(d, w, h, plan.road_w, label_font)
    _title(d, title_box, name, code, big, small)
    _north_arrow(d, w - 58, 74, _font(18))
    _scale_bar(d, 40, h - 48, small)
    return img


def _gate(d: ImageDraw.ImageDraw, w: int, h: int, road_w: int, font: ImageFont.FreeTypeFont | ImageFont.ImageFont
          ) -> None:
    x = w // 2
    d.rectangle((x - 30, h - 34, x + 30, h - 12), fill=ROAD)
    d.rectangle((x - 40, h - 20, x - 30, h - 8), fill=WALL)
    d.rectangle((x + 30, h - 20, x + 40, h - 8), fill=WALL)
    d.text((x + 48, h - 14), "大门", font=font, fill=BUILDING_TEXT, anchor="lm")


def _title_box(name: str, big: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> Rect:
    box = big.getbbox(f"{name} 总平面图")
    return (22.0, 58.0, 22.0 + max(box[2] - box[0], 220) + 28, 122.0)


def _title(d: ImageDraw.ImageDraw, box: Rect, name: str, code: str, big: ImageFont.FreeTypeFont | ImageFont.ImageFont,
           small: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    d.rounded_rectangle(box, radius=6, fill="white", outline=WALL)
    d.text((36, 66), f"{name} 总平面图", font=big, fill="#2b2b2b")
    d.text((36, 100), f"{code} · 车棚 / 楼栋示意，非测绘图", font=small, fill="#6a6a6a")


def _parking(d: ImageDraw.ImageDraw, r: Rect, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    d.rectangle(r, fill="#dcdcdc", outline="#a9a9a9")
    stall = 22
    for row_y in (r[1] + 8, r[3] - 8 - 44):
        if row_y < r[1] + 4:
            continue
        for x in range(int(r[0]) + 8, int(r[2]) - stall, stall):
            d.rectangle((x, row_y, x + stall, row_y + 44), outline="white", width=2)
    cx, cy = (r[0] + r[2]) / 2, (r[1] + r[3]) / 2
    d.rounded_rectangle((cx - 48, cy - 14, cx + 48, cy + 14), radius=4, fill="#2f6db5")
    d.text((cx, cy), "P 停车场", font=font, fill="white", anchor="mm")


def _north_arrow(d: ImageDraw.ImageDraw, cx: int, cy: int, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    d.ellipse((cx - 26, cy - 26, cx + 26, cy + 26), fill="white", outline=WALL, width=2)
    d.polygon([(cx, cy - 22), (cx - 10, cy + 12), (cx, cy + 5)], fill="#333333")
    d.polygon([(cx, cy - 22), (cx + 10, cy + 12), (cx, cy + 5)], fill="white", outline="#333333")
    d.text((cx, cy - 30), "北 N", font=font, fill="#333333", anchor="ms")


def _scale_bar(d: ImageDraw.ImageDraw, x: int, y: int, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> None:
    seg = 25 / SITE_PLAN_M_PER_PX  # 25 m in pixels
    d.rectangle((x - 8, y - 24, x + 2 * seg + 34, y + 14), fill="white")
    for k in range(2):
        d.rectangle((x + k * seg, y, x + (k + 1) * seg, y + 7), fill="#333333" if k == 0 else "white",
                    outline="#333333")
    for k, label in enumerate(("0", "25", "50 m")):
        d.text((x + k * seg, y - 4), label, font=font, fill="#333333", anchor="ms" if k < 2 else "ls")


def plan_size(station: StationInfo) -> tuple[int, int]:
    if station.site_plan_w and station.site_plan_h:
        return station.site_plan_w, station.site_plan_h
    return DEFAULT_PLAN_SIZE


def plan_points(station: StationInfo) -> list[PlanPoint]:
    return [PlanPoint(p.code, p.pos_x, p.pos_y) for p in station.piles if p.pos_x is not None and p.pos_y is not None]


def plan_file_name(code: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in code)
    return f"siteplan-{safe}.png"


def write_site_plan(station: StationInfo, path: Path) -> None:
    img = render_site_plan(station.code, station.name, plan_size(station), plan_points(station))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    img.save(tmp, format="PNG", optimize=True)
    tmp.replace(path)


def default_site_plan_dir() -> Path:
    """Where the console keeps site plans: <user data dir>/ChargeDesk/siteplans."""
    return Path(platformdirs.user_data_dir("ChargeDesk", appauthor=False)) / "siteplans"


def ensure_site_plans(session_factory: Callable[[], Session], directory: Path) -> None:
    """Give every station a plan: keep a recorded file that exists, adopt `siteplan-<code>.png` if it is
    already in `directory` (drawn earlier, or a real drawing put there), else draw one; record the name."""
    with session_factory() as s, s.begin():
        for info in list_stations(s):
            if info.site_plan and (directory / info.site_plan).is_file():
                continue
            name = plan_file_name(info.code)
            if not (directory / name).is_file():
                write_site_plan(info, directory / name)
            row = s.get(Station, info.station_id)
            if row is None:
                continue
            w, h = plan_size(info)
            row.site_plan, row.site_plan_w, row.site_plan_h = name, w, h
