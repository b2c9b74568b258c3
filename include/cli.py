"""``crosscheck``: run the daily pipeline through Airflow, verify the audit chain, clear findings,
answer a candidate's access and erasure requests, explain an employer name's resolution, and deploy
into an existing Airflow (install the DAG files, migrate the warehouse, check the environment).

Exit status: 0 done; 1 the command ran and the answer is no (audit chain broken or nothing to verify,
no data held for a candidate, a task failed, a doctor check failed); 2 the command could
not start (a bad option, date, configuration, connection; no warehouse).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import Any

from include import cli_checks as checks
from include.audit.anchor import AnchorError
from include.cli_checks import UsageError, open_warehouse
from include.config import ConfigError
from include.private import private_umask


def cmd_run(args: argparse.Namespace) -> int:
    day = checks.report_day(args.date)
    config = checks.checked_config()
    checks.check_connections()
    checks.check_writable(config)
    checks.check_task_timeout()
    from include.cli_run import run_pipeline

    return run_pipeline(day, args.use_executor, args.verbose, full=args.full)


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Every check of the trail; each adds problems (exit 1) or notes. A new check is one more call."""
    from include.audit.anchor import anchor_for
    from include.audit.chain import verify
    from include.audit.coverage import CoverageError
    from include.audit.coverage import verify as verify_coverage

    if getattr(args, "dossier", None):
        return verify_dossier_file(args.dossier)
    config = checks.checked_config()
    wh = open_warehouse(migrate=False)
    try:
        res = verify(wh)
        if res.ok and res.rows == 0:
            print(f"audit chain: the warehouse at {checks.where(checks.warehouse_conn())} has no runs: "
                  "nothing verified", file=sys.stderr)
            return 1
        try:
            cov = verify_coverage(wh, anchor_for(config), all_files=args.all)
        except CoverageError as exc:
            print(f"audit trail BROKEN: {exc}", file=sys.stderr)
            return 1
    finally:
        wh.close()
    problems = [] if res.ok else [f"audit chain BROKEN at run {res.first_bad}: {res.reason}"]
    problems += [f"audit trail BROKEN: {p}" for p in cov.problems]
    if args.require_anchor and not cov.anchored and not cov.problems:
        problems.append("audit trail BROKEN: --require-anchor: the chain head is not anchored")
    for line in problems:
        print(line, file=sys.stderr)
    for note in cov.notes:
        print(f"crosscheck: audit verify: {note}", file=sys.stderr)
    if problems:
        return 1
    print(f"audit chain OK: {res.rows} runs verified")
    print(f"covered tables OK: {cov.seals} seals verified, the tables match the latest; "
          f"{cov.files_checked} landed files re-hashed ({'every run' if args.all else 'the latest run'})")
    if cov.anchored:
        print("chain head anchored: its signature in the anchor log verifies")
    return 0


def verify_dossier_file(name: str) -> int:
    from pathlib import Path

    from include.report.dossier import verify_dossier

    path = Path(name)
    if not path.is_file():
        raise UsageError(f"--dossier: no file {name}")
    wh = open_warehouse(migrate=False)
    try:
        verdict = verify_dossier(wh, path)
    except (ValueError, KeyError) as exc:
        raise UsageError(f"--dossier: {exc}") from None
    finally:
        wh.close()
    if verdict.ok:
        print(f"dossier OK: {path.name} matches the warehouse")
        return 0
    print(f"dossier DIFFERS: {path.name}: " + "; ".join(verdict.differences), file=sys.stderr)
    return 1


def cmd_dossier(args: argparse.Namespace) -> int:
    from pathlib import Path

    from include.report.dossier import write_dossier

    locales = [args.locale] if args.locale else ["en", "zh_CN"]
    wh = open_warehouse(migrate=False)
    try:
        for locale in locales:
            done = write_dossier(wh, args.candidate_id, Path(args.out), locale)
            for f in done.files:
                print(f"wrote {f} (readable by you only)")
            if done.pdf_missing:
                print(f"crosscheck: candidate dossier: {done.pdf_missing}", file=sys.stderr)
    except KeyError as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    return 0


