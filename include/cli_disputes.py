"""``crosscheck dispute record|outcome|list``: a candidate's dispute of a finding from the command line, through
the same functions as the HR page (``include.disputes``). See docs/DISPUTES.md."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from include import cli_checks as checks
from include.cli_checks import UsageError, open_warehouse
from include.private import private_umask

OUTCOMES = ("upheld", "corrected", "withdrawn")


def add_parser(subparsers: Any, formatter_class: type[argparse.HelpFormatter] | None = None) -> argparse.ArgumentParser:
    """Register ``dispute`` (record, outcome, list) on the CLI's subparsers; each handler is set as ``func``."""
    fmt = formatter_class or argparse.RawDescriptionHelpFormatter
    p = subparsers.add_parser(
        "dispute", help="a candidate's dispute of a finding: record it, its outcome, list them",
        description=(
            "A candidate disputes a finding: the finding becomes 'disputed' (neither open nor cleared), its\n"
            "reinvestigation is due 30 calendar days after the dispute was received, the next run re-reads every\n"
            "source of the candidate and records what it found, and HR records the outcome. Every step is sealed\n"
            "in the audit trail and is in the candidate's export. See docs/DISPUTES.md."),
        formatter_class=fmt)
    sub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    r = sub.add_parser(
        "record", help="record a candidate's dispute of an open finding",
        description=(
            "Record what the candidate says about an open finding and the day it was received; the finding\n"
            "becomes 'disputed' and its reinvestigation is due 30 days later. The latest report's files are\n"
            "rendered again. Exit status 1 for an unknown finding, or one already disputed or cleared."),
        formatter_class=fmt)
    r.add_argument("finding_id", metavar="FINDING", help="the finding's id, or its first characters (at least 6, "
                                                        "when no other finding starts so)")
    text = r.add_mutually_exclusive_group(required=True)
    text.add_argument("--statement", help="what the candidate says (kept in the audit trail and their export)")
    text.add_argument("--statement-file", metavar="FILE",
                      help="read the statement from this UTF-8 file ('-': standard input), e.g. a letter pasted in")
    r.add_argument("--received", required=True, metavar="YYYY-MM-DD",
                   help="the day the dispute was received (today or earlier); the reinvestigation is due 30 days on")
    r.add_argument("--by", required=True, help="who records it (name or e-mail)")
    r.set_defaults(func=cmd_record)
    o = sub.add_parser(
        "outcome", help="record the outcome of a finding's dispute",
        description=(
            "HR's outcome of the reinvestigation: 'upheld' (the finding stands, open again), 'corrected' (the\n"
            "finding is cleared with the reason; it reopens if its evidence changes) or 'withdrawn' (the\n"
            "candidate withdrew the dispute; open again). The latest report's files are rendered again.\n"
            "Exit status 1 for an unknown finding, or one with no dispute awaiting an outcome."),
        formatter_class=fmt)
    o.add_argument("finding_id", metavar="FINDING", help="the finding's id, or its first characters")
    o.add_argument("--outcome", required=True, choices=OUTCOMES, help="what the reinvestigation concluded")
    o.add_argument("--reason", required=True, help="why (for 'corrected', the clearance's reason)")
    o.add_argument("--by", required=True, help="who decides (name or e-mail)")
    o.set_defaults(func=cmd_outcome)
    ls = sub.add_parser(
        "list", help="the disputes awaiting an outcome, the overdue first",
        description=(
            "The disputes awaiting an outcome, the most overdue first: finding, candidate, received, due, and\n"
            "whether a run has re-read the candidate (with what it found). --all: closed ones too. Reads only."),
        formatter_class=fmt)
    ls.add_argument("--all", action="store_true", help="also the disputes with an outcome")
    ls.add_argument("--candidate", metavar="ID", help="only this candidate's disputes")
    ls.add_argument("--json", action="store_true", help="print JSON (with the statements) instead of text")
    ls.set_defaults(func=cmd_list)
    return p


def _statement(args: argparse.Namespace) -> str:
    if args.statement is not None:
        text = str(args.statement)
    elif args.statement_file == "-":
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.statement_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"--statement-file: {exc}") from None
    if not text.strip():
        raise UsageError("the statement is empty: say what the candidate disputes")
    return text


