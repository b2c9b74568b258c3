"""Storing a validated batch: records to their tables, bad ones to quarantine, payload hashes, watermarks.

One function per concern so that every ingest task follows the same order: land -> validate ->
store -> quarantine -> advance the watermark (last, so a killed run re-reads, never skips).
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from include.config import Config
from include.landing import LandedFile
from include.pipeline.runs import run_dir, write_part
from include.run_context import RunContext
from include.warehouse import Warehouse

log = logging.getLogger("crosscheck.pipeline")

TABLE_OF = {"candidates": "candidates", "applications": "applications", "jobs": "jobs",
            "employments": "employments", "educations": "educations", "reviews": "reviews"}
KEY_OF = {"candidates": ["candidate_id"], "applications": ["application_id"], "jobs": ["job_id"],
          "employments": ["employment_id"], "educations": ["education_id"], "reviews": ["review_id"]}
VALIDATED = {"candidates", "applications", "employments", "educations", "reviews"}


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def candidate_row(c: dict[str, Any]) -> dict[str, Any]:
    consent = c["consent"]
    return {
        "candidate_id": c["candidate_id"], "source": c["source"], "source_id": c["source_id"],
        "first_name": c.get("first_name"), "last_name": c.get("last_name"),
        "emails": c.get("emails") or [], "phones": c.get("phones") or [],
        "consent_given": bool(consent["given"]), "consent": consent,
        "orcid": c.get("orcid"), "github_login": c.get("github_login"),
        "linkedin_export_url": c.get("linkedin_export_url"), "updated_at": c.get("updated_at"),
        "record_url": c.get("record_url"), "location": c.get("location"), "non_compete": c.get("non_compete"),
    }


def as_dicts(records: list[BaseModel] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r.model_dump() if isinstance(r, BaseModel) else dict(r) for r in records]


def data_docs_dir(config: Config, run: RunContext) -> Path:
    """Each run's Data Docs: ``results/`` (one value-free JSON per validated batch) and ``site/index.html``."""
    return run_dir(config, run) / "data_docs"


def save_validation(
    config: Config, run: RunContext, dataset: str, source: str, result: Any, rows: list[dict[str, Any]]
) -> Path:
    """Keep one batch's validation result, stripped of values, for the run's Data Docs.

    Only saved here; the site is built once, when the run is sealed (``seal.build_data_docs``):
    ``quality.datadocs.add_to_run_docs`` rebuilds the whole site after every batch, which costs
    O(batches^2) per run under one file lock (measured +12 s of 130 s on the sandbox, and growing
    quadratically with the number of profile chunks). Same file name as ``add_to_run_docs``, so a
    retried batch replaces its result.
    """
    import os
    import re

    from include.quality.datadocs import sanitize
    from include.quality.suites import SPECS
    from include.quality.validate import record_key

    keys = [record_key(r, SPECS[dataset].key, i) for i, r in enumerate(rows)]
    digest = hashlib.sha256("\n".join(keys).encode("utf-8", "replace")).hexdigest()[:12]
    data = sanitize(result)
    data.setdefault("meta", {})["crosscheck"] = {
        "run_id": run.run_id,
        "dataset": dataset,
        "source": source,
        "batch": f"{source}-{digest}",
        "validated_at": now_iso(),
    }
    folder = data_docs_dir(config, run) / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{dataset}.{source}-{digest}.json")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
    return path


