"""``crosscheck``: run the daily pipeline through Airflow, verify the audit chain, clear findings,
answer a candidate's access and erasure requests, and explain an employer name's resolution.

Exit status: 0 done; 1 the command ran and the answer is no (audit chain broken or nothing to verify,
no data held for a candidate, a task failed); 2 the command could
not start (a bad option, date, configuration, connection; no warehouse).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from typing import Any

from include import cli_checks as checks
from include.cli_checks import UsageError, open_warehouse
from include.config import ConfigError

PRIVATE = 0o077  # files written while handling personal data: readable by their owner only


def cmd_run(args: argparse.Namespace) -> int:
    day = checks.report_day(args.date)
    checks.checked_config()
    checks.check_connections()
    from include.cli_run import run_pipeline

    return run_pipeline(day, args.use_executor, args.verbose)


def cmd_audit_verify(_: argparse.Namespace) -> int:
    from include.audit.chain import verify

    wh = open_warehouse(migrate=False)
    try:
        res = verify(wh)
    finally:
        wh.close()
    if not res.ok:
        print(f"audit chain BROKEN at run {res.first_bad}: {res.reason}", file=sys.stderr)
        return 1
    if res.rows == 0:
        print(f"audit chain: the warehouse at {checks.where(checks.warehouse_conn())} has no runs: nothing verified",
              file=sys.stderr)
        return 1
    print(f"audit chain OK: {res.rows} runs verified")
    return 0


def cmd_findings_clear(args: argparse.Namespace) -> int:
    """The HR page's action from the command line, through the same ``clear_and_rerender``."""
    from include.findings import FindingNotOpen, clear_and_rerender, full_finding_id

    if not args.reason.strip() or not args.by.strip():
        raise UsageError("--reason and --by must not be empty: say why the finding is explained and who clears it")
    config = checks.checked_config()
    wh = open_warehouse()
    try:
        args.finding_id = full_finding_id(wh, args.finding_id)  # a shortened id will do when it is unique
        done = clear_and_rerender(wh, args.finding_id, args.reason, args.by, config)
    except (KeyError, FindingNotOpen) as exc:
        print(f"crosscheck: findings clear: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    print(f"finding {args.finding_id} cleared by {args.by.strip()}")
    if done.render_error:
        print(f"crosscheck: findings clear: the clearance is saved, but the report files were not re-rendered "
              f"({done.render_error}); the next `crosscheck run` writes them", file=sys.stderr)
        return 1
    if done.reports:
        print(f"report re-rendered: {', '.join(p for p in done.reports if p.endswith('.html'))}")
    return 0


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
    if done.render_error:
        print(f"crosscheck: findings reopen: the finding is open again, but the report files were not re-rendered "
              f"({done.render_error}); the next `crosscheck run` writes them", file=sys.stderr)
        return 1
    return 0


def cmd_candidate(args: argparse.Namespace) -> int:
    from include.audit.subject import erase_candidate, export_candidate

    config = checks.checked_config()
    if args.action == "erase" and not args.by.strip():
        raise UsageError("--by: name who asked for the erasure (e.g. the DPO's e-mail)")
    wh = open_warehouse(migrate=args.action == "erase")
    root = config.landing_path()
    try:
        if args.action == "export":
            from include.cli_access import access_export

            data = export_candidate(wh, args.candidate_id, root)
            return access_export(wh, data, config, args.out, args.locale or config.report.locale)
        else:
            report = erase_candidate(wh, args.candidate_id, root, args.by, config=config)
            print(json.dumps(report, indent=2, default=str))
    except KeyError as exc:
        print(f"error: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 1
    finally:
        wh.close()
    return 0


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
             "both, and the date,\nbefore Airflow starts. Exit status 1 if any task failed (the run is "
             "still sealed as failed).")
    r.add_argument("--date", default=checks.today_utc().isoformat(), metavar="YYYY-MM-DD",
                   help="report day D: today (UTC) or earlier")
    r.add_argument("--use-executor", action="store_true", help="send tasks to the configured executor (Celery)")
    r.add_argument("--verbose", action="store_true", help="show Airflow's own output instead of logging it to a file")

    a = _sub(sub, "audit", "the audit trail", "The tamper-evident audit trail of sealed runs.")
    av = a.add_subparsers(dest="action", required=True, metavar="ACTION")
    _sub(av, "verify", "re-hash the audit chain",
         "Re-hash every sealed run and its findings. Exit status 1, naming the first altered run, if "
         "anything was\naltered, or if the warehouse has no runs; 2 if there is no warehouse. Reads only.")

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

    c = _sub(sub, "candidate", "a candidate's access (export) or erasure request",
             "A candidate's data-protection requests.")
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

    from include.cli_resolve import add_parser as add_resolve

    add_resolve(sub, HelpFormatter)
    from include.cli_runs import add_parser as add_runs

    add_runs(sub, HelpFormatter)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    handlers = {"run": cmd_run, "audit": cmd_audit_verify, "findings": cmd_findings_clear,
                "candidate": cmd_candidate}
    if args.command in ("run", "findings", "candidate"):
        os.umask(PRIVATE)
    try:
        handler = getattr(args, "func", None) or handlers[args.command]
        return int(handler(args))
    except (UsageError, ConfigError) as exc:
        print(f"crosscheck: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
