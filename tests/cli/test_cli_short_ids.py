"""``findings clear`` takes a shortened finding id, as HR copies it from the page, when only one finding
starts so; ``runs show`` takes a shortened run id the same way (see test_cli_runs)."""

from __future__ import annotations

import pytest

from tests.cli.cli_helpers import assert_refused, cli_env, crosscheck, new_warehouse


@pytest.fixture
def seeded(tmp_path):
    from tests.report.report_seed import seed, warehouse

    wh = warehouse(str(tmp_path / "warehouse.duckdb"))
    seed(wh)
    wh.close()
    return tmp_path, cli_env(tmp_path)


def _status(tmp_path, finding_id: str) -> str:
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    try:
        return str(wh.query("SELECT status FROM discrepancies WHERE finding_id = ?", [finding_id])[0]["status"])
    finally:
        wh.close()


def test_a_unique_start_of_a_finding_id_clears_that_finding(seeded):
    tmp_path, env = seeded
    res = crosscheck("findings", "clear", "f-ana-r", "--reason", "Registered under its former name",
                     "--by", "Hana Reviewer", env=env, cwd=tmp_path)
    assert res.rc == 0, res.err
    assert "finding f-ana-reg cleared by Hana Reviewer" in res.out
    assert _status(tmp_path, "f-ana-reg") == "cleared"


@pytest.mark.parametrize("ref,needle", [
    ("f-ana-", "finding id 'f-ana-' is ambiguous"),  # f-ana-reg, f-ana-gap...
    ("f-an", "a shortened id needs at least 6 characters"),
    ("f-an%", "a shortened id needs at least 6 characters"),
    ("f-_na-reg", "no finding with id 'f-_na-reg'"),  # LIKE's wildcards are taken literally
])
def test_an_ambiguous_or_too_short_id_is_refused_and_changes_nothing(seeded, ref, needle):
    tmp_path, env = seeded
    res = crosscheck("findings", "clear", ref, "--reason", "r", "--by", "Hana", env=env, cwd=tmp_path)
    assert_refused(res, needle, rc=1)
    assert _status(tmp_path, "f-ana-reg") == "open" and _status(tmp_path, "f-ana-gap") == "open"


def test_findings_reopen_takes_a_clearance_back(seeded):
    tmp_path, env = seeded
    assert crosscheck("findings", "clear", "f-ana-reg", "--reason", "Certificate seen", "--by", "Hana",
                      env=env, cwd=tmp_path).rc == 0
    res = crosscheck("findings", "reopen", "f-ana-r", "--by", "Lee", env=env, cwd=tmp_path)
    assert res.rc == 0, res.err
    assert res.out.strip() == "finding f-ana-reg reopened by Lee" and _status(tmp_path, "f-ana-reg") == "open"
    wh = new_warehouse(tmp_path / "warehouse.duckdb")
    try:
        assert wh.query("SELECT reopened_by FROM finding_clearances WHERE finding_id = 'f-ana-reg'") == [
            {"reopened_by": "Lee"}]
    finally:
        wh.close()
    html = (tmp_path / "data" / "reports" / "report-2026-11-21-en.html").read_text(encoding="utf-8")
    assert "Certificate seen" not in html  # rendered again, open
    assert_refused(crosscheck("findings", "reopen", "f-ana-reg", "--by", "Lee", env=env, cwd=tmp_path),
                   "finding f-ana-reg is open: there is no clearance to take back", rc=1)
    assert_refused(crosscheck("findings", "reopen", "f-ana-reg", "--by", " ", env=env, cwd=tmp_path),
                   "--by must not be empty")
