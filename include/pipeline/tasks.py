"""Task bodies behind the thin DAG files: open the warehouse and clients from Airflow connections,
call one pipeline step, write its manifest part, and hand XCom only run ids, indexes, paths and counts."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from include.config import load_config
from include.pipeline import check, ingest, seal
from include.pipeline.runs import chunks, run_dir, write_part
from include.pipeline.store import now_iso
from include.private import private_dir, private_umask, write_private_text
from include.run_context import RunContext
from include.warehouse import Warehouse, candidates

log = logging.getLogger("crosscheck.pipeline")
T = TypeVar("T")

PROFILE_CHUNK = 32
REGISTRY_CHUNK = 48
CHECK_CHUNK = 32


F = TypeVar("F", bound=Callable[..., Any])


def task_body(fn: F) -> F:
    """Every task body starts by setting the private umask: whoever runs it (a scheduler's executor, a
    Celery worker, ``crosscheck run``), the landing files, run folders and reports it writes are
    readable by their owner only."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        private_umask()
        return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class Sources(Protocol):
    """What a task needs from the deployment, handed in by the DAG layer (``plugins.hooks.sources.AirflowSources``
    reads Airflow connections): this package never imports the hooks."""

    def warehouse(self, migrate: bool = False) -> Warehouse:
        """The warehouse at the current migration; only a run's first task passes ``migrate=True``."""
        ...

    def client(self, source: str, on_payload: Any) -> Any: ...

    def defined(self, source: str) -> bool: ...


def _write_skipped(cfg: Any, run: RunContext, sources: tuple[str, ...], src: Sources) -> None:
    for source, part in ingest.skipped_sources(sources, src.defined).items():
        write_part(cfg, run, f"source-{source}", part)


def require_an_ats(src: Sources) -> None:
    """At least one applicant-tracking system must be defined, or there is nothing to check."""
    if not any(src.defined(s) for s in ("greenhouse", "lever")):
        raise RuntimeError("no applicant-tracking system is configured: define the Airflow connection "
                           "greenhouse_default or lever_default (see docs/CONTRACT.md, 'Connections')")


@task_body
def start_run(context: dict[str, Any], src: Sources) -> dict[str, str]:
    require_an_ats(src)
    cfg = load_config()
    run = RunContext.from_airflow(context)
    src.warehouse(migrate=True).close()  # migrations run once per run, here; every later task only checks the schema
    write_part(cfg, run, "start", {"started_at": now_iso(), "config_sha256": cfg.digest()})
    log.info("pipeline run %s for report day %s", run.run_id, run.report_day)
    return run.to_dict()


@task_body
def finish_dag(run: RunContext, context: dict[str, Any]) -> dict[str, Any]:
    dr = context.get("dag_run")
    part = {"dag_id": dr.dag_id if dr else "?", "airflow_run_id": dr.run_id if dr else "?", "state": "success",
            "ended_at": now_iso()}
    write_part(load_config(), run, f"dag-{part['dag_id']}", part)
    return part


@task_body
def finish_ingest(run: RunContext, context: dict[str, Any]) -> dict[str, Any]:
    """The ingest DAG's last task: the run's Data Docs site, built here, where every batch was validated and
    Great Expectations is loaded (the seal reuses it: ``seal.data_docs_index``); then the DAG's part."""
    seal.data_docs_index(load_config(), run)
    return finish_dag(run, context)


def _with_wh(src: Sources, fn: Callable[[Warehouse], T]) -> T:
    wh = src.warehouse()
    try:
        return fn(wh)
    finally:
        wh.close()


@task_body
def ingest_ats_task(run: RunContext, source: str, src: Sources) -> dict[str, Any]:
    cfg, info = load_config(), run
    part = _with_wh(src, lambda wh: ingest.ingest_ats(source, src.client, wh, cfg, info))
    write_part(cfg, info, f"source-{source}", part)
    return {"source": source, "skipped": part.get("skipped", False), "records": part.get("records_read", {})}


