"""The report and the seal: render the HR report, assemble the run manifest, append it to the audit chain."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path
from typing import Any

from include.config import IN_CHECKOUT, PROJECT_ROOT, Config
from include.pipeline.runs import read_parts, run_dir, write_part
from include.pipeline.store import now_iso
from include.run_context import RunContext
from include.warehouse import Warehouse
from include.warehouse.candidates import stored_consents

CODE_DIRS = ("connectors", "include", "dags", "plugins")


def code_version() -> dict[str, str]:
    """The git commit in a checkout, and always a digest of the code that ran (installed: the wheel's files,
    never the commit of whatever repository happens to hold the virtual environment)."""
    digest = hashlib.sha256()
    for d in CODE_DIRS:
        for p in sorted((PROJECT_ROOT / d).rglob("*.py")):
            digest.update(str(p.relative_to(PROJECT_ROOT)).encode())
            digest.update(p.read_bytes())
    if not IN_CHECKOUT:
        return {"git_commit": "unknown", "tree_sha256": digest.hexdigest()}
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"git_commit": commit or "unknown", "tree_sha256": digest.hexdigest()}


def build_report(wh: Warehouse, config: Config, run: RunContext) -> dict[str, Any]:
    from include.report.site import build_site

    out_dir = config.data_path() / "reports"
    site = build_site(wh, run.report_day, run.run_id, config, out_dir, [config.report.locale, "en", "zh_CN"])
    paths = {loc: {"html": str(p.html), "csv": str(p.csv), "pages": str(p.pages), "html_files": p.files,
                  "csv_files": p.csv_files, "pages_rendered": p.rendered, "pages_linked": p.linked}
             for loc, p in site.items()}
    part = {"paths": paths, "locale": config.report.locale}
    write_part(config, run, "report", part)
    return part


def seal_run(wh: Warehouse, config: Config, run: RunContext, dag_runs: list[dict[str, Any]],
             started_at: str | None = None) -> dict[str, Any]:
    from include.audit.anchor import anchor_for
    from include.audit.chain import append_run

    anchor = anchor_for(config)  # an unusable key fails the seal before anything is written
    parts = read_parts(config, run)
    sources: dict[str, Any] = {}
    dq: list[Any] = []
    for name, part in parts.items():
        if name.startswith("source-"):
            sources[name.removeprefix("source-")] = _without_evidence(part)
        dq.extend(_dq(part))
    for name, entry in chunked_sources(parts).items():
        sources.setdefault(name, entry)  # a ``source-<name>`` part (e.g. skipped) says it first
    check = parts.get("crosscheck", {})
    manifest = {
        "run_id": run.run_id,
        "report_day": run.report_day.isoformat(),
        "dag_runs": dag_runs,
        "sources": sources,
        "sources_skipped": sorted(s for s, p in sources.items() if p.get("skipped")),
        "consent": consent_record(wh, config, run, parts),
        "data_quality": dq,
        "data_quality_summary": dq_summary(dq),
        "data_docs": data_docs_index(config, run),
        "rule_versions": check.get("rule_versions", {}),
        "config_sha256": config.digest(),
        "code_version": code_version(),
        "rows_written": {"findings": check.get("findings", 0), "upsert": check.get("upsert", {})},
        "report": parts.get("report", {}),
        "candidates_checked": check.get("candidates_checked", 0),
        "disputes_reread": check.get("disputes_reread", 0),  # disputes whose candidate this run re-read
        # incremental profile reads: per source the budget, reads due by reason, planned, fresh and pending
        "profiles": parts.get("profile-plan", {}),
        # re-checked (new, changed, time_due, full) vs kept with their earlier findings: docs/SCALE.md
        "incremental": check.get("incremental", {}),
    }
    state = "success" if all(d.get("state") == "success" for d in dag_runs) else "failed"
    run_hash = append_run(wh, run.run_id, run.report_day.isoformat(), [d["dag_id"] for d in dag_runs],
                          started_at or parts.get("start", {}).get("started_at") or now_iso(), now_iso(), state,
                          manifest, check.get("findings_digest", ""), anchor=anchor)
    (run_dir(config, run) / "manifest.sealed").write_text(run_hash, encoding="utf-8")
    return {"hash": run_hash, "state": state}


CONSENT_KEYS = ("candidate_id", "given", "source_field", "value", "read_at")


def consent_record(wh: Warehouse, config: Config, run: RunContext, parts: dict[str, Any]) -> dict[str, Any]:
    """Under which consent this run processed whom: every candidate it read from an ATS, looked up in
    profiles or checked, with the consent evidence as read (pseudonymous ids only, never names)."""
    read: dict[str, dict[str, Any]] = {}
    for name, part in parts.items():
        if name.startswith("source-"):
            for e in (part.get("consent") or {}).get("evidence") or []:
                read[e["candidate_id"]] = e
    processed: set[str] = set()
    for plan in ("profiles", "check"):
        path = run_dir(config, run) / "plan" / f"{plan}.json"
        if path.exists():
            processed.update(cid for chunk in json.loads(path.read_text(encoding="utf-8")) for cid in chunk)
    stored = {}
    if processed - set(read):
        for cid, consent in stored_consents(wh).items():
            if cid in processed:
                stored[cid] = {"candidate_id": cid, **consent}
    evidence = []
    for cid in sorted(set(read) | processed):
        e = read.get(cid) or stored.get(cid)
        if e is not None:  # erased since it was processed: nothing is kept about them
            evidence.append({k: e.get(k) for k in CONSENT_KEYS})
    return {"fields": config.consent.model_dump(), "read_this_run": len(read),
            "given": sum(1 for e in evidence if e["given"]),
            "not_given": sum(1 for e in evidence if not e["given"]),
            "held": consent_held(wh, run.run_id), "evidence": evidence}


# The candidate ids an earlier sealed run's consent evidence lists as given, per engine: the warehouse
# walks every manifest's evidence, so the seal never parses day 1's list of the whole history in Python.
ONCE_GIVEN = {
    "duckdb": "SELECT e->>'candidate_id' AS candidate_id FROM (SELECT unnest(json_extract(manifest, "
              "'$.consent.evidence[*]')) AS e FROM pipeline_runs WHERE run_id <> ?) x WHERE e->>'given' = 'true'",
    "postgres": "SELECT e->>'candidate_id' AS candidate_id FROM pipeline_runs p CROSS JOIN LATERAL "
                "jsonb_array_elements(CASE WHEN jsonb_typeof(p.manifest->'consent'->'evidence') = 'array' "
                "THEN p.manifest->'consent'->'evidence' ELSE '[]'::jsonb END) e "
                "WHERE p.run_id <> ? AND e->>'given' = 'true'",
}


def consent_held(wh: Warehouse, run_id: str) -> dict[str, int]:
    """Consent of every candidate held with an application when the run is sealed, the figure the
    report shows: ``given``, ``awaiting`` (never given) and ``withdrawn`` (given in an earlier sealed
    run's evidence, not given now). ``given``/``not_given`` beside it count only the evidence this run
    read or processed, which on an incremental run is a handful of candidates, not the warehouse.
    Counted by the warehouse, in one query."""
    r = wh.query(
        "WITH held AS (SELECT c.candidate_id, coalesce(c.consent_given, FALSE) AS given FROM candidates c "
        "WHERE EXISTS (SELECT 1 FROM applications a WHERE a.candidate_id = c.candidate_id)) "
        "SELECT count(*) AS n, count(*) FILTER (WHERE given) AS given, count(*) FILTER (WHERE NOT given "
        f"AND candidate_id IN ({ONCE_GIVEN[wh.dialect]})) AS withdrawn FROM held", [run_id])[0]
    n, given, withdrawn = int(r["n"]), int(r["given"]), int(r["withdrawn"])
    return {"given": given, "awaiting": n - given - withdrawn, "withdrawn": withdrawn}


CHUNKED = {"profiles": ("orcid", "github"), "registries": ("companies_house", "gleif", "opencorporates")}


def chunked_sources(parts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Profile and registry sources are read in mapped chunks: their payload hashes, gathered per source,
    so that the manifest traces every finding's profile and registry evidence to what was read."""
    out: dict[str, dict[str, Any]] = {}
    for name, part in parts.items():
        kind = name.split("-", 1)[0]
        if kind not in CHUNKED or not isinstance(part, dict):
            continue
        for source in CHUNKED[kind]:
            entry = out.setdefault(source, {"source": source, "chunks": 0, "skipped_chunks": 0, "payloads": []})
            entry["chunks"] += 1
            entry["skipped_chunks"] += source in (part.get("skipped") or [])
            entry["payloads"].extend((part.get("payloads") or {}).get(source) or [])
            stats = (part.get("requests") or {}).get(source)
            if isinstance(stats, dict):  # what the chunk's client cost the source (requests, 304s, quota waits)
                totals = entry.setdefault("requests", {})
                for k, v in stats.items():
                    totals[k] = totals.get(k, 0) + int(v or 0)
    for entry in out.values():
        entry["skipped"] = entry["skipped_chunks"] == entry["chunks"]
        if entry["skipped"]:
            entry["reason"] = "connection not defined"
        entry["responses"] = sum(int(p.get("responses") or 0) for p in entry["payloads"])
    return out


def _without_evidence(part: dict[str, Any]) -> dict[str, Any]:
    """The ATS part without its per-candidate consent list: the manifest's ``consent`` holds it once."""
    consent = part.get("consent")
    if not isinstance(consent, dict) or "evidence" not in consent:
        return part
    return {**part, "consent": {k: v for k, v in consent.items() if k != "evidence"}}


def dq_summary(dq: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per dataset: batches, records in, good, quarantined, and whether every batch passed its suite."""
    out: dict[str, dict[str, Any]] = {}
    for s in dq:
        d = out.setdefault(str(s.get("dataset")), {"batches": 0, "records_in": 0, "good": 0, "quarantined": 0,
                                                    "sources": [], "success": True, "accepted": True})
        d["batches"] += 1
        for k in ("records_in", "good", "quarantined"):
            d[k] += int(s.get(k) or 0)
        d["success"] = d["success"] and bool(s.get("success", True))
        d["accepted"] = d["accepted"] and bool(s.get("accepted", True))
        if s.get("source") not in d["sources"]:
            d["sources"].append(s.get("source"))
    for d in out.values():
        d["failure_rate"] = round(d["quarantined"] / d["records_in"], 6) if d["records_in"] else 0.0
    return dict(sorted(out.items()))


def data_docs_index(config: Config, run: RunContext) -> str | None:
    """The run's Data Docs site, built from its saved (value-free) results; the index's path.

    Every result is saved by the ingest DAG, whose last task builds the site while Great Expectations is
    already imported there (``finish_ingest``); the seal, in the report DAG's process, then finds the site
    built from exactly the results saved and only names it, instead of importing GX (about 4 s) to build it
    again. Any result saved or changed since (a retried batch, a seal of a failed run) is a rebuild."""
    from include.pipeline.store import data_docs_dir
    from include.quality.datadocs import build_data_docs, saved_results

    folder = data_docs_dir(config, run)
    site, stamp = folder / "site", folder / "site.built-from"
    built_from = _results_digest(folder / "results")
    if built_from is None:
        return None
    index = site / "index.html"
    if index.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == built_from:
        return str(index)
    index = build_data_docs(saved_results(folder), site)
    stamp.write_text(built_from, encoding="utf-8")
    return str(index)


def _results_digest(results: Path) -> str | None:
    """One digest of the saved results' names and contents (``None``: none saved)."""
    files = sorted(results.glob("*.json")) if results.is_dir() else []
    if not files:
        return None
    h = hashlib.sha256()
    for path in files:
        h.update(f"{path.name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return h.hexdigest()


def _dq(part: Any) -> list[Any]:
    if isinstance(part, dict):
        out = list(part.get("data_quality") or []) if isinstance(part.get("data_quality"), list) else (
            [part["data_quality"]] if part.get("data_quality") else [])
        for v in part.values():
            if isinstance(v, list):
                for item in v:
                    if isinstance(item, dict) and "data_quality" in item:
                        out.extend(_dq(item))
        return out
    return []
