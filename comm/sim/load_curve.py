"""The community's other load (everything but charging) over the day: a household evening-peak curve.

Residential feeders in China peak around 20:00 (cooking, lighting, air conditioning, TV) and are
lowest before dawn. The shape below is a piecewise-linear profile by local hour, as a fraction of
the evening peak, plus a small deterministic ripple so the same instant always gives the same value
(tests and the demo are reproducible, whatever the tick rate).
"""

from __future__ import annotations

import math

# Fraction of the evening peak at each local hour 0..23 (linear in between).
PROFILE = (0.32, 0.28, 0.26, 0.25, 0.25, 0.28, 0.38, 0.52, 0.55, 0.50, 0.48, 0.55,
           0.58, 0.50, 0.47, 0.48, 0.55, 0.70, 0.88, 0.97, 1.00, 0.93, 0.72, 0.48)  # fmt: skip


def profile_at(local_hours: float) -> float:
    h = local_hours % 24.0
    i = int(h)
    frac = h - i
    return PROFILE[i] * (1 - frac) + PROFILE[(i + 1) % 24] * frac


def household_load_w(t_unix: float, *, peak_w: int, tz_offset_min: int = 480, seed: int = 0) -> int:
    """Other load of a community at `t_unix`, watts (≥ 0)."""
    local_h = (t_unix / 3600.0 + tz_offset_min / 60.0) % 24.0
    base = profile_at(local_h)
    # ±4 % ripple from a few incommensurate slow waves (appliances switching), seeded per community.
    m = t_unix / 60.0 + seed * 97.0
    ripple = 0.02 * math.sin(m / 3.1) + 0.012 * math.sin(m / 0.73 + 1.0) + 0.008 * math.sin(m / 11.0 + 2.0)
    return max(0, round(peak_w * base * (1.0 + ripple)))
