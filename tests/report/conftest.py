from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from include.report.data import load_report_data
from include.report.models import ReportData
from tests.report.report_seed import DAY, RUN, config, seed, warehouse


@pytest.fixture
def seeded() -> Any:
    wh = warehouse()
    seed(wh)
    yield wh
    wh.close()


@pytest.fixture
def cfg(tmp_path: Path) -> Any:
    return config(tmp_path)


@pytest.fixture
def data(seeded: Any, cfg: Any) -> ReportData:
    return load_report_data(seeded, DAY, RUN, cfg)
