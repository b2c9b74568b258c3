"""Validate one batch of records with Great Expectations and split it into good and quarantined rows.

A bad record never stops the batch: it is quarantined with the names of the checks and columns it
failed (never the values: they may be personal data), and the rest goes on. Only when too large a
share fails is the batch rejected, after the split, so the caller can still store the quarantine and
then fail the task visibly. Every record ends up in exactly one of ``good`` and ``quarantined``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from include.quality.gx import gx_module
from include.quality.suites import SPECS, suite_for

log = logging.getLogger("crosscheck.quality")

_LOCK = threading.RLock()
_STATE: dict[str, Any] = {}


@dataclass
class ValidationOutcome:
    good: list[dict[str, Any]]
    quarantined: list[dict[str, Any]]
    stats: dict[str, Any]
    result: Any = field(default=None, repr=False)  # the GX ExpectationSuiteValidationResult (holds values!)


class BatchRejected(Exception):
    """More of the batch failed than ``quality.max_failure_rate`` allows; ``outcome`` still holds the split."""

    def __init__(self, dataset: str, source: str, failure_rate: float, threshold: float,
                 outcome: ValidationOutcome | None = None) -> None:
        self.dataset, self.source = dataset, source
        self.failure_rate, self.threshold = failure_rate, threshold
        self.outcome = outcome
        super().__init__(
            f"data quality: {failure_rate:.1%} of the {dataset} records from {source} failed validation, "
            f"above the allowed {threshold:.1%}; the failing records were quarantined with their reasons "
            f"(see the quarantine table and the run's data-quality results)")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.dataset, self.source, self.failure_rate, self.threshold, self.outcome))


class QualityCheckError(RuntimeError):
    """An expectation could not be evaluated at all: a bug in the suite or frame, not bad data."""


def gx_context() -> Any:
    """One ephemeral (in-memory) context per process, with progress bars off."""
    with _LOCK:
        if "context" not in _STATE:
            gx = gx_module()
            from great_expectations.data_context.types.base import ProgressBarsConfig

            context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
            _STATE["context"] = context
            _STATE["datasource"] = context.data_sources.add_pandas("crosscheck")
            _STATE["batches"] = {}
        return _STATE["context"]


def _batch_definition(dataset: str) -> Any:
    gx_context()
    batches = _STATE["batches"]
    if dataset not in batches:
        asset = _STATE["datasource"].add_dataframe_asset(name=dataset)
        batches[dataset] = asset.add_batch_definition_whole_dataframe("whole_batch")
    return batches[dataset]


def record_key(record: Any, key: str, position: int) -> str:
    """The record's id as the quarantine shows it; ``#<position>`` when it has no usable id."""
    from include.quality.frames import storable

    value = record.get(key) if isinstance(record, Mapping) else None
    if isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip():
        text = storable(str(value))
        if len(text) <= 200:
            return text
        return f"{text[:64]}...sha256:{hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()[:16]}"
    return f"#{position}"


def _row_reasons(result: Any, bad_text: dict[int, list[str]]) -> dict[int, set[str]]:
    reasons: dict[int, set[str]] = defaultdict(set)
    for r in result.results:
        cfg = r.expectation_config
        if (r.exception_info or {}).get("raised_exception"):
            raise QualityCheckError(f"expectation {cfg.type} on {cfg.kwargs.get('column', cfg.kwargs)} could not "
                                    "be evaluated")
        if r.success:
            continue
        meta = cfg.meta or {}
        label = f"{meta.get('reason', cfg.type)}({','.join(meta.get('columns') or [])})"
        for i in (r.result or {}).get("unexpected_index_list") or []:
            if meta.get("reason") == "invalid_text":
                reasons[int(i)].add(f"invalid_text({','.join(bad_text.get(int(i), []))})")
            else:
                reasons[int(i)].add(label)
    for i, labels in reasons.items():
        shape = {x for x in labels if x.startswith("not_a_record")}
        if shape:
            reasons[i] = shape
    return reasons


def _keep_one_duplicate(reasons: dict[int, set[str]], records: list[Any], key: str) -> None:
    """GX flags every copy of a repeated id: keep the first copy that is otherwise clean."""
    dup = f"duplicate({key})"
    groups: dict[str, list[int]] = defaultdict(list)
    for i in sorted(i for i, labels in reasons.items() if dup in labels):
        groups[repr(records[i].get(key))].append(i)
    for rows in groups.values():
        keep = next((i for i in rows if reasons[i] == {dup}), None)
        if keep is None:
            continue
        reasons[keep].discard(dup)
        if not reasons[keep]:
            del reasons[keep]


