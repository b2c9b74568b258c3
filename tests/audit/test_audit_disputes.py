"""Disputes in the audit trail, through the installed ``crosscheck``: recording a dispute and its outcome
are sealed and signed (``audit verify --require-anchor`` passes after each), and an edit, an insert or a
delete in ``finding_disputes`` or ``dispute_steps`` makes ``audit verify`` exit 1 naming the table and key.
The command's refusals: exit 2 for bad input before the warehouse is touched, 1 for a refused action."""

from __future__ import annotations

import json

import pytest

from tests.audit.test_audit_coverage import ANA, World, broken


@pytest.fixture
def disputed(tmp_path, monkeypatch):
    """A sealed, signed run with Ana's red finding, disputed and re-read, then upheld: every table has rows."""
    w = World(tmp_path, monkeypatch)
    w.run()
    fid = w.red.finding_id
    res = w.cli("dispute", "record", fid[:8], "--statement", "Ich war dort angestellt; 我在那里工作过.",
                "--received", "2026-11-20", "--by", "hr@example.com")
    assert res.rc == 0, res.err
    assert f"finding {fid} disputed" in res.out and "due 2026-12-20" in res.out
    assert w.verify("--require-anchor").rc == 0
    listed = w.cli("dispute", "list")
    assert listed.rc == 0 and fid in listed.out and "awaiting the next run's re-read" in listed.out
    from include.disputes import record_rereads, reread_plan
    wh = w.open()
    try:
        plan = reread_plan(wh)
    finally:
        wh.close()
    rid = w.run()  # the next run re-checks Ana (same evidence) and is sealed
    wh = w.open()
    try:
        assert wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [fid])[0]["status"] == "disputed"
        assert record_rereads(wh, rid, plan, {ANA}) == 1
        from include.audit.coverage import seal
        seal(wh, "run-steps", rid, "test")  # in the pipeline the run's seal takes the step in
    finally:
        wh.close()
    res = w.cli("dispute", "outcome", fid, "--outcome", "upheld", "--reason", "no record of employment",
                "--by", "lead@example.com")
    assert res.rc == 0, res.err
    assert "upheld" in res.out and "the finding is open" in res.out
    assert w.verify("--require-anchor").rc == 0
    w.fid = fid
    return w


def test_every_step_is_listed_and_in_the_json(disputed):
    res = disputed.cli("dispute", "list", "--all", "--json")
    assert res.rc == 0, res.err
    (d,) = json.loads(res.out)
    assert d["statement"] == "Ich war dort angestellt; 我在那里工作过."
    assert (d["received_on"], d["due_on"], d["recorded_by"]) == ("2026-11-20", "2026-12-20", "hr@example.com")
    assert [s["evidence"] for s in d["rereads"]] == ["same"]
    assert (d["outcome"]["outcome"], d["outcome"]["actor"], d["state"]) == ("upheld", "lead@example.com", "closed")
    assert disputed.cli("dispute", "list").out.strip() == "no disputes awaiting an outcome"


