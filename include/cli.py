"""``crosscheck``: run the daily pipeline through Airflow, verify the audit chain, clear findings,
answer a candidate's access and erasure requests, and drive the sandbox."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import re
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from include.config import PROJECT_ROOT

VAR = PROJECT_ROOT / ".var"
DEFAULT_WAREHOUSE = VAR / "warehouse" / "crosscheck.duckdb"
DAG_ORDER = ("crosscheck_ingest", "crosscheck_check", "crosscheck_report")
WAREHOUSE_ENV = "AIRFLOW_CONN_CROSSCHECK_WAREHOUSE"


def default_warehouse_spec() -> dict[str, Any]:
    return {"conn_type": "duckdb", "host": str(DEFAULT_WAREHOUSE)}


def warehouse_spec() -> dict[str, Any] | str:
    raw = os.environ.get(WAREHOUSE_ENV)
    if not raw:
        return default_warehouse_spec()
    return json.loads(raw) if raw.lstrip().startswith("{") else raw


def open_warehouse() -> Any:
    from include.warehouse import connect

    spec = warehouse_spec()
    if isinstance(spec, dict) and spec.get("conn_type") == "duckdb":
        Path(spec["host"]).parent.mkdir(parents=True, exist_ok=True)
    wh = connect(spec)
    wh.migrate()
    return wh


def prepare_airflow_env() -> None:
    """Point Airflow at this project's dags/ and plugins/, whatever AIRFLOW_HOME says; SQLite by default."""
    os.environ.setdefault("AIRFLOW_HOME", str(VAR / "airflow"))
    Path(os.environ["AIRFLOW_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(PROJECT_ROOT / "dags")
    os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(PROJECT_ROOT / "plugins")
    os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
    os.environ.setdefault("AIRFLOW__CORE__MAX_MAP_LENGTH", "1024")
    os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
    os.environ.setdefault("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(
        [{"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
          "kwargs": {"path": str(PROJECT_ROOT / "dags")}}]))
    if WAREHOUSE_ENV not in os.environ:
        DEFAULT_WAREHOUSE.parent.mkdir(parents=True, exist_ok=True)
        os.environ[WAREHOUSE_ENV] = json.dumps(default_warehouse_spec())
    root = str(PROJECT_ROOT)
    if root not in sys.path:
        sys.path.insert(0, root)
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))


def init_airflow_db() -> None:
    from airflow.utils import db

    db.initdb() if hasattr(db, "initdb") else db.upgradedb()


@contextlib.contextmanager
def airflow_output_to(log_path: Path | None):
    """Send Airflow's console output (file descriptors 1 and 2) to a log file, keeping ours readable."""
    if log_path is None:
        yield sys.stdout
        return
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved_out, saved_err = os.dup(1), os.dup(2)
    console = os.fdopen(os.dup(saved_out), "w", buffering=1)
    with log_path.open("ab") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            yield console
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved_out, 1)
            os.dup2(saved_err, 2)
            os.close(saved_out)
            os.close(saved_err)
            console.close()


def run_pipeline(report_day: str, use_executor: bool = False, verbose: bool = False) -> int:
    """Every DAG of the daily pipeline once, in dependency order, through Airflow."""
    prepare_airflow_env()
    from include.pipeline.runs import RunInfo

    date.fromisoformat(report_day)
    run = RunInfo.new(report_day)
    log_path = None if verbose else Path(os.environ["AIRFLOW_HOME"]) / "logs" / f"crosscheck-{run.run_id}.log"
    if log_path:
        print(f"crosscheck: run {run.run_id} for report day {report_day}; Airflow's log: {log_path}", flush=True)
    with airflow_output_to(log_path) as console:
        rc = _run_dags(run, use_executor, console)
    if rc != 0 and log_path is not None:
        _print_errors(log_path)
    return rc