def _candidate_of(record: Any) -> str | None:
    """Whose record it is, when it says so (the quarantine lists a candidate's unreadable records)."""
    cid = record.get("candidate_id") if isinstance(record, dict) else None
    return cid if isinstance(cid, str) and cid else None


def _quarantine_id(run_id: str, dataset: str, source: str, key: str, reason: str, occurrence: int) -> str:
    basis = f"{run_id}|{dataset}|{source}|{key}|{reason}" + (f"|{occurrence}" if occurrence else "")
    return hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:32]


def validate_batch(dataset: str, records: list[dict[str, Any]], *, report_day: date, source: str, run_id: str,
                   max_failure_rate: float, raw_pointers: list[str] | None = None,
                   docs_dir: Path | None = None) -> ValidationOutcome:
    """Run ``dataset``'s suite over ``records``; quarantine failing records, once each, with all reasons.

    Raises ``BatchRejected`` (with ``.outcome``) when the failure rate exceeds ``max_failure_rate``.
    With ``docs_dir``, the (value-free) result is added to that run's Data Docs site.
    """
    from include.quality.frames import build_frame, storable

    spec = SPECS.get(dataset)
    if spec is None:
        raise KeyError(f"no data-quality suite for dataset {dataset!r}")
    records = list(records)
    n = len(records)
    frame = build_frame(spec, records)
    suite = suite_for(dataset, report_day)
    with _LOCK:
        batch = _batch_definition(dataset).get_batch(batch_parameters={"dataframe": frame.df})
        result = batch.validate(suite, result_format={"result_format": "COMPLETE"})
    reasons = _row_reasons(result, frame.bad_text_fields)
    _keep_one_duplicate(reasons, records, spec.key)

    now = datetime.now(UTC).isoformat(timespec="seconds")
    good: list[dict[str, Any]] = []
    quarantined: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = defaultdict(int)
    for i, record in enumerate(records):
        if i not in reasons:
            good.append(dict(record))
            continue
        key = record_key(record, spec.key, i)
        reason = "; ".join(sorted(reasons[i]))
        occurrence = seen[(key, reason)]
        seen[(key, reason)] += 1
        quarantined.append({
            "quarantine_id": _quarantine_id(run_id, dataset, source, key, reason, occurrence),
            "run_id": run_id, "source": source, "dataset": dataset, "record_key": key, "reason": reason,
            "candidate_id": _candidate_of(record),
            "raw_pointer": (raw_pointers[i] if raw_pointers and i < len(raw_pointers) else "") or "",
            "raw": storable(record) if i in frame.bad_text_fields else record, "quarantined_at": now,
        })
    failure_rate = len(quarantined) / n if n else 0.0
    stats: dict[str, Any] = {
        "dataset": dataset, "source": source, "records_in": n, "good": len(good),
        "quarantined": len(quarantined), "failure_rate": round(failure_rate, 6),
        "max_failure_rate": max_failure_rate, "accepted": failure_rate <= max_failure_rate,
        "expectations": [_expectation_stats(r) for r in result.results],
        "success": bool(result.success),
    }
    if docs_dir is not None:
        from include.quality.datadocs import add_to_run_docs

        stats["data_docs"] = str(add_to_run_docs(result, Path(docs_dir), run_id=run_id, dataset=dataset,
                                                 source=source, keys=[record_key(r, spec.key, i)
                                                                      for i, r in enumerate(records)]))
    log.info("data quality %s/%s: %d in, %d good, %d quarantined", dataset, source, n, len(good), len(quarantined))
    outcome = ValidationOutcome(good, quarantined, stats, result)
    if failure_rate > max_failure_rate:
        raise BatchRejected(dataset, source, failure_rate, max_failure_rate, outcome)
    return outcome


def _expectation_stats(r: Any) -> dict[str, Any]:
    cfg = r.expectation_config
    meta = cfg.meta or {}
    return {"type": cfg.type, "column": ",".join(meta.get("columns") or [str(cfg.kwargs.get("column", ""))]),
            "reason": meta.get("reason", ""), "success": bool(r.success),
            "unexpected_count": int((r.result or {}).get("unexpected_count") or 0)}
