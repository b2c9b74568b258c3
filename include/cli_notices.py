"""``crosscheck decision`` and ``crosscheck notice``: the HR page's decision and notice actions from the
command line, through the same functions (``include.notices``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from include.cli_checks import UsageError, checked_config, open_warehouse, parse_day, today_utc
from include.private import private_umask

EXIT_CODES = ("Exit status: 0 done; 1 refused (unknown id, a rule such as the waiting period, a letter changed "
              "on disk,\nor the e-mail not sent: nothing is recorded then); 2 usage or configuration error.")


# include.notices' DECISIONS and METHODS, written out: importing that package here would load the report's
# templates, scipy and the holiday calendars into every CLI call, the refusals included
# (tests/cli/test_cli_notices.py checks they are the same)
DECISIONS: tuple[str, ...] = ("proceed", "pre_adverse", "final_adverse", "withdrawn")
METHODS: tuple[str, ...] = ("email", "handed_over")


def add_parser(subparsers: Any, formatter_class: type[argparse.HelpFormatter] | None = None) -> None:
    """Register ``decision`` and ``notice`` on the CLI's subparsers; the handlers are set as ``func``."""
    fmt = formatter_class or argparse.RawDescriptionHelpFormatter

    d = subparsers.add_parser(
        "decision", help="record HR's decision on an application (proceed, pre-adverse, final adverse, withdrawn)",
        description="HR's decisions per application, append-only and sealed in the audit trail.\n" + EXIT_CODES,
        formatter_class=fmt)
    dv = d.add_subparsers(dest="action", required=True, metavar="ACTION")
    rec = dv.add_parser(
        "record", help="record a decision", formatter_class=fmt,
        description="Record HR's decision on APPLICATION with the reason and who decides. Its notice is due the\n"
                    "configured working days later (notices.result_due_working_days, 3) on the candidate's\n"
                    "jurisdiction's calendar. A pre-adverse decision rests on findings (default: the candidate's\n"
                    "open red and yellow ones); a final adverse one needs the pre-adverse notice delivered and its\n"
                    "waiting period over.\n" + EXIT_CODES)
    rec.add_argument("application", metavar="APPLICATION", help='the application id, e.g. "greenhouse:app-4829103"')
    rec.add_argument("--decision", required=True, choices=DECISIONS, help="what HR decides")
    rec.add_argument("--reason", required=True, help="why (it is in the letter the candidate reads)")
    rec.add_argument("--by", required=True, metavar="NAME", help="who decides")
    rec.add_argument("--finding", action="append", metavar="ID", dest="findings",
                     help="a finding the decision rests on (repeat; default: see above)")
    rec.set_defaults(func=cmd_decision_record)
    ls = dv.add_parser("list", help="the decisions of a candidate or an application, with letters and deliveries",
                       formatter_class=fmt, description="Print the decisions, oldest first.\n" + EXIT_CODES)
    ls.add_argument("--candidate", metavar="ID", help="the candidate's decisions")
    ls.add_argument("--application", metavar="ID", help="the application's decisions")
    ls.set_defaults(func=cmd_decision_list)

    n = subparsers.add_parser(
        "notice", help="write a decision's letter to the candidate, deliver it, list overdue notices",
        description="Notice letters to candidates (en, zh-CN) and their delivery.\n" + EXIT_CODES, formatter_class=fmt)
    nv = n.add_subparsers(dest="action", required=True, metavar="ACTION")
    w = nv.add_parser("write", help="write the letter of a decision", formatter_class=fmt,
                      description="Write the letter of DECISION (an id, or its unique start) in the candidate's "
                                  "language,\nmode 600 under <data_dir>/notices/, and print its notice id and "
                                  "path.\n" + EXIT_CODES)
    w.add_argument("decision", metavar="DECISION", help="the decision id (or a unique start of it, 6+ characters)")
    w.add_argument("--by", required=True, metavar="NAME", help="who writes it")
    w.add_argument("--locale", choices=("en", "zh_CN"), help="the letter's language (default: the candidate's)")
    w.set_defaults(func=cmd_notice_write)
    dl = nv.add_parser("deliver", help="e-mail a letter, or record it was handed over", formatter_class=fmt,
                       description="Deliver NOTICE: by e-mail through the SMTP connection (notices.smtp_conn_id, "
                                   "smtp_default) to --to\nor the candidate's addresses from the ATS, or record that "
                                   "it was handed over (--method handed_over).\n" + EXIT_CODES)
    dl.add_argument("notice", metavar="NOTICE", help="the notice id (or a unique start of it, 6+ characters)")
    dl.add_argument("--method", required=True, choices=METHODS,
                    help="email: through the SMTP connection; handed_over: HR handed it to the candidate")
    dl.add_argument("--by", required=True, metavar="NAME", help="who delivers it")
    dl.add_argument("--to", action="append", metavar="ADDRESS", help="an e-mail address (repeat)")
    dl.add_argument("--note", default="", help="how it was handed over")
    dl.set_defaults(func=cmd_notice_deliver)
    al = nv.add_parser("list", help="overdue and due notices and waiting periods, most urgent first",
                       formatter_class=fmt,
                       description="One line each: state (overdue, result_overdue, wait_over, due, result_due, "
                                   "waiting), the day,\nthe candidate, the application and the decision "
                                   "(result_*: checked, no decision yet).\nExit status 0 whatever is listed.")
    al.add_argument("--date", metavar="YYYY-MM-DD", help="the day to compare with (default: today, UTC)")
    al.set_defaults(func=cmd_notice_list)


