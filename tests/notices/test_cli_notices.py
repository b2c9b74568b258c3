"""``crosscheck decision`` and ``crosscheck notice`` (the installed executable): the HR page's actions from
the command line, their exit codes (0 done, 1 refused, 2 usage) and one line each."""

from __future__ import annotations

import re
import stat
from pathlib import Path

from tests.cli.cli_helpers import cli_env, crosscheck, new_warehouse
from tests.notices.notice_helpers import app_of, populate

ANA = "greenhouse:101"


def test_record_write_deliver_and_list(tmp_path: Path) -> None:
    env = cli_env(tmp_path)
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    try:
        populate(wh)
    finally:
        wh.close()

    def run(*args: str):
        return crosscheck(*args, env=env, cwd=tmp_path)

    res = run("decision", "record", app_of(ANA), "--decision", "pre_adverse", "--reason", "employer not confirmed",
              "--by", "Hana HR")
    assert res.rc == 0, res.err
    decision_id = re.search(r"decision ([0-9a-f]{32}) \(pre_adverse\)", res.out).group(1)
    assert "its notice is due on" in res.out and "US-CA" in res.out

    refused = run("decision", "record", app_of(ANA), "--decision", "final_adverse", "--reason", "x", "--by", "Hana")
    assert refused.rc == 1 and "has not been delivered" in refused.err and "Traceback" not in refused.err
    usage = run("decision", "record", app_of(ANA), "--decision", "nope", "--reason", "x", "--by", "Hana")
    assert usage.rc == 2

    res = run("notice", "write", decision_id[:10], "--by", "Hana HR")  # a unique start of the id will do
    assert res.rc == 0, res.err
    notice_id, path = re.search(r"notice ([0-9a-f]{32}) \(en\) written: (\S+)", res.out).groups()
    assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600

    listed = run("notice", "list", "--date", "2099-01-01")
    assert listed.rc == 0 and listed.out.startswith("overdue") and decision_id[:12] in listed.out

    bad = run("notice", "deliver", notice_id, "--method", "handed_over", "--to", "a@b.example", "--by", "Hana")
    assert bad.rc == 2 and "--to is for --method email" in bad.err
    res = run("notice", "deliver", notice_id, "--method", "handed_over", "--note", "in person", "--by", "Hana HR")
    assert res.rc == 0 and "handed over" in res.out and "waiting period until" in res.out, res.err

    history = run("decision", "list", "--candidate", ANA)
    assert history.rc == 0 and "pre_adverse" in history.out and "delivered" in history.out
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    try:  # each step sealed once; the refusals sealed nothing
        assert [r["kind"] for r in wh.query("SELECT kind FROM audit_seals ORDER BY seq")] == [
            "decision", "notice", "delivery"]
    finally:
        wh.close()

def test_the_cli_choices_are_the_notices_own():
    """The CLI writes the decisions and delivery methods out (to stay light); they must be the package's."""
    from include import cli_notices, notices

    assert cli_notices.DECISIONS == notices.DECISIONS and cli_notices.METHODS == notices.METHODS