def test_the_candidates_export_and_dispute_file_hold_every_step(disputed, tmp_path):
    out = tmp_path / "export" / "ana.json"
    out.parent.mkdir(mode=0o700)
    res = disputed.cli("candidate", "export", ANA, "--out", str(out))
    assert res.rc == 0, res.err
    export = json.loads(out.read_text(encoding="utf-8"))
    (d,) = export["disputes"]
    assert d["statement"] == "Ich war dort angestellt; 我在那里工作过."
    assert [r["evidence"] for r in d["rereads"]] == ["same"] and d["outcome"]["outcome"] == "upheld"
    html = out.with_suffix(".html").read_text(encoding="utf-8")
    assert "You disputed this finding (received" in html and "Outcome: the finding stands." in html
    res = disputed.cli("candidate", "dossier", ANA, "--out", str(tmp_path / "dossiers"), "--locale", "en")
    assert res.rc == 0, res.err
    (jf,) = (tmp_path / "dossiers").glob("*.json")
    dossier = json.loads(jf.read_text(encoding="utf-8"))["dossier"]
    (f,) = [f for f in dossier["findings"] if f["finding_id"] == disputed.fid]
    (x,) = f["disputes"]
    assert (x["received_on"], x["due_on"], x["outcome"]["outcome"]) == ("2026-11-20", "2026-12-20", "upheld")
    assert [r["evidence"] for r in x["rereads"]] == ["same"]
    assert disputed.verify("--dossier", str(jf)).rc == 0
    assert "Ich war dort angestellt" in jf.with_suffix(".html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["edited", "inserted", "deleted"])
def test_a_tampered_dispute_is_named(disputed, change):
    """The change in both tables at once: each is named with its key."""
    expected = []
    wh = disputed.open()
    try:
        for table, key, column in (("finding_disputes", "dispute_id", "statement"),
                                   ("dispute_steps", "step_id", "reason")):
            row = wh.query(f"SELECT * FROM {table} ORDER BY {column} LIMIT 1")[0]
            name = row[key]
            if change == "edited":
                wh.execute(f"UPDATE {table} SET {column} = 'rewritten later' WHERE {key} = ?", [name])
            elif change == "inserted":
                name = f"{name}-forged"
                wh.upsert(table, [{**row, key: name}], [key])
            else:
                wh.execute(f"DELETE FROM {table} WHERE {key} = ?", [name])
            expected.append(f"audit trail BROKEN: {table} {name}: {change} since audit seal")
    finally:
        wh.close()
    broken(disputed.verify(), *expected)


def test_a_finding_marked_disputed_without_a_dispute_is_named(disputed):
    wh = disputed.open()
    try:
        wh.execute("UPDATE discrepancies SET status = 'disputed' WHERE finding_id = ?", [disputed.fid])
    finally:
        wh.close()
    broken(disputed.verify(), f"finding {disputed.fid} is marked disputed, but no dispute awaiting an outcome")


def test_refusals(disputed, tmp_path):
    fid = disputed.fid
    bad_day = disputed.cli("dispute", "record", fid, "--statement", "x", "--received", "2999-01-01", "--by", "hr")
    assert bad_day.rc == 2 and "--received 2999-01-01 is after today" in bad_day.err
    assert disputed.cli("dispute", "record", fid, "--statement", " ", "--received", "2026-11-20",
                        "--by", "hr").rc == 2
    none = disputed.cli("dispute", "outcome", "f-greenhouse:4829555-9", "--outcome", "upheld", "--reason", "r",
                        "--by", "hr")
    assert none.rc == 1 and "no finding" in none.err
    bad_outcome = disputed.cli("dispute", "outcome", fid, "--outcome", "dismissed", "--reason", "r", "--by", "hr")
    assert bad_outcome.rc == 2 and "invalid choice" in bad_outcome.err
    statement = tmp_path / "letter.txt"
    statement.write_text("Second letter: the contract is attached.\n", encoding="utf-8")
    again = disputed.cli("dispute", "record", fid, "--statement-file", str(statement), "--received", "2026-11-21",
                         "--by", "hr")
    assert again.rc == 0, again.err
    twice = disputed.cli("dispute", "record", fid, "--statement", "x", "--received", "2026-11-21", "--by", "hr")
    assert twice.rc == 1 and "already disputed" in twice.err
    cleared = disputed.cli("findings", "clear", fid, "--reason", "r", "--by", "hr")
    assert cleared.rc == 1 and "disputed" in cleared.err
    assert disputed.verify("--require-anchor").rc == 0


def test_erasure_removes_the_disputes_and_the_trail_still_verifies(disputed):
    res = disputed.cli("candidate", "erase", ANA, "--by", "dpo@example.com")
    assert res.rc == 0, res.err
    tables = json.loads(res.out)["tables"]
    assert tables["finding_disputes"] == 1 and tables["dispute_steps"] == 2
    wh = disputed.open()
    try:
        assert wh.query("SELECT COUNT(*) AS n FROM finding_disputes")[0]["n"] == 0
        assert wh.query("SELECT COUNT(*) AS n FROM dispute_steps")[0]["n"] == 0
    finally:
        wh.close()
    assert disputed.verify("--require-anchor").rc == 0