def _plan(cfg: Any, info: RunContext, name: str, items: list[Any], size: int) -> list[int]:
    parts = chunks(items, size)
    write_private_text(private_dir(run_dir(cfg, info) / "plan") / f"{name}.json", json.dumps(parts, ensure_ascii=False))
    return list(range(len(parts)))


def _empty_plan(cfg: Any, info: RunContext, name: str) -> list[int]:
    write_private_text(private_dir(run_dir(cfg, info) / "plan") / f"{name}.json", json.dumps([[]]))
    return [0]


def _chunk(cfg: Any, info: RunContext, name: str, index: int) -> list[Any]:
    return json.loads((run_dir(cfg, info) / "plan" / f"{name}.json").read_text(encoding="utf-8"))[index]


@task_body
def plan_profiles_task(run: RunContext, src: Sources) -> list[int]:
    """Only the profiles due (new or changed candidates, reads older than ``profiles.max_age_days``, all on
    a full run) within each source's budget: the plan names them (``plan/profile-reads.json``) and the
    manifest part ``profile-plan`` counts them, and those left pending."""
    cfg, info = load_config(), run
    # a disputed candidate's profiles are read in full this run (plan/disputes.json keeps which, for the check)
    disputes = _with_wh(src, ingest.plan_dispute_rereads)
    forced = ingest.with_disputed(cfg, info, disputes, [])
    reads, summary = _with_wh(src, lambda wh: ingest.plan_profile_reads(wh, cfg, info, src.defined, force=forced))
    write_private_text(private_dir(run_dir(cfg, info) / "plan") / "profile-reads.json", json.dumps(reads))
    write_part(cfg, info, "profile-plan", summary)
    _write_skipped(cfg, info, ingest.PROFILE_SOURCES, src)
    # nothing due (a quiet day): still one, empty, chunk; a mapped task over nothing is skipped, and Airflow
    # would skip everything downstream of it (registries, reviews, the Asset that starts the checks)
    return _plan(cfg, info, "profiles", list(reads), PROFILE_CHUNK) or _empty_plan(cfg, info, "profiles")


@task_body
def ingest_profiles_task(run: RunContext, index: int, src: Sources) -> dict[str, Any]:
    cfg, info = load_config(), run
    ids = _chunk(cfg, info, "profiles", index)
    plan = json.loads((run_dir(cfg, info) / "plan" / "profile-reads.json").read_text(encoding="utf-8"))
    reads = {cid: plan[cid] for cid in ids if cid in plan}
    part = _with_wh(src, lambda wh: ingest.ingest_profiles(ids, index, src.client, wh, cfg, info, reads))
    write_part(cfg, info, f"profiles-{index:04d}", part)
    return {"chunk": index, "profile_jobs": part["profile_jobs"]}


@task_body
def plan_registries_task(run: RunContext, src: Sources) -> list[int]:
    cfg, info = load_config(), run
    names = _with_wh(src, candidates.consenting_employers)
    names = list(dict.fromkeys([cfg.hiring_company.name, *cfg.hiring_company.competitors, *names]))
    _write_skipped(cfg, info, ingest.REGISTRY_SOURCES, src)
    defined = [s for s in ingest.REGISTRY_SOURCES if src.defined(s)]  # the look-up skips the others
    ask, summary = _with_wh(src, lambda wh: ingest.plan_registry_lookups(wh, names, defined,
                                                                        cfg.registries.max_age_days))
    write_part(cfg, info, "registry-plan", summary)
    # nothing to ask (a quiet day): one empty chunk, or Airflow skips every task downstream of the mapped one
    return _plan(cfg, info, "registries", ask, REGISTRY_CHUNK) or _empty_plan(cfg, info, "registries")


