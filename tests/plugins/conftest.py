from pathlib import Path
from typing import Any

import pytest

from tests.report.report_seed import config, seed, warehouse
from tests.warehouse.wh_fixtures import pg_session, warehouse_spec  # noqa: F401


# The HR page's tests: the seeded report warehouse (tests/report/report_seed.py), its configuration and a
# client of the page signed in as HR (tests/plugins/test_ui.py's fake_verify).
@pytest.fixture
def wh() -> Any:
    w = warehouse()
    seed(w)
    yield w
    w.close()


@pytest.fixture
def cfg(tmp_path: Path) -> Any:
    return config(tmp_path)


@pytest.fixture
def client(wh: Any, cfg: Any) -> Any:
    from fastapi.testclient import TestClient

    from plugins.crosscheck_ui import create_app
    from tests.plugins.test_ui import fake_verify

    return TestClient(create_app(warehouse_factory=lambda: wh, verify_token=fake_verify, config=cfg),
                      base_url="http://airflow.test")
