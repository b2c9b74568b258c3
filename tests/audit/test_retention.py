"""The retention policy: candidates whose data is older than ``retention.candidate_days`` are erased."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.http import Payload
from include.audit import retention
from include.audit.chain import verify
from include.audit.retention import RetentionError, expired_candidates, parse_time, purge_expired
from include.audit.subject import erase_candidate, erased_among, is_erased
from include.config import Config
from include.findings import findings_digest, upsert_findings
from include.landing import Lander
from tests.audit.audit_helpers import finding, seal

NOW = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)  # cutoff at 365 days: 2025-11-21T06:00Z
OLD, REVIVED, RECENT, UNDATED = "greenhouse:100001", "greenhouse:100002", "lever:abcd-0003", "greenhouse:100004"
OLD_EMAIL, RECENT_EMAIL = "old.applicant@example.net", "recent.applicant@example.org"
GH = "https://harvest.greenhouse.io/v3"


def _config(data: Path, days: int = 365) -> Config:
    return Config.model_validate({"hiring_company": {"name": "Example Robotics Ltd"}, "data_dir": str(data),
                                  "retention": {"candidate_days": days}})


def _candidate(cid: str, updated_at: str | None, email: str | None = None) -> dict:
    source, sid = cid.split(":", 1)
    return {"candidate_id": cid, "source": source, "source_id": sid, "first_name": "A", "last_name": sid,
            "emails": [email] if email else [], "phones": [], "consent_given": True,
            "consent": {"given": True, "source_field": "custom_field:background_check_consent", "value": "true",
                        "read_at": "2024-05-01T06:00:00+00:00"},
            "updated_at": updated_at, "run_id": "run-1"}


def _build(wh, data: Path) -> None:
    wh.upsert("candidates", [
        _candidate(OLD, "2024-05-01T10:00:00Z", OLD_EMAIL),
        _candidate(REVIVED, "2024-01-01T10:00:00Z"),
        _candidate(RECENT, "2026-10-01T10:00:00.123Z", RECENT_EMAIL),
        _candidate(UNDATED, None),
    ], ["candidate_id"])
    wh.upsert("applications", [
        {"application_id": "greenhouse:900001", "candidate_id": OLD, "applied_at": "2024-04-01T09:00:00Z",
         "updated_at": "2024-06-01T09:00:00Z", "run_id": "run-1"},
        # an old candidate row, but the application moved on recently: not expired
        {"application_id": "greenhouse:900002", "candidate_id": REVIVED, "applied_at": "2024-01-01T09:00:00Z",
         "updated_at": "2026-03-01T09:00:00+00:00", "run_id": "run-1"},
        {"application_id": "greenhouse:900004", "candidate_id": UNDATED, "applied_at": "not a date",
         "updated_at": None, "run_id": "run-1"},
    ], ["application_id"])
    lander = Lander(data / "landing", "greenhouse", "2024-06-01", "run-1")
    page = [{"id": 100001, "email_addresses": [{"value": OLD_EMAIL}]},
            {"id": 100002, "email_addresses": [{"value": "someone.else@example.com"}]}]
    lander(Payload(source="greenhouse", url=f"{GH}/candidates", status=200, body=json.dumps(page).encode(),
                   fetched_at=1700000000.0))
    files = lander.close()
    wh.upsert("landed_payloads", [{"run_id": "run-1", "source": "greenhouse", "path": f.path, "sha256": f.sha256,
                                   "records": f.records, "bytes": f.bytes} for f in files], ["run_id", "path"])
    found = [finding(OLD, 1), finding(RECENT, 1)]
    upsert_findings(wh, found, "run-1", {OLD, RECENT})
    seal(wh, "run-1", findings_digest(found))
    batch = data / "runs" / "run-1" / "findings" / "batch-0000.jsonl"
    batch.parent.mkdir(parents=True)
    batch.write_text("".join(f.model_dump_json() + "\n" for f in found), encoding="utf-8")
    (data / "reports").mkdir()
    (data / "reports" / "report-2024-06-01-en.csv").write_text(f"candidate_id\n{OLD}\n{RECENT}\n", encoding="utf-8")


def _all_text(wh, data: Path) -> str:
    return _wh_text(wh) + "\n" + _files_text(data)


def _wh_text(wh) -> str:
    parts = []
    for t in wh.tables():
        for c in wh.columns(t):
            parts += [str(r["v"]) for r in wh.query(f'SELECT CAST("{c}" AS TEXT) AS v FROM "{t}"')]
    return "\n".join(parts).lower()


def _files_text(data: Path) -> str:
    parts = []
    for p in sorted(data.rglob("*")):
        if p.is_file():
            raw = p.read_bytes()
            parts.append((gzip.decompress(raw) if p.name.endswith(".gz") else raw).decode("utf-8", "replace"))
    return "\n".join(parts).lower()


def test_parse_time_reads_what_sources_write():
    assert parse_time("2024-05-01T10:00:00Z") == datetime(2024, 5, 1, 10, tzinfo=UTC)
    assert parse_time("2026-10-01T10:00:00.123Z").microsecond == 123000
    assert parse_time("2024-05-01") == datetime(2024, 5, 1, tzinfo=UTC)
    assert parse_time("not a date") is None and parse_time(None) is None and parse_time("") is None


def test_purge_erases_only_expired_candidates_everywhere(warehouse, tmp_path):
    data = tmp_path / "data"
    _build(warehouse, data)
    assert expired_candidates(warehouse, 365, NOW) == ([OLD], [UNDATED])
    assert OLD_EMAIL in _all_text(warehouse, data)

    counts = purge_expired(warehouse, _config(data), NOW)

    assert counts["candidates"] == 4 and counts["expired"] == 1 and counts["erased"] == 1
    assert counts["undated"] == 1 and counts["failed"] == 0 and counts["residual"] == 0
    assert counts["cutoff"] == "2025-11-21T06:00:00+00:00"
    assert counts["rows"]["candidates"] == 1 and counts["rows"]["applications"] == 1
    assert counts["rows"]["discrepancies"] == 1 and counts["findings"] == 1
    assert counts["files_rewritten"] == 2 and counts["files_deleted"] == 1  # landing + findings; a report
    left = {r["candidate_id"] for r in warehouse.query("SELECT candidate_id FROM candidates")}
    assert left == {REVIVED, RECENT, UNDATED}
    text = _all_text(warehouse, data)
    assert OLD_EMAIL not in text and "100001" not in _files_text(data)  # the chain keeps finding ids only
    assert RECENT_EMAIL in text and "someone.else@example.com" in text
    assert verify(warehouse).ok
    tomb = warehouse.query("SELECT erased_by FROM erasures")
    assert tomb == [{"erased_by": "retention"}]
    # expiry is not a request to be forgotten: a new application may be ingested again
    assert not is_erased(warehouse, OLD) and is_erased(warehouse, OLD, any_reason=True)
    assert erased_among(warehouse, [OLD, RECENT, "nobody"]) == set()  # the bulk check agrees
    # the same day again: nothing more to do
    again = purge_expired(warehouse, _config(data), NOW)
    assert again["expired"] == 0 and again["erased"] == 0 and again["candidates"] == 3


def test_retention_never_downgrades_an_erasure_on_request(warehouse, tmp_path):
    data = tmp_path / "data"
    _build(warehouse, data)
    erase_candidate(warehouse, OLD, data / "landing", by="dpo@example.com", data_root=data)
    assert is_erased(warehouse, OLD)
    warehouse.upsert("candidates", [_candidate(OLD, "2024-05-01T10:00:00Z")], ["candidate_id"])  # slipped back
    counts = purge_expired(warehouse, _config(data), NOW)
    assert counts["erased"] == 1
    assert warehouse.query("SELECT erased_by FROM erasures") == [{"erased_by": "dpo@example.com"}]
    assert is_erased(warehouse, OLD)  # still blocks re-ingestion
    # the bulk check ingestion uses agrees with the one-by-one check, in batches of any size
    ids = [OLD, REVIVED, RECENT, UNDATED, "nobody"]
    assert {c for c in ids if is_erased(warehouse, c)} == {OLD}
    assert erased_among(warehouse, ids) == erased_among(warehouse, ids, batch=1) == {OLD}


def test_a_failing_erasure_fails_the_purge_after_the_others(warehouse, tmp_path, monkeypatch):
    data = tmp_path / "data"
    _build(warehouse, data)
    real = retention.erase_candidate

    def flaky(wh, cid, *args, **kwargs):
        if cid == REVIVED:
            raise OSError("disk full")
        return real(wh, cid, *args, **kwargs)

    monkeypatch.setattr(retention, "erase_candidate", flaky)
    with pytest.raises(RetentionError) as err:
        purge_expired(warehouse, _config(data, days=1), NOW)  # everyone dated has expired
    counts = err.value.counts
    assert counts["expired"] == 3 and counts["erased"] == 2 and counts["failed"] == 1
    assert counts["errors"] == ["OSError"] and "disk full" not in str(err.value)
    left = {r["candidate_id"] for r in warehouse.query("SELECT candidate_id FROM candidates")}
    assert left == {REVIVED, UNDATED}
    assert verify(warehouse).ok
