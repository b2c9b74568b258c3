"""One run context from the CLI to the rules: made once, carried as JSON, read back the same in every task."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from include.run_context import RunContext

DAY = date(2026, 11, 21)


def test_json_round_trip_keeps_the_run_and_the_day_as_a_date():
    run = RunContext.new(DAY)
    back = RunContext.from_dict(json.loads(json.dumps(run.to_dict())))
    assert back == run and isinstance(back.report_day, date)
    assert run.run_id.startswith("cc-2026-11-21-")
    assert run.end_of_day == datetime(2026, 11, 22, tzinfo=UTC)


def test_from_airflow_prefers_the_conf_then_the_asset_event_then_a_new_run():
    made = RunContext.new(DAY)
    conf_run = SimpleNamespace(conf=made.to_dict(), run_after=datetime(2026, 12, 1, tzinfo=UTC))
    assert RunContext.from_airflow({"dag_run": conf_run}) == made

    event = SimpleNamespace(extra=made.to_dict())
    asset_run = SimpleNamespace(conf={}, run_after=datetime(2026, 12, 1, tzinfo=UTC))
    assert RunContext.from_airflow({"dag_run": asset_run, "triggering_asset_events": {"a": [event]}}) == made

    scheduled = RunContext.from_airflow({"dag_run": asset_run, "logical_date": datetime(2026, 11, 30, 6, tzinfo=UTC)})
    assert scheduled.report_day == date(2026, 11, 30) and scheduled.run_id != made.run_id

    day_only = RunContext.from_airflow({"dag_run": SimpleNamespace(conf={"report_day": "2026-11-02"}, run_after=None)})
    assert day_only.report_day == date(2026, 11, 2)


def test_a_bad_day_fails_when_read():
    with pytest.raises(ValueError):
        RunContext.from_dict({"run_id": "x", "report_day": "2026-13-01"})


def test_the_rules_see_the_same_context():
    """The engine's rule context holds the run itself, not a copy of its day under another name."""
    from include.engine.rules.common import Context

    assert "run" in Context.__dataclass_fields__ and "day" not in Context.__dataclass_fields__
