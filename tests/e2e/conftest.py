from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from db.engine import make_engine
from tests.e2e.site import Site, build_site


@pytest.fixture
def site(db_url: str) -> Iterator[Site]:
    db: Engine = make_engine(db_url)
    s = build_site(db)
    try:
        yield s
    finally:
        s.stop_engine()
        s.sim.close()
        db.dispose()
