"""A batch that fails its data-quality threshold fails its task loudly, and its quarantine survives the
rollback of the batch's transaction (real Great Expectations, real DuckDB)."""

from __future__ import annotations

from datetime import date

import pytest

from include.config import load_config
from include.pipeline import store
from include.pipeline.ingest import _atomic
from include.quality.validate import BatchRejected
from include.run_context import RunContext
from sandbox import DEMO_CONFIG


def test_rejected_batch_keeps_its_quarantine(tmp_path, monkeypatch):
    from include.warehouse import connect

    cfg_path = tmp_path / "c.yaml"
    cfg_path.write_text(DEMO_CONFIG.read_text() + f"\ndata_dir: {tmp_path}\n")
    monkeypatch.setenv("CROSSCHECK_CONFIG", str(cfg_path))
    cfg = load_config()
    wh = connect({"conn_type": "duckdb", "host": str(tmp_path / "wh.duckdb")})
    wh.migrate()
    run = RunContext.new(date(2026, 11, 21))
    good = {"review_id": "r1", "employer": "Example Robotics Ltd", "date": "2026-11-01", "rating": 4}
    bad = [{"review_id": f"b{i}", "employer": "Example Robotics Ltd", "date": "not a date", "rating": 9}
           for i in range(3)]
    with pytest.raises(BatchRejected, match="reviews"), _atomic(wh):
        store.validate_and_store(wh, cfg, run, "reviews", "reviews", [good, *bad])
    assert wh.query("SELECT COUNT(*) AS n FROM reviews", [])[0]["n"] == 0  # the batch rolled back
    reasons = [r["reason"] for r in wh.query("SELECT reason FROM quarantine ORDER BY record_key", [])]
    assert len(reasons) == 3  # ... but its quarantine was kept, with reasons and no values
    assert all("not a date" not in r for r in reasons)
    assert isinstance(run.report_day, date)
    wh.close()