def cmd_findings_clear(args: argparse.Namespace) -> int:
    """The HR page's action from the command line, through the same ``clear_and_rerender``."""
    from include.findings import FindingNotOpen, UnstorableText, clear_and_rerender, full_finding_id

    if not args.reason.strip() or not args.by.strip():
        raise UsageError("--reason and --by must not be empty: say why the finding is explained and who clears it")
    config = checks.checked_config()
    wh = open_warehouse()
    try:
        args.finding_id = full_finding_id(wh, args.finding_id)  # a shortened id will do when it is unique
        done = clear_and_rerender(wh, args.finding_id, args.reason, args.by, config)
    except UnstorableText as exc:
        raise UsageError(f"findings clear: {exc}") from None
    except (KeyError, FindingNotOpen) as exc:
        print(f"crosscheck: findings clear: {one_line(str(exc.args[0] if exc.args else exc))}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    print(f"finding {args.finding_id} cleared by {args.by.strip()}")
    if _not_rerendered(done, "clear", "the clearance is saved"):
        return 1
    if done.reports:
        print(f"report re-rendered: {', '.join(p for p in done.reports if p.endswith('.html'))}")
    return 0


def _not_rerendered(done: Any, action: str, saved: str) -> bool:
    """After a clearing or a reopening whose report files could not be rendered again: say so (exit 1)."""
    if done.render_error:
        print(f"crosscheck: findings {action}: {saved}, but the report files were not re-rendered "
              f"({done.render_error}); the next `crosscheck run` writes them", file=sys.stderr)
    return bool(done.render_error)


def cmd_findings_reopen(args: argparse.Namespace) -> int:
    """The HR page's Reopen from the command line, through the same ``reopen_and_rerender``."""
    from include.findings import full_finding_id, reopen_and_rerender

    if not args.by.strip():
        raise UsageError("--by must not be empty: say who reopens the finding")
    config = checks.checked_config()
    wh = open_warehouse()
    try:
        finding_id = full_finding_id(wh, args.finding_id)
        done = reopen_and_rerender(wh, finding_id, args.by, config)
    except (KeyError, ValueError) as exc:
        print(f"crosscheck: findings reopen: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    print(f"finding {finding_id} reopened by {args.by.strip()}")
    return 1 if _not_rerendered(done, "reopen", "the finding is open again") else 0


def cmd_candidate(args: argparse.Namespace) -> int:
    from include.audit.anchor import anchor_for
    from include.audit.holds import HoldError, OnHold, place_hold, release_hold
    from include.audit.subject import erase_candidate, export_candidate

    if args.action == "dossier":
        return cmd_dossier(args)

    config = checks.checked_config()
    out = checks.check_out_path(args.out) if args.action == "export" and args.out else None
    if args.action in ("erase", "hold", "release") and not args.by.strip():
        raise UsageError({"erase": "--by: name who asked for the erasure (e.g. the DPO's e-mail)",
                          "hold": "--by: name who places the legal hold",
                          "release": "--by: name who releases the legal hold"}[args.action])
    if args.action == "hold" and not args.reason.strip():
        raise UsageError("--reason: say why the candidate's data must be kept (e.g. the dispute's reference)")
    anchor = anchor_for(config) if args.action != "export" else None
    wh = open_warehouse(migrate=args.action != "export")
    root = config.landing_path()
    try:
        if args.action == "hold":
            hold = place_hold(wh, args.candidate_id, args.reason, args.by, anchor)
            print(f"candidate {args.candidate_id} is under legal hold (hold {hold['hold_id']}): "
                  "no erasure or retention until it is released")
        elif args.action == "release":
            release_hold(wh, args.candidate_id, args.by, anchor)
            print(f"candidate {args.candidate_id}: legal hold released by {args.by.strip()}")
        elif args.action == "export":
            from include.cli_access import access_export

            data = export_candidate(wh, args.candidate_id, root)
            return access_export(wh, data, config, str(out) if out is not None else None,
                                 args.locale or config.report.locale)
        else:
            report = erase_candidate(wh, args.candidate_id, root, args.by, config=config, anchor=anchor)
            print(json.dumps(report, indent=2, default=str))
    except KeyError as exc:
        print(f"error: {one_line(str(exc.args[0] if exc.args else exc))}", file=sys.stderr)
        return 1
    except (HoldError, OnHold) as exc:
        print(f"crosscheck: candidate {args.action}: {exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    return 0


def cmd_dags_install(args: argparse.Namespace) -> int:
    from include.deploy import install_dags

    target, done = install_dags(Path(args.dags_folder).expanduser().resolve() if args.dags_folder else None)
    for name, what in done.items():
        print(f"{what:9} {target / name}")
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    checks.checked_config()
    wh = open_warehouse(create=True)
    try:
        applied = len(wh.query("SELECT version FROM schema_migrations"))
    finally:
        wh.close()
    print(f"warehouse at {checks.where(checks.warehouse_conn())}: up to date ({applied} migrations applied)")
    return 0


def cmd_doctor(_: argparse.Namespace) -> int:
    from include.deploy import doctor, version

    print(f"crosscheck {version()}", flush=True)
    failed = 0
    for check in doctor():
        print(check.line(), flush=True)
        failed += not check.ok
    if failed:
        print(f"crosscheck: doctor: {failed} check(s) failed", file=sys.stderr)
    return 1 if failed else 0


def one_line(text: str, most: int = 2000) -> str:
    """An error as one line of sane length, whatever value it repeats (the values themselves are
    shortened where they are quoted; this is the backstop)."""
    flat = " ".join(text.split("\n"))
    return flat if len(flat) <= most else f"{flat[:most]}… ({len(flat)} characters)"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions keep their line breaks; an option's default, when it has one, follows its help."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if action.option_strings and action.default not in (None, False, argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


def _sub(sub: Any, name: str, summary: str, description: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=summary, description=description, formatter_class=HelpFormatter)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="crosscheck", description=(__doc__ or "").replace("``", ""),
                                formatter_class=HelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    r = _sub(sub, "run", "run the daily pipeline once for a report day, through Airflow",
             "Every DAG of the daily pipeline (ingest, check, report) once for report day D, in order, "
             "through Airflow.\nNeeds CROSSCHECK_CONFIG and the sources' AIRFLOW_CONN_* connections; checks "
             "both, the date and\nwhere it writes (data_dir, the warehouse) before Airflow starts. Exit "
             "status 1 if any task failed,\n128 + n if stopped by signal n (SIGTERM: 143); the run is sealed "
             "as failed either way.")
    r.add_argument("--date", default=checks.today_utc().isoformat(), metavar="YYYY-MM-DD",
                   help="report day D: today (UTC) or earlier")
    r.add_argument("--use-executor", action="store_true", help="send tasks to the configured executor (Celery)")
    r.add_argument("--verbose", action="store_true", help="show Airflow's own output instead of logging it to a file")
    r.add_argument("--full", action="store_true",
                   help="re-check every candidate, not only those whose inputs changed or whose findings are due "
                        "to change on D (docs/SCALE.md, 'Incremental checks')")

    a = _sub(sub, "audit", "the audit trail", "The tamper-evident audit trail of sealed runs.")
    av = a.add_subparsers(dest="action", required=True, metavar="ACTION")
    vp = _sub(av, "verify", "re-hash the audit trail",
              "Re-hash every sealed run and its findings, the seals of the covered tables (clearances, consent,\n"
              "applications, employments, quarantine, landed payloads, legal holds...) against the tables, the\n"
              "landed files, and the signed heads of the anchor log (with a public key configured). Exit status 1,\n"
              "naming each table and key that changed, if anything was altered, or if the warehouse has no runs;\n"
              "2 if there is no warehouse. Reads only. With --dossier FILE: whether a dispute file (its JSON or\n"
              "HTML) still matches the warehouse; exit status 1 naming what differs.")
    vp.add_argument("--all", action="store_true", help="re-hash every run's landed files, not only the latest run's")
    vp.add_argument("--require-anchor", action="store_true",
                    help="fail when the chain head is not anchored (no public key configured, or not signed)")
    vp.add_argument("--dossier", metavar="FILE", help="check this dossier file instead of the trail")

    f = _sub(sub, "findings", "HR actions on findings", "HR actions on the report's findings.")
    fv = f.add_subparsers(dest="action", required=True, metavar="ACTION")
    fc = _sub(fv, "clear", "clear an explained finding",
              "Mark a finding cleared, with the reason and who cleared it; it stays cleared unless its "
              "evidence changes.\nThe latest report's files are rendered again. Exit status 1 for an unknown "
              "or already cleared finding.")
    fc.add_argument("finding_id", help="the finding's id, as in the report and its CSV, or its first characters "
                                        "(at least 6, when no other finding starts so)")
    fc.add_argument("--reason", required=True, help="why it is cleared (kept in the audit trail)")
    fc.add_argument("--by", required=True, help="who clears it (name or e-mail)")
    fr = _sub(fv, "reopen", "take a clearance back",
              "Open a cleared finding again (the HR page's Reopen): it stays open until it is cleared again; the\n"
              "clearance stays on record with who reopened it. The latest report's files are rendered again.\n"
              "Exit status 1 for an unknown or open finding.")
    fr.add_argument("finding_id", help="the finding's id, or its first characters (at least 6, when no other "
                                       "finding starts so)")
    fr.add_argument("--by", required=True, help="who reopens it (name or e-mail)")
    fr.set_defaults(func=cmd_findings_reopen)

    c = _sub(sub, "candidate", "a candidate's access (export), erasure request, legal hold or dispute file",
             "A candidate's data-protection requests, legal hold and dispute file.")
    cv = c.add_subparsers(dest="action", required=True, metavar="ACTION")
    ce = _sub(cv, "export", "everything held about a candidate, as JSON and a report they can read",
              "Everything held about a candidate (warehouse rows, findings, landing-file records, audit "
              "mentions,\nthe HR reports that show them), as JSON; with --out also as a report in their "
              "language (HTML, and PDF\nwhen Chromium is installed): what is held and where from, why, on "
              "what basis, who sees it, when\nit is deleted, the findings in plain words, every file that "
              "mentions them. Only this warehouse's\nruns are searched. Exit status 1 if nothing is held. "
              "Reads only.")
    ce.add_argument("candidate_id", help="source:id, e.g. greenhouse:4829103")
    ce.add_argument("--out", metavar="FILE", help="write the JSON here (mode 600) instead of to stdout, and the "
                                                "report the candidate reads beside it: FILE's name with .html "
                                                "(and .pdf when Chromium is installed)")
    ce.add_argument("--locale", choices=("en", "zh_CN"), help="the language of the candidate's report "
                                                               "(default: report.locale of the configuration)")
    cx = _sub(cv, "erase", "remove a candidate's personal data everywhere",
              "Remove a candidate's personal data from the warehouse, the landing files, the run folders "
              "and the reports;\na tombstone (salted id, who asked, when, counts, files) stays in the "
              "audit trail. Exit status 1 if nothing is held.")
    cx.add_argument("candidate_id", help="source:id, e.g. greenhouse:4829103")
    cx.add_argument("--by", required=True, help="who asked for the erasure (kept in the tombstone)")
    ch = _sub(cv, "hold", "put a candidate under legal hold (no erasure, no retention)",
              "Keep a candidate's data while a dispute is open: retention skips them and an erasure request is\n"
              "recorded and refused with the hold's reason. Sealed in the audit trail. Exit status 1 if nothing\n"
              "is held about the candidate or a hold is already in place.")
    ch.add_argument("candidate_id", help="source:id, e.g. greenhouse:4829103")
    ch.add_argument("--reason", required=True, help="why the data must be kept (e.g. the dispute's reference)")
    ch.add_argument("--by", required=True, help="who places the hold (name or e-mail)")
    cr = _sub(cv, "release", "release a candidate's legal hold",
              "End a candidate's legal hold: retention and erasure apply again. Sealed in the audit trail.\n"
              "Exit status 1 if the candidate is not under hold.")
    cr.add_argument("candidate_id", help="source:id, e.g. greenhouse:4829103")
    cr.add_argument("--by", required=True, help="who releases the hold (name or e-mail)")
    cd = _sub(cv, "dossier", "the dispute file of a candidate (HTML, PDF, JSON)",
              "A candidate's dispute file: the recruiting timeline with source, time and record hash, plain "
              "answers (was a\nformal offer sent, when, accepted; when and why rejected), the consent record "
              "and the findings with\ntheir clearances. HTML, PDF (when Chromium is installed) and JSON, mode 600, "
              "each carrying a digest\nthat `crosscheck audit verify --dossier FILE` checks. Exit status 1 for an "
              "unknown candidate. Reads only.")
    cd.add_argument("candidate_id", help="source:id, e.g. lever:3fde9814-0ec0-4d4b-9644-1a9d3362d476")
    cd.add_argument("--out", default="dossiers", metavar="DIR", help="folder for the files")
    cd.add_argument("--locale", choices=["en", "zh_CN"], help="one language only (default: both)")

    d = _sub(sub, "dags", "the DAG files in Airflow's DAG folder", "The DAG files this version ships.")
    dv = d.add_subparsers(dest="action", required=True, metavar="ACTION")
    di = _sub(dv, "install", "copy the DAG files into Airflow's DAG folder",
              "Copy this version's DAG files into <dags folder>/crosscheck/ (Airflow's [core] dags_folder unless "
              "--dags-folder);\nfiles of an older version no longer shipped are removed. Run it again after "
              "every upgrade.")
    di.add_argument("--dags-folder", metavar="DIR", help="the DAG folder (default: Airflow's [core] dags_folder)")
    _sub(sub, "migrate", "create the warehouse, or apply its pending migrations",
         "Create the warehouse (AIRFLOW_CONN_CROSSCHECK_WAREHOUSE) if it has no Crosscheck tables, or apply the\n"
         "migrations this version adds. Tasks also migrate on start; run it when upgrading, DAGs paused.")
    _sub(sub, "doctor", "check this environment before running the pipeline",
         "Check, one line each, where an Airflow component runs (scheduler, worker, api-server): the "
         "configuration,\nevery connection's fields, the warehouse (reachable, migrated), data_dir (exists, "
         "writable, mode 700),\nthe DAG files, the executor and the HR page's plugin with its auth manager. "
         "Exit status 1 if any check fails.")

    from include.cli_resolve import add_parser as add_resolve

    add_resolve(sub, HelpFormatter)
    from include.cli_runs import add_parser as add_runs

    add_runs(sub, HelpFormatter)
    from include.cli_disputes import add_parser as add_disputes

    add_disputes(sub, HelpFormatter)

    from include.cli_notices import add_parser as add_notices

    add_notices(sub, HelpFormatter)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = {"run": cmd_run, "audit": cmd_audit_verify, "findings": cmd_findings_clear,
                "candidate": cmd_candidate, "dags": cmd_dags_install, "migrate": cmd_migrate, "doctor": cmd_doctor}
    if args.command in ("run", "findings", "candidate", "migrate"):  # migrate may create the DuckDB file
        private_umask()  # files written while handling personal data: readable by their owner only
    try:
        handler = getattr(args, "func", None) or handlers[args.command]
        return int(handler(args))
    except (UsageError, ConfigError, AnchorError) as exc:
        print(f"crosscheck: error: {one_line(str(exc))}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
