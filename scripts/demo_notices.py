"""`make demo`'s candidate side: after the run, through the `crosscheck` CLI, HR's decisions, a notice and a
dispute, so that the report, the HR page and the README's pictures show them.

    .venv/bin/python scripts/demo_notices.py

Of the two candidates with the most open red findings (then by id): the first gets a pre-adverse decision,
its letter written and handed over (its waiting period runs), and then disputes one of those findings
(received today); the second gets a pre-adverse decision whose letter is not written yet (a notice due).
An overdue notice needs working days to pass, so a single demo run shows notices due, not overdue.
When the warehouse already holds a decision (the demo run again on the same day), nothing is recorded.
Exits 1 with one line when the warehouse holds no two candidates with open red findings, or a command
is refused (its own message says why).
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BY = "Demo HR"


def red_candidates(wh) -> list[dict[str, str]]:
    """The two candidates with the most open red findings (then by id), with an application and a finding."""
    return wh.query(
        "SELECT candidate_id, MIN(application_id) AS application_id, MIN(finding_id) AS finding_id, "
        "COUNT(*) AS n FROM discrepancies WHERE severity = 'red' AND status = 'open' "
        "AND application_id IS NOT NULL GROUP BY candidate_id ORDER BY n DESC, candidate_id LIMIT 2")


def crosscheck(*args: str) -> str:
    """One `crosscheck` command in this process; its standard output (also printed), or exit 1."""
    from include import cli

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = cli.main(list(args))
    print(out.getvalue(), end="")
    if code != 0:
        raise SystemExit(1)
    return out.getvalue()


def first_id(what: str, text: str) -> str:
    m = re.search(rf"{what} ([0-9a-f-]{{6,}})", text)
    if m is None:
        print(f"demo notices: no {what} id in: {text.strip()}", file=sys.stderr)
        raise SystemExit(1)
    return m.group(1)


def main() -> int:
    from include.cli_checks import open_warehouse

    wh = open_warehouse(migrate=False)
    try:
        earlier = wh.query("SELECT COUNT(*) AS n FROM notice_decisions")[0]["n"]
        picked = red_candidates(wh)
    finally:
        wh.close()
    if earlier:  # a demo run again on the same day's warehouse: its decisions and dispute are there
        print(f"Decisions, notices and disputes: {earlier} decision(s) already recorded by an earlier demo; left as they are")
        return 0
    if len(picked) < 2:
        print("demo notices: fewer than two candidates with open red findings in the warehouse", file=sys.stderr)
        return 1
    first, second = picked
    print(f"Decisions, a notice and a dispute for {first['candidate_id']} and {second['candidate_id']}:")
    made = crosscheck("decision", "record", first["application_id"], "--decision", "pre_adverse",
                      "--reason", "The employment history could not be confirmed", "--by", BY)
    letter = crosscheck("notice", "write", first_id("decision", made), "--by", BY)
    crosscheck("notice", "deliver", first_id("notice", letter), "--method", "handed_over", "--by", BY,
               "--note", "Handed over at the interview")
    crosscheck("decision", "record", second["application_id"], "--decision", "pre_adverse",
               "--reason", "The registry has no record of the employer", "--by", BY)
    # last: a dispute renders the latest report's files again, with the decisions and notices above
    crosscheck("dispute", "record", first["finding_id"], "--statement",
               "I worked there; my payslips from that time are attached.",
               "--received", datetime.now(UTC).date().isoformat(), "--by", BY)
    return 0


if __name__ == "__main__":
    sys.exit(main())