@task_body
def ingest_registries_task(run: RunContext, index: int, src: Sources) -> dict[str, Any]:
    cfg, info = load_config(), run
    names = _chunk(cfg, info, "registries", index)
    part = _with_wh(src, lambda wh: ingest.ingest_registries(names, index, src.client, wh, cfg, info))
    write_part(cfg, info, f"registries-{index:04d}", part)
    return {"chunk": index, "entities": part["entities"]}


@task_body
def ingest_reviews_task(run: RunContext, src: Sources) -> dict[str, Any]:
    cfg, info = load_config(), run
    part = _with_wh(src, lambda wh: ingest.ingest_reviews(src.client, wh, cfg, info))
    write_part(cfg, info, "source-reviews", part)
    return {"reviews": part.get("reviews", 0), "skipped": part.get("skipped", False)}


@task_body
def plan_check_task(info: RunContext, src: Sources) -> list[int]:
    cfg = load_config()
    batches = _with_wh(src, lambda wh: check.plan_checks(wh, cfg, info, CHECK_CHUNK))
    return list(range(len(batches)))


@task_body
def check_batch_task(info: RunContext, index: int, src: Sources) -> dict[str, Any]:
    cfg = load_config()
    ids = _chunk(cfg, info, "check", index)
    out = _with_wh(src, lambda wh: check.check_batch(wh, cfg, info, ids, index))
    return {"path": out["path"], "findings": out["findings"], "batch": index, "rechecked": out["rechecked"],
            "kept": out["kept"]}


@task_body
def write_findings_task(info: RunContext, src: Sources) -> dict[str, Any]:
    """Collects every batch's findings file named by the plan; a missing one fails the task."""
    cfg = load_config()
    plan = json.loads((run_dir(cfg, info) / "plan" / "check.json").read_text(encoding="utf-8"))
    batches = []
    for index, ids in enumerate(plan):
        path = run_dir(cfg, info) / "findings" / f"batch-{index:04d}.jsonl"
        if not path.exists():
            raise RuntimeError(f"findings of batch {index} are missing: {path}")
        batches.append({"path": str(path), "candidates": ids})
    part = _with_wh(src, lambda wh: check.write_findings(wh, cfg, info, batches))
    write_part(cfg, info, "crosscheck", part)
    return {"findings": part["findings"], "candidates_checked": part["candidates_checked"]}


@task_body
def build_report_task(info: RunContext, src: Sources) -> dict[str, Any]:
    cfg = load_config()
    return _with_wh(src, lambda wh: seal.build_report(wh, cfg, info))


@task_body
def email_report_task(info: RunContext, report: dict[str, Any]) -> dict[str, Any]:
    """Off by default: sends only when ``report.email_to`` is configured, through Airflow's SMTP provider.

    The day report is the body and attached, with the day's CSV (``report-<day>-<locale>.csv``: the findings
    the day report lists, bounded by its caps). The requisition pages and their CSVs stay in the reports
    folder and on the HR page: a mail never carries the whole state."""
    cfg = load_config()
    if not cfg.report.email_to:
        return {"sent": False, "reason": "report.email_to is empty"}
    from airflow.providers.smtp.hooks.smtp import SmtpHook

    paths = report["paths"][cfg.report.locale]
    html_path = paths["html"]
    files = [html_path] + [p for p in [paths.get("csv")] if p and Path(p).is_file()]
    with SmtpHook(smtp_conn_id="smtp_default") as smtp:
        smtp.send_email_smtp(to=cfg.report.email_to, subject=f"Crosscheck report {info.report_day}",
                             html_content=Path(html_path).read_text(encoding="utf-8"), files=files)
    return {"sent": True, "recipients": len(cfg.report.email_to)}


@task_body
def seal_task(info: RunContext, src: Sources) -> dict[str, Any]:
    cfg = load_config()
    from include.pipeline.runs import read_parts

    dag_runs = [p for k, p in read_parts(cfg, info).items() if k.startswith("dag-")]
    return _with_wh(src, lambda wh: seal.seal_run(wh, cfg, info, dag_runs))
