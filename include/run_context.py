"""The run context: which pipeline run a piece of work belongs to, from the CLI to the rules.

One type carries it everywhere: the CLI makes it, the DAG run's conf and the triggering asset events carry
its dictionary form (XCom and conf hold JSON, never objects), each task reads it back with
``RunContext.from_airflow``, and the engine's rules see the same object. The report day is a ``date``
from end to end; only ``to_dict`` writes it as ISO text.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any


@dataclass(frozen=True)
class RunContext:
    run_id: str
    report_day: date  # "today" for every rule
    # a full run (`crosscheck run --full`): every source re-read and every candidate re-checked, as if the
    # warehouse held nothing from earlier days; a daily run otherwise does only what changed
    full: bool = False

    @classmethod
    def new(cls, report_day: date, full: bool = False) -> RunContext:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        return cls(f"cc-{report_day.isoformat()}-{stamp}-{secrets.token_hex(2)}", report_day, full)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunContext:
        day = data["report_day"]
        return cls(str(data["run_id"]), day if isinstance(day, date) else date.fromisoformat(str(day)),
                   bool(data.get("full", False)))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"run_id": self.run_id, "report_day": self.report_day.isoformat()}
        if self.full:
            out["full"] = True
        return out

    @classmethod
    def from_airflow(cls, context: Mapping[str, Any]) -> RunContext:
        """The run a task belongs to: the DAG run's conf (``crosscheck run``), else the asset event that
        triggered this DAG (the previous DAG of the same run), else a new run for the conf's report day
        or the DAG run's logical date (a scheduled run)."""
        dag_run = context.get("dag_run")
        conf = (dag_run.conf if dag_run is not None else None) or {}
        if conf.get("run_id") and conf.get("report_day"):
            return cls.from_dict(conf)
        events = context.get("triggering_asset_events") or {}
        for evs in events.values():
            for ev in reversed(list(evs)):
                extra = getattr(ev, "extra", None) or {}
                if extra.get("run_id") and extra.get("report_day"):
                    return cls.from_dict(extra)
        if conf.get("report_day"):
            return cls.new(date.fromisoformat(str(conf["report_day"])))
        when = context.get("logical_date") or context["dag_run"].run_after
        return cls.new(when.date())

    @property
    def end_of_day(self) -> datetime:
        """The end of the report day (UTC): nothing later belongs to this run's day."""
        return datetime.combine(self.report_day + timedelta(days=1), time.min, tzinfo=UTC)
