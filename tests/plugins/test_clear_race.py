"""Two HR users clear the same finding at the same moment (two api-server requests, or the page and the
CLI) on PostgreSQL: the first clearance stands, the second is refused as already cleared, and one
clearance is recorded."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from include.findings import FindingNotOpen, clear_finding
from include.warehouse import connect
from tests.report.report_seed import seed


@pytest.mark.parametrize("warehouse_spec", ["postgres"], indirect=True)
def test_of_two_clearances_at_once_the_second_is_refused(warehouse_spec):
    first, second = connect(warehouse_spec), connect(warehouse_spec)
    first.migrate()
    seed(first)
    outcome: dict[str, Any] = {}

    def clear_too() -> None:
        try:
            clear_finding(second, "f-ana-reg", "second reason", "Mallory")
            outcome["error"] = None
        except Exception as exc:  # noqa: BLE001 - the test looks at what was raised
            outcome["error"] = exc

    try:
        with first.transaction():
            clear_finding(first, "f-ana-reg", "Registered under its former name", "Hana Reviewer")
            racer = threading.Thread(target=clear_too)
            racer.start()
            time.sleep(1.0)
            assert racer.is_alive(), "the second clearance did not wait for the first"
        racer.join(timeout=30)
        assert isinstance(outcome["error"], FindingNotOpen), outcome
        row = first.query("SELECT status, cleared_by, cleared_reason FROM discrepancies WHERE finding_id = 'f-ana-reg'")
        assert row == [{"status": "cleared", "cleared_by": "Hana Reviewer",
                        "cleared_reason": "Registered under its former name"}]
        history = first.query("SELECT cleared_by FROM finding_clearances WHERE finding_id = 'f-ana-reg'")
        assert history == [{"cleared_by": "Hana Reviewer"}]
    finally:
        second.close()
        first.close()