def validate_and_store(wh: Warehouse, config: Config, run: RunContext, dataset: str, source: str,
                       records: list[BaseModel] | list[dict[str, Any]], raw_pointer: str = "") -> dict[str, Any]:
    """Validate with Great Expectations, store the good records, quarantine the rest; return the stats.

    Each validated batch's value-free GX result is kept for the run's Data Docs; a rejected batch also
    leaves its stats as a ``rejected-*`` manifest part, so a failed run's seal records why it failed.
    """
    from include.quality.validate import BatchRejected, validate_batch

    rows = as_dicts(records)
    outcome = None
    rejected: BatchRejected | None = None
    if dataset in VALIDATED:
        try:
            outcome = validate_batch(
                dataset,
                rows,
                report_day=run.report_day,
                source=source,
                run_id=run.run_id,
                max_failure_rate=config.quality.max_failure_rate,
                raw_pointers=[raw_pointer] * len(rows),
            )
        except BatchRejected as exc:  # store the quarantine, then fail loudly
            rejected = exc
            outcome = exc.outcome
        if outcome is None:  # a rejection that lost its split (never raised so): nothing to store
            raise rejected or RuntimeError(f"no validation outcome for {dataset} from {source}")
        if outcome.result is not None:
            saved = save_validation(config, run, dataset, source, outcome.result, rows)
            outcome.stats["data_docs_result"] = str(saved)
            if rejected is not None:  # the task fails: its manifest part is never written
                write_part(config, run, f"rejected-{saved.stem}", {"data_quality": outcome.stats})
        good, quarantined, stats = outcome.good, outcome.quarantined, outcome.stats
    else:
        good, quarantined = rows, []
        stats = {"dataset": dataset, "source": source, "records_in": len(rows), "good": len(rows),
                 "quarantined": 0, "success": True}
    if dataset == "candidates":
        good = [candidate_row(r) for r in good]
    for r in good:
        r["run_id"] = run.run_id
    wh.upsert(TABLE_OF[dataset], good, KEY_OF[dataset])
    store_quarantine(wh, quarantined)
    if rejected is not None:
        raise rejected
    return stats


def store_quarantine(wh: Warehouse, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    clean = []
    for q in rows:
        q = dict(q)
        q.setdefault("quarantined_at", now_iso())
        q["raw"] = json.loads(json.dumps(q.get("raw"), default=str))
        clean.append(q)
    wh.upsert("quarantine", clean, ["quarantine_id"])
    return len(clean)


def quarantine_rows(run: RunContext, source: str, items: list[dict[str, Any]],
                    raw_pointer: str = "") -> list[dict[str, Any]]:
    """Rows from a connector's own quarantine (records too broken to become models, answers about one
    person that could not be read). ``raw_pointer``: the landing file the records came in, for those
    that do not name their own."""
    import hashlib

    out = []
    for q in items:
        key = str(q.get("record_key", ""))
        reason = str(q.get("reason", ""))
        qid = hashlib.sha256(f"{run.run_id}|{source}|{q.get('dataset')}|{key}|{reason}".encode()).hexdigest()[:32]
        out.append({"quarantine_id": qid, "run_id": run.run_id, "source": q.get("source", source),
                    "dataset": q.get("dataset", "unknown"), "record_key": key, "reason": reason,
                    "candidate_id": q.get("candidate_id"),
                    "raw_pointer": q.get("raw_pointer") or raw_pointer, "raw": q.get("raw"), "quarantined_at": now_iso()})
    return out


def record_payloads(wh: Warehouse, run: RunContext, source: str, files: list[LandedFile]) -> list[dict[str, Any]]:
    rows = [{"run_id": run.run_id, "source": source, "path": f.path, "sha256": f.sha256,
             "records": f.records, "bytes": f.bytes} for f in files]
    wh.upsert("landed_payloads", rows, ["run_id", "path"])
    return [{"path": r["path"], "sha256": r["sha256"], "responses": r["records"]} for r in rows]


def get_watermark(wh: Warehouse, source: str, stream: str) -> str | None:
    rows = wh.query("SELECT value FROM watermarks WHERE source = ? AND stream = ?", [source, stream])
    return rows[0]["value"] if rows else None


def set_watermark(wh: Warehouse, run: RunContext, source: str, stream: str, value: str | None) -> None:
    if value is None:
        return
    wh.upsert("watermarks", [{"source": source, "stream": stream, "value": value, "run_id": run.run_id,
                              "updated_at": now_iso()}], ["source", "stream"])


def day_iso(d: date) -> str:
    return d.isoformat()