ERROR_LINE = re.compile(r"^\s*(\w+\.)*\w*(Error|Exception|Rejected)\b[^:]*: .+")


def _print_errors(log_path: Path, most: int = 5) -> None:
    """The failing tasks' own error lines (source errors name the source and endpoint, never a body)."""
    try:
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    errors = list(dict.fromkeys(line.strip() for line in lines if ERROR_LINE.match(line)))
    for line in errors[-most:]:
        print(f"crosscheck: error: {line[:500]}", file=sys.stderr)


def _run_dags(run: Any, use_executor: bool, console: Any) -> int:
    init_airflow_db()
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(PROJECT_ROOT / "dags"))
    if bag.import_errors:
        for path, err in bag.import_errors.items():
            print(f"DAG import error in {path}:\n{err}", file=console)
        return 2
    conf = run.to_dict()
    states: list[dict[str, Any]] = []
    for dag_id in DAG_ORDER:
        dag = bag.get_dag(dag_id)
        t0 = time.monotonic()
        dr = dag.test(logical_date=datetime.now(UTC), run_conf=conf, use_executor=use_executor)
        state = str(getattr(dr.state, "value", dr.state))
        failed = [ti.task_id for ti in dr.get_task_instances() if str(getattr(ti.state, "value", ti.state))
                  not in ("success", "skipped")]
        states.append({"dag_id": dag_id, "state": state, "seconds": round(time.monotonic() - t0, 1)})
        print(f"crosscheck: {dag_id}: {state} in {states[-1]['seconds']}s"
              + (f" (failed tasks: {', '.join(failed)})" if failed else ""), file=console, flush=True)
        if state != "success":
            _seal_failed(run, states, console)
            return 1
    _print_outputs(run, console)
    return 0


def _seal_failed(run: Any, states: list[dict[str, Any]], console: Any) -> None:
    """A failed run is recorded in the audit chain too: what was read before it failed, and that it failed."""
    from include.config import load_config
    from include.pipeline.seal import seal_run

    try:
        wh = open_warehouse()
        try:
            seal_run(wh, load_config(), run, states)
        finally:
            wh.close()
    except Exception as exc:  # noqa: BLE001 - the failure itself is what the caller must see
        print(f"crosscheck: could not record the failed run in the audit chain: {exc}", file=console)


def _print_outputs(run: Any, console: Any) -> None:
    from include.config import load_config
    from include.pipeline.runs import read_parts

    parts = read_parts(load_config(), run)
    report = parts.get("report", {}).get("paths", {})
    spec = warehouse_spec()
    where = spec if isinstance(spec, str) else spec.get("host")
    print(f"crosscheck: warehouse: {where}", file=console)
    for locale, paths in report.items():
        print(f"crosscheck: report ({locale}): {paths['html']}", file=console)
        print(f"crosscheck: findings CSV ({locale}): {paths['csv']}", file=console)


def cmd_audit_verify(_: argparse.Namespace) -> int:
    from include.audit.chain import verify

    wh = open_warehouse()
    try:
        res = verify(wh)
    finally:
        wh.close()
    if res.ok:
        print(f"audit chain OK: {res.rows} runs verified")
        return 0
    print(f"audit chain BROKEN at run {res.first_bad}: {res.reason}", file=sys.stderr)
    return 1