def _refused(action: str, exc: BaseException) -> int:
    print(f"crosscheck: dispute {action}: {exc.args[0] if exc.args else exc}", file=sys.stderr)
    return 1


def _rendered(action: str, done: Any) -> int:
    if done.render_error:
        print(f"crosscheck: dispute {action}: saved, but the report files were not re-rendered "
              f"({done.render_error}); the next `crosscheck run` writes them", file=sys.stderr)
        return 1
    return 0


def cmd_record(args: argparse.Namespace) -> int:
    from include.disputes import DisputeError, dispute_and_rerender
    from include.findings import UnstorableText, full_finding_id

    received = checks.parse_day(args.received, "--received")
    if received > checks.today_utc():
        raise UsageError(f"--received {received.isoformat()} is after today ({checks.today_utc().isoformat()}, UTC)")
    if not args.by.strip():
        raise UsageError("--by must not be empty: say who records the dispute")
    statement = _statement(args)
    config = checks.checked_config()
    private_umask()  # the report files rendered again hold personal data
    wh = open_warehouse()
    try:
        finding_id = full_finding_id(wh, args.finding_id)
        done = dispute_and_rerender(wh, finding_id, statement, received, args.by, config)
    except UnstorableText as exc:
        raise UsageError(f"dispute record: {exc}") from None
    except (KeyError, DisputeError) as exc:
        return _refused("record", exc)
    finally:
        wh.close()
    print(f"finding {finding_id} disputed (dispute {done.row['dispute_id']}), recorded by {args.by.strip()}; "
          f"reinvestigation due {done.row['due_on']}; the next run re-reads the candidate's sources")
    return _rendered("record", done)


def cmd_outcome(args: argparse.Namespace) -> int:
    from include.disputes import DisputeError, outcome_and_rerender
    from include.findings import UnstorableText, full_finding_id

    if not args.reason.strip() or not args.by.strip():
        raise UsageError("--reason and --by must not be empty: say why and who decides")
    config = checks.checked_config()
    private_umask()
    wh = open_warehouse()
    try:
        finding_id = full_finding_id(wh, args.finding_id)
        done = outcome_and_rerender(wh, finding_id, args.outcome, args.reason, args.by, config)
    except UnstorableText as exc:
        raise UsageError(f"dispute outcome: {exc}") from None
    except (KeyError, DisputeError) as exc:
        return _refused("outcome", exc)
    finally:
        wh.close()
    status = "cleared" if args.outcome == "corrected" else "open"
    print(f"dispute of finding {finding_id}: {args.outcome}, by {args.by.strip()}; the finding is {status}")
    return _rendered("outcome", done)


def cmd_list(args: argparse.Namespace) -> int:
    from include.warehouse.disputes import disputes

    checks.checked_config()
    wh = open_warehouse(migrate=False)
    try:
        rows = disputes(wh, candidate_id=args.candidate)
    finally:
        wh.close()
    if not args.all:
        rows = [d for d in rows if d["outcome"] is None]
    rows.sort(key=lambda d: (d["outcome"] is not None, str(d["due_on"]), str(d["recorded_at"])))
    if args.json:
        print(json.dumps(rows, indent=2, default=str, ensure_ascii=False))
        return 0
    if not rows:
        print("no disputes" + ("" if args.all else " awaiting an outcome"))
        return 0
    for d in rows:
        reread = d["rereads"][-1] if d["rereads"] else None
        found = ("awaiting the next run's re-read" if reread is None else f"re-read by {reread['run_id']}: " + (
            "the finding is gone" if reread["evidence"] == "gone" else f"{reread['evidence']} evidence"))
        end = (f"{d['outcome']['outcome']} by {d['outcome']['actor']} on {str(d['outcome']['step_at'])[:10]}"
               if d["outcome"] else ("OVERDUE" if d["overdue"] else "open"))
        print(f"{d['finding_id']}  {d['candidate_id']}  received {d['received_on']}  due {d['due_on']}  "
              f"{found}  {end}")
    return 0
