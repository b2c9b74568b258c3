"""Which pipeline run a task belongs to: from the DAG run's conf, the triggering asset event, or a new one."""

from __future__ import annotations

from typing import Any

from include.pipeline.runs import RunInfo


def current_run(context: dict[str, Any]) -> RunInfo:
    dag_run = context.get("dag_run")
    conf = (dag_run.conf if dag_run is not None else None) or {}
    if conf.get("run_id") and conf.get("report_day"):
        return RunInfo.from_dict(conf)
    events = context.get("triggering_asset_events") or {}
    for evs in events.values():
        for ev in reversed(list(evs)):
            extra = getattr(ev, "extra", None) or {}
            if extra.get("run_id") and extra.get("report_day"):
                return RunInfo.from_dict(extra)
    if conf.get("report_day"):
        return RunInfo.new(conf["report_day"])
    when = context.get("logical_date") or context["dag_run"].run_after
    return RunInfo.new(when.date())