def _refused(what: str, exc: BaseException) -> int:
    print(f"crosscheck: {what}: {exc.args[0] if exc.args else exc}", file=sys.stderr)
    return 1


def cmd_decision_record(args: argparse.Namespace) -> int:
    from include.notices import DecisionRefused, record_decision

    config = checked_config()
    wh = open_warehouse()
    try:
        made = record_decision(wh, args.application, args.decision, args.reason, args.by, config,
                               finding_ids=args.findings)
    except (KeyError, DecisionRefused) as exc:
        return _refused("decision record", exc)
    finally:
        wh.close()
    print(f"decision {made.decision_id} ({made.decision}) recorded by {made.decided_by}; its notice is due on "
          f"{made.notice_due_on} ({made.jurisdiction or 'no jurisdiction: Mon-Fri'})")
    return 0


def cmd_decision_list(args: argparse.Namespace) -> int:
    from include.notices import decisions_of, deliveries_of, letters_of

    if not args.candidate and not args.application:
        raise UsageError("decision list: give --candidate ID or --application ID")
    wh = open_warehouse(migrate=False)
    try:
        for d in decisions_of(wh, candidate_id=args.candidate, application_id=args.application):
            print(f"{d.decided_at[:16]}  {d.decision_id[:12]}  {d.decision:<13} {d.application_id}  by "
                  f"{d.decided_by}; due {d.notice_due_on}; findings {len(d.finding_ids or [])}")
            for x in letters_of(wh, d.decision_id):
                print(f"    letter {x.notice_id[:12]} ({x.locale}) written {x.written_at[:16]} {x.path}")
            for r in deliveries_of(wh, d.decision_id):
                wait = f"; waiting until {r['wait_until']}" if r.get("wait_until") else ""
                print(f"    delivered {r['delivered_at'][:16]} by {r['delivered_by']} ({r['method']}){wait}")
    finally:
        wh.close()
    return 0


def cmd_notice_write(args: argparse.Namespace) -> int:
    from include.notices import DecisionRefused, write_notice

    private_umask()
    config = checked_config()
    wh = open_warehouse()
    try:
        letter = write_notice(wh, args.decision, config, args.by, locale=args.locale)
    except (KeyError, DecisionRefused) as exc:
        return _refused("notice write", exc)
    finally:
        wh.close()
    print(f"notice {letter.notice_id} ({letter.locale}) written: {letter.path} (readable by you only)")
    return 0


def cmd_notice_deliver(args: argparse.Namespace) -> int:
    from include.notices import DecisionRefused, DeliveryFailed, deliver_notice

    if args.method == "handed_over" and args.to:
        raise UsageError("notice deliver: --to is for --method email")
    config = checked_config()
    wh = open_warehouse()
    try:
        done = deliver_notice(wh, args.notice, config, args.method, args.by, to=args.to, note=args.note)
    except (KeyError, DecisionRefused, DeliveryFailed) as exc:
        return _refused("notice deliver", exc)
    finally:
        wh.close()
    how = (f"e-mailed to {done.detail['recipients']} address(es) through {done.detail['conn_id']}"
           if done.method == "email" else "handed over")
    wait = f"; waiting period until {done.wait_until}" if done.wait_until else ""
    print(f"notice {done.notice_id[:12]} {how}, recorded as delivery {done.delivery_id[:12]}{wait}")
    return 0


def cmd_notice_list(args: argparse.Namespace) -> int:
    from include.notices import attention

    day = parse_day(args.date) if args.date else today_utc()
    config = checked_config()
    wh = open_warehouse(migrate=False)
    try:
        items = attention(wh, day, config)
    finally:
        wh.close()
    if not items:
        print(f"no notice overdue or due and no waiting period on {day}")
    for a in items:
        print(f"{a.state:<14} {a.due_on}  {a.candidate_id}  {a.application_id}  {a.decision or '-':<13} "
              f"{a.decision_id[:12] or '-'}")
    return 0
