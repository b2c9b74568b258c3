"""The cross-check step: consenting candidates in batches through the rule engine, findings to the warehouse."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from include.config import Config
from include.models import Education, Employment, Finding
from include.pipeline import incremental
from include.pipeline.ingest import load_candidates
from include.pipeline.runs import chunks, run_dir
from include.private import private_dir, write_private_text
from include.run_context import RunContext
from include.warehouse import Warehouse, candidates

RESUME_SOURCES = ("greenhouse", "lever")
REGISTRY_CHECK_CHUNK = 5_000  # candidates whose employer names the plan reads at once


def plan_checks(wh: Warehouse, config: Config, run: RunContext, size: int = 32) -> list[list[str]]:
    """The run's check plan (``incremental.plan``): the batches of candidates to load, in the run folder's
    ``plan/check.json`` (always one batch at least, empty when nobody is due, so the step still writes
    the run's findings), and beside it the candidates carried unread (``check-carried.json``) and the
    digests to store with the loaded ones' checks (``check-digests.json``)."""
    def registry_check(ids: list[str]) -> tuple[str, dict[str, str]]:
        from include.warehouse.quarantine import incomplete_records

        fps = fingerprints(registry_index(wh, config, run.run_id), config)
        out: dict[str, str] = {}
        for i in range(0, len(ids), REGISTRY_CHECK_CHUNK):  # a chunk's employer names at a time, not the history's
            part = ids[i:i + REGISTRY_CHECK_CHUNK]
            resume, profile = candidates.employers_of(wh, part, RESUME_SOURCES)
            lines = incomplete_records(wh, part, run.run_id)
            out.update((cid, fps.registry_of(resume.get(cid, []), profile.get(cid, []), lines.get(cid, [])))
                       for cid in part)
        return fps.register, out

    planned = incremental.plan(wh, run, config, candidates.checked_candidate_ids(wh), registry_check)
    batches = chunks(planned.due, size) or [[]]
    folder = private_dir(run_dir(config, run) / "plan")
    write_private_text(folder / "check.json", json.dumps(batches))
    write_private_text(folder / "check-carried.json", json.dumps(planned.quiet))
    write_private_text(folder / "check-digests.json", json.dumps({**planned.digests(), "summary": planned.summary()}))
    return batches


def planned_carry(config: Config, run: RunContext) -> tuple[dict[str, str], dict[str, Any]]:
    """The plan's candidates carried unread and its digests (empty for a run folder planned before them)."""
    folder = run_dir(config, run) / "plan"
    carried, digests = folder / "check-carried.json", folder / "check-digests.json"
    return (json.loads(carried.read_text(encoding="utf-8")) if carried.is_file() else {},
            json.loads(digests.read_text(encoding="utf-8")) if digests.is_file() else {})


def load_bundles(wh: Warehouse, ids: list[str], run_id: str = "") -> list[Any]:
    """The candidates' records for the rules, with their quarantined records as of run ``run_id``."""
    from include.engine.run import CandidateBundle
    from include.warehouse.quarantine import incomplete_records

    if not ids:
        return []
    emp_fields = set(Employment.model_fields)
    edu_fields = set(Education.model_fields)
    jobs: dict[str, list[Employment]] = {}
    for r in candidates.rows_of_candidates(wh, "employments", ids, "employment_id"):
        jobs.setdefault(r["candidate_id"], []).append(Employment(**{k: v for k, v in r.items() if k in emp_fields}))
    edus: dict[str, list[Education]] = {}
    for r in candidates.rows_of_candidates(wh, "educations", ids, "education_id"):
        edus.setdefault(r["candidate_id"], []).append(Education(**{k: v for k, v in r.items() if k in edu_fields}))
    apps = candidates.latest_application_ids(wh, ids)
    quarantined = incomplete_records(wh, ids, run_id)
    bundles = []
    for cand in load_candidates(wh, ids):
        mine = jobs.get(cand.candidate_id, [])
        bundles.append(CandidateBundle(
            candidate=cand, application_id=apps.get(cand.candidate_id),
            resume_jobs=[j for j in mine if j.source in RESUME_SOURCES],
            educations=edus.get(cand.candidate_id, []),
            profile_jobs=[j for j in mine if j.source not in RESUME_SOURCES],
            quarantined=quarantined.get(cand.candidate_id, [])))
    return bundles


_INDEX: dict[str, Any] = {}


FULL_INDEX_LIMIT = 200_000  # above this (bulk snapshots), index only the entities our names resolve to


def registry_index(wh: Warehouse, config: Config, run_id: str = "") -> Any:
    """Built once per worker process and run: registry names are normalised once, not per candidate.

    Every check batch of a run reads the same register, so the index is kept for the next batch the
    same process runs (a new warehouse connection each task): it is rebuilt when the warehouse, the run
    or the register (entity count, newest fetch) differs.
    """
    from include.engine.resolve import RegistryIndex
    from include.warehouse.registry_cache import register_state

    n, newest = register_state(wh)
    key = f"{wh!r}|{run_id}|{n}|{newest}"
    if key not in _INDEX:
        _INDEX.clear()
        if n <= FULL_INDEX_LIMIT:
            from include.warehouse.registry_cache import load_registry_entities

            entities = load_registry_entities(wh)
        else:
            from include.engine.bulk_resolve import entities_for, entities_for_names

            hc = config.hiring_company
            entities = entities_for_names(wh, [hc.name, *hc.competitors, *candidates.consenting_employers(wh)])
            entities += entities_for(wh, [f"{reg}:{rid}" for reg, rid in hc.registry_ids.items()])
        _INDEX[key] = RegistryIndex(entities)
    return _INDEX[key]


def fingerprints(reg: Any, config: Config) -> incremental.Fingerprints:
    """The fingerprints against this registry index, kept beside it (``registry_index``)."""
    if id(reg) not in _FINGERPRINTS:
        _FINGERPRINTS.clear()
        _FINGERPRINTS[id(reg)] = incremental.Fingerprints(reg, config)
    return _FINGERPRINTS[id(reg)]


_FINGERPRINTS: dict[int, incremental.Fingerprints] = {}


def checks_path(findings_path: Path) -> Path:
    """The batch's check records (fingerprints, due days, why each candidate was re-checked or kept), one
    JSON object a line with its ``candidate_id``, beside the findings: a candidate's erasure cuts their
    lines out of both (``include.audit.files``)."""
    return findings_path.with_suffix(".checks.jsonl")


def check_batch(wh: Warehouse, config: Config, run: RunContext, ids: list[str], index: int) -> dict[str, Any]:
    """The rules over the batch's candidates that are due (``include.pipeline.incremental``); the others'
    findings of their last run are carried over unchanged. Findings to the batch file, the candidates'
    check records beside it."""
    from include.engine.run import check_candidate_due

    reg = registry_index(wh, config, run.run_id)
    fps = fingerprints(reg, config)
    stored = incremental.stored_checks(wh, ids)
    findings: list[Finding] = []
    records: list[dict[str, Any]] = []
    kept: dict[str, dict[str, Any]] = {}
    for bundle in load_bundles(wh, ids, run.run_id):
        cid = bundle.candidate.candidate_id
        d = incremental.decide(run, fps, bundle, stored.get(cid))
        row = {"candidate_id": cid, "fingerprint": d.inputs, "register_digest": d.register,
               "registry_fingerprint": d.registry, "reason": d.reason}
        if d.reason == "kept":
            kept[cid] = old = stored[cid]
            records.append({**row, "checked_run": old["checked_run"], "checked_day": old["checked_day"],
                            "next_check": old.get("next_check")})
            continue
        found, due = check_candidate_due(bundle, reg, config, run)
        findings.extend(found)
        records.append({**row, "checked_run": run.run_id, "checked_day": run.report_day.isoformat(),
                        "next_check": due.isoformat() if due else None})
    findings.extend(incremental.kept_findings(wh, kept))
    path = private_dir(run_dir(config, run) / "findings") / f"batch-{index:04d}.jsonl"
    write_private_text(path, "".join(f.model_dump_json() + "\n" for f in findings))
    write_private_text(checks_path(path), "".join(json.dumps(r) + "\n" for r in records))
    return {"path": str(path), "findings": len(findings), "candidates": ids,
            "rechecked": len(records) - len(kept), "kept": len(kept)}


def release_registry_index() -> None:
    """Drop the cached registry index: the steps after the checks do not need it (with ``dag.test`` or a
    worker that runs them next, it would otherwise stay in memory beside them)."""
    _INDEX.clear()
    _FINGERPRINTS.clear()


def _batch_checks(batches: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for b in batches:
        p = checks_path(Path(b["path"]))
        if p.exists():
            rows.extend(json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip())
    return rows


def _batch_findings(batches: list[dict[str, Any]]) -> Iterator[list[Finding]]:
    for b in batches:
        with Path(b["path"]).open(encoding="utf-8") as fh:
            yield [Finding.model_validate_json(line) for line in fh if line.strip()]


def write_findings(wh: Warehouse, config: Config, run: RunContext, batches: list[dict[str, Any]]) -> dict[str, Any]:
    """All batches' findings into the warehouse in one transaction, read one batch file at a time; the
    findings of the candidates the plan carried unread are carried in SQL (``write_run_findings``)."""
    from include.engine.run import RULE_VERSIONS
    from include.findings import write_run_findings
    from include.levels import store_levels

    release_registry_index()
    carried, digests = planned_carry(config, run)
    checked: set[str] = set(carried)
    for b in batches:
        checked.update(b["candidates"])
    records = _batch_checks(batches)
    for r in records:
        r.update(inputs_sql=(digests.get("inputs") or {}).get(r["candidate_id"]) or None,
                 register_sql=digests.get("register_sql"), run_wide=digests.get("run_wide"))
    with wh.transaction():  # the findings and the check records that say where they came from, together
        out = write_run_findings(wh, _batch_findings(batches), run.run_id, checked, carried=carried)
        incremental.record(wh, run, records, quiet=carried, planned=digests)
    rereads = _record_dispute_rereads(wh, config, run, checked)
    levels = store_levels(wh, run.run_id, sorted(checked))
    return {"candidates_checked": len(checked), "findings": out.counts["total"], "by_kind": out.by_kind,
            "upsert": out.counts, "findings_digest": out.digest, "rule_versions": RULE_VERSIONS, "levels": levels,
            "disputes_reread": rereads,
            "incremental": incremental.summary(records, run, len(carried), digests.get("summary"))}


def _record_dispute_rereads(wh: Warehouse, config: Config, run: RunContext, checked: set[str]) -> int:
    """What this run's re-read found for each dispute its ingest planned (``plan/disputes.json``)."""
    import json

    from include.disputes import record_rereads

    plan = run_dir(config, run) / "plan" / "disputes.json"
    if not plan.is_file():  # the run's ingest did not plan (an older run folder): nothing was re-read for a dispute
        return 0
    return record_rereads(wh, run.run_id, json.loads(plan.read_text(encoding="utf-8")), checked)