def cmd_findings_clear(args: argparse.Namespace) -> int:
    from include.findings import clear_finding

    wh = open_warehouse()
    try:
        clear_finding(wh, args.finding_id, args.reason, args.by)
    except (KeyError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    print(f"finding {args.finding_id} cleared by {args.by}")
    return 0


def cmd_candidate(args: argparse.Namespace) -> int:
    from include.audit.subject import erase_candidate, export_candidate
    from include.config import load_config
    from include.pipeline.runs import landing_root

    wh = open_warehouse()
    config = load_config()
    root = landing_root(config)
    try:
        if args.action == "export":
            data = export_candidate(wh, args.candidate_id, root)
            text = json.dumps(data, indent=2, ensure_ascii=False, default=str)
            if args.out:
                Path(args.out).write_text(text, encoding="utf-8")
                print(f"wrote {args.out}")
            else:
                print(text)
        else:
            report = erase_candidate(wh, args.candidate_id, root, args.by, config=config)
            print(json.dumps(report, indent=2, default=str))
    except KeyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    if args.action == "generate":
        from include.sandbox.generator import generate

        generate(args.seed, Path(args.out), n_candidates=args.candidates, report_day=args.report_day)
        print(f"world written to {args.out}")
        return 0
    from include.sandbox.server import Faults, serve

    faults = {k: Faults(**v) for k, v in json.loads(args.faults).items()} if args.faults else None
    sb = serve(Path(args.world), args.host, args.port, faults)
    env = {f"AIRFLOW_CONN_{k.upper()}": json.dumps(v) for k, v in sb.connections().items()}
    if args.env_file:
        Path(args.env_file).write_text("".join(f"export {k}='{v}'\n" for k, v in env.items()), encoding="utf-8")
    print(f"sandbox serving {args.world} at {sb.url}" + (f"; connections in {args.env_file}" if args.env_file else ""),
          flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sb.stop()
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    from include.evaluation import evaluate_warehouse

    wh = open_warehouse()
    try:
        ok = evaluate_warehouse(wh, Path(args.world), min_score=args.min)
    finally:
        wh.close()
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crosscheck", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run the daily pipeline once for a report day, through Airflow")
    r.add_argument("--date", default=date.today().isoformat(), help="report day D (YYYY-MM-DD), default today")
    r.add_argument("--use-executor", action="store_true", help="send tasks to the configured executor (Celery)")
    r.add_argument("--verbose", action="store_true", help="show Airflow's own output instead of logging it to a file")
    a = sub.add_parser("audit", help="audit trail")
    a.add_argument("action", choices=["verify"])
    f = sub.add_parser("findings", help="HR actions on findings")
    f.add_argument("action", choices=["clear"])
    f.add_argument("finding_id")
    f.add_argument("--reason", required=True)
    f.add_argument("--by", required=True)
    c = sub.add_parser("candidate", help="a candidate's access (export) or erasure request")
    c.add_argument("action", choices=["export", "erase"])
    c.add_argument("candidate_id", help="e.g. greenhouse:4829103")
    c.add_argument("--out", help="export: write JSON here instead of stdout")
    c.add_argument("--by", default=os.environ.get("USER", "unknown"), help="erase: who asked for it")
    s = sub.add_parser("sandbox", help="the local stand-in for every source")
    s.add_argument("action", choices=["serve", "generate"])
    s.add_argument("--world", default=str(PROJECT_ROOT / "include" / "sandbox" / "data" / "seed-42"))
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8765)
    s.add_argument("--faults", help='JSON, e.g. {"*": {"rate_limit_every": 5}}')
    s.add_argument("--env-file", help="write the AIRFLOW_CONN_* exports for the sandbox here")
    s.add_argument("--seed", type=int, default=42)
    s.add_argument("--out", default=str(VAR / "world"))
    s.add_argument("--candidates", type=int, default=400)
    s.add_argument("--report-day", default="2026-11-21")
    e = sub.add_parser("evaluate", help="precision and recall per kind against the sandbox labels")
    e.add_argument("--world", default=str(PROJECT_ROOT / "include" / "sandbox" / "data" / "seed-42"))
    e.add_argument("--min", type=float, default=0.0, help="exit non-zero if any kind scores below this")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    if args.command == "run":
        return run_pipeline(args.date, args.use_executor, args.verbose)
    handlers = {"audit": cmd_audit_verify, "findings": cmd_findings_clear, "candidate": cmd_candidate,
                "sandbox": cmd_sandbox, "evaluate": cmd_evaluate}
    return handlers[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
