"""Generated site plans: deterministic, the right size, sheds where the piles are, CJK labels; stored per station."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import Engine, select

from app.services.provisioning import PilePlan, StationPlan, provision
from app.services.siteplan import (
    FONT_PATH,
    SHED,
    PlanPoint,
    ensure_site_plans,
    plan_file_name,
    render_site_plan,
    shed_rects,
)
from db.engine import session_factory
from db.models import Station

POINTS = [PlanPoint(f"P{i:02d}", 110 + 140 * i, 180) for i in range(6)] + \
         [PlanPoint(f"P{i + 6:02d}", 170 + 140 * i, 560) for i in range(6)]


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def _hex(rgb: tuple[int, ...]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb[:3])


def test_same_station_same_picture_other_station_other_picture() -> None:
    a1 = _png(render_site_plan("XC01", "莲城花园", (1200, 800), POINTS))
    a2 = _png(render_site_plan("XC01", "莲城花园", (1200, 800), POINTS))
    b = _png(render_site_plan("XC02", "春秋苑", (1200, 800), POINTS))
    assert hashlib.sha256(a1).digest() == hashlib.sha256(a2).digest()
    assert a1 != b


def test_size_and_sheds_under_every_pile() -> None:
    img = render_site_plan("XC03", "魏风家园", (1000, 700), [*POINTS[:4], PlanPoint("X", 500, 600)])
    assert img.size == (1000, 700)
    for p in [*POINTS[:4], PlanPoint("X", 500, 600)]:
        # just beside the pile (the roof ribs run vertically through some columns)
        colours = {_hex(img.getpixel((p.x + dx, p.y + 12))) for dx in range(-3, 4)}
        assert SHED in colours, (p, colours)


def test_sheds_group_neighbours_in_a_row() -> None:
    import random

    sheds = shed_rects(POINTS, random.Random(1))
    assert 4 <= len(sheds) <= 6  # 2 rows of 6, at most 3 piles per shed
    for p in POINTS:
        assert sum(1 for s in sheds if s[0] < p.x < s[2] and s[1] < p.y < s[3]) == 1


def test_chinese_labels_use_the_bundled_truetype_font() -> None:
    assert FONT_PATH.is_file()
    font = ImageFont.truetype(str(FONT_PATH), 24, index=0)
    # a real CJK glyph, not the .notdef box: two different characters draw different shapes
    glyphs = []
    for ch in "莲园":
        im = Image.new("L", (32, 32))
        ImageDraw.Draw(im).text((2, 2), ch, font=font, fill=255)
        glyphs.append(im.tobytes())
    assert glyphs[0] != glyphs[1] and all(any(g) for g in glyphs)
    img = render_site_plan("XC01", "莲城花园", (1200, 800), POINTS)
    title = img.crop((30, 62, 260, 96)).convert("L")
    dark = sum(1 for v in title.tobytes() if v < 100)
    assert dark > 400  # the title text is drawn


def _provision(engine: Engine) -> None:
    plans = [StationPlan("XC01", "莲城花园", 60000, lat=34.0, lon=113.8, site_plan_w=1200, site_plan_h=800,
                         piles=(PilePlan("XC01-P01", "莲城花园 P01", ("ebike",) * 10, host="127.0.0.1",
                                         tcp_port=1502, pos_x=110, pos_y=180),)),
             StationPlan("XC02", "春秋苑", 55000, piles=())]
    with session_factory(engine)() as s, s.begin():
        provision(s, operator_code="OP", operator_name="测试", stations=plans)


def test_ensure_site_plans_draws_once_and_records_the_name(db_engine: Engine, tmp_path: Path) -> None:
    _provision(db_engine)
    factory = session_factory(db_engine)
    ensure_site_plans(factory, tmp_path)
    with factory() as s:
        rows = {st.code: st for st in s.scalars(select(Station))}
    assert rows["XC01"].site_plan == plan_file_name("XC01") == "siteplan-XC01.png"
    assert rows["XC02"].site_plan == "siteplan-XC02.png"
    assert (rows["XC02"].site_plan_w, rows["XC02"].site_plan_h) == (1200, 800)  # default size recorded
    with Image.open(tmp_path / "siteplan-XC01.png") as img:
        assert img.size == (1200, 800)
    first = (tmp_path / "siteplan-XC01.png").stat().st_mtime_ns

    ensure_site_plans(factory, tmp_path)  # nothing to do
    assert (tmp_path / "siteplan-XC01.png").stat().st_mtime_ns == first

    (tmp_path / "siteplan-XC02.png").unlink()  # a lost file is drawn again
    ensure_site_plans(factory, tmp_path)
    assert (tmp_path / "siteplan-XC02.png").is_file()

    # re-provisioning forgets the name; the file already there is adopted, not redrawn
    _provision(db_engine)
    ensure_site_plans(factory, tmp_path)
    assert (tmp_path / "siteplan-XC01.png").stat().st_mtime_ns == first
    with factory() as s:
        assert s.scalar(select(Station.site_plan).where(Station.code == "XC01")) == "siteplan-XC01.png"
