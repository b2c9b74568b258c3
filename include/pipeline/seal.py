"""The report and the seal: render the HR report, assemble the run manifest, append it to the audit chain."""

from __future__ import annotations

import hashlib
import subprocess
from typing import Any

from include.config import PROJECT_ROOT, Config
from include.pipeline.runs import RunInfo, read_parts, run_dir, write_part
from include.pipeline.store import now_iso

CODE_DIRS = ("connectors", "include", "dags", "plugins")


def code_version() -> dict[str, str]:
    """The git commit when there is one, and always a digest of the code that ran."""
    digest = hashlib.sha256()
    for d in CODE_DIRS:
        for p in sorted((PROJECT_ROOT / d).rglob("*.py")):
            digest.update(str(p.relative_to(PROJECT_ROOT)).encode())
            digest.update(p.read_bytes())
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                                timeout=5, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    return {"git_commit": commit or "unknown", "tree_sha256": digest.hexdigest()}


def build_report(wh: Any, config: Config, run: RunInfo) -> dict[str, Any]:
    from include.report.data import load_report_data
    from include.report.render import build_report as render

    out_dir = config.data_path() / "reports"
    data = load_report_data(wh, run.day, run.run_id, config)
    paths = {}
    for locale in dict.fromkeys([config.report.locale, "en", "zh_CN"]):
        p = render(data, out_dir, locale)
        paths[locale] = {"html": str(p.html), "csv": str(p.csv)}
    part = {"paths": paths, "locale": config.report.locale}
    write_part(config, run, "report", part)
    return part


def seal_run(wh: Any, config: Config, run: RunInfo, dag_runs: list[dict[str, Any]],
             started_at: str | None = None) -> dict[str, Any]:
    from include.audit.chain import append_run

    parts = read_parts(config, run)
    sources: dict[str, Any] = {}
    dq: list[Any] = []
    for name, part in parts.items():
        if name.startswith("source-"):
            sources[name.removeprefix("source-")] = part
        dq.extend(_dq(part))
    check = parts.get("crosscheck", {})
    manifest = {
        "run_id": run.run_id,
        "report_day": run.report_day,
        "dag_runs": dag_runs,
        "sources": sources,
        "sources_skipped": sorted(s for s, p in sources.items() if p.get("skipped")),
        "data_quality": dq,
        "rule_versions": check.get("rule_versions", {}),
        "config_sha256": config.digest(),
        "code_version": code_version(),
        "rows_written": {"findings": check.get("findings", 0), "upsert": check.get("upsert", {})},
        "report": parts.get("report", {}),
        "candidates_checked": check.get("candidates_checked", 0),
    }
    state = "success" if all(d.get("state") == "success" for d in dag_runs) else "failed"
    run_hash = append_run(wh, run.run_id, run.report_day, [d["dag_id"] for d in dag_runs],
                          started_at or parts.get("start", {}).get("started_at") or now_iso(), now_iso(), state,
                          manifest, check.get("findings_digest", ""))
    (run_dir(config, run) / "manifest.sealed").write_text(run_hash, encoding="utf-8")
    return {"hash": run_hash, "state": state}


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
