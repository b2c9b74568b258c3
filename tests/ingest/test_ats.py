"""ATS payloads -> canonical records: ids, dates, LinkedIn exports, quarantine, watermarks and the consent gate."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlsplit

import pytest

from connectors.greenhouse import GreenhouseClient
from connectors.lever import LeverClient
from include.ingest.ats import fetch_greenhouse, fetch_lever
from include.ingest.ats_common import advance
from sandbox.server import Sandbox
from sandbox.world import World
from tests.connectors.ats_world import candidate, greenhouse_client, lever_client, log_of, world
from tests.connectors.recorded.replay import Answer, recorded, session_with

UNTIL = "2026-11-22T00:00:00Z"
UNTIL_MS = 1795305600000  # 2026-11-22T00:00:00Z
READ_AT = "2026-11-21T23:59:00Z"
GH_NO_CONSENT = {"4829100", "4829103"}  # i % 3 == 0
LV_NO_CONSENT = {0, 3}


def _cands(ats: str) -> list[dict]:
    out = [candidate(ats, i, consent=i % 3 != 0) for i in range(5)]
    out[4]["consent"] = None  # the field was never set: no consent
    return out


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(World(world(_cands("greenhouse") + _cands("lever")))) as sb:
        yield sb


@pytest.fixture(autouse=True)
def _reset(sandbox):
    sandbox.faults = {}
    sandbox.requests_log.clear()


def _gh(sandbox, **kw):
    return fetch_greenhouse(greenhouse_client(sandbox, per_page=2), since=kw.get("since"), until=UNTIL,
                            consent_field="background_check_consent", read_at=READ_AT)


def test_greenhouse_batch_has_canonical_records(sandbox):
    batch = _gh(sandbox)
    assert batch.quarantined == []
    assert sorted(c.candidate_id for c in batch.candidates) == [f"greenhouse:{4829100 + i}" for i in range(5)]
    assert {a.application_id for a in batch.applications} == {f"greenhouse:{7729100 + i}" for i in range(5)}
    assert [j.job_id for j in batch.jobs] == ["greenhouse:4001"]
    ana = next(c for c in batch.candidates if c.source_id == "4829101")
    assert ana.consent.model_dump() == {"given": True, "source_field": "custom_field:background_check_consent",
                                        "value": "true", "read_at": READ_AT}
    assert (ana.orcid, ana.github_login) == ("0000-0002-1825-0097", "asilva1")
    assert ana.linkedin_export_url == f"{sandbox.url}/greenhouse/files/482910199/Positions.csv"
    jobs = sorted((e.employer, e.start_raw, e.end_raw) for e in batch.resume_jobs if e.candidate_id == ana.candidate_id)
    assert jobs == [("Acme Automation Inc", "2016-01", "2018-12"), ("Halcyon Software Ltd", "2019-03", None)]
    assert all(e.source == "greenhouse" and e.employment_id.startswith("greenhouse:") for e in batch.resume_jobs)
    edu = next(e for e in batch.educations if e.candidate_id == ana.candidate_id)
    assert (edu.school, edu.degree, edu.start_raw, edu.end_raw) == ("University of Leeds", "MSc in Computer Science",
                                                                     "2015-09", "2016")
    li = sorted((e.employer, e.start_raw, e.end_raw) for e in batch.linkedin_jobs if e.candidate_id == ana.candidate_id)
    assert li == [("Acme Automation", "2016", "2018-12"), ("Halcyon Software", "2019-03", None)]
    assert all(e.source == "linkedin" for e in batch.linkedin_jobs)
    assert batch.new_watermark == UNTIL
    assert batch.records_read["candidates"] == 5 and batch.records_read["candidate_employments"] == 4


def test_greenhouse_consent_gate_requests_nothing_for_non_consenting_candidates(sandbox):
    batch = _gh(sandbox)
    refused = {c.source_id for c in batch.candidates if not c.consent.given}
    assert refused == GH_NO_CONSENT | {"4829104"}
    unset = next(c for c in batch.candidates if c.source_id == "4829104")
    assert unset.consent.given is False and unset.consent.value is None and unset.consent.read_at == READ_AT
    assert {a.candidate_id for a in batch.applications} >= {f"greenhouse:{s}" for s in refused}  # applications kept
    held = {e.candidate_id for e in batch.resume_jobs + batch.linkedin_jobs} | {e.candidate_id for e in batch.educations}
    assert held.isdisjoint({f"greenhouse:{s}" for s in refused})
    asked: set[str] = set()
    for _, path in log_of(sandbox, "greenhouse"):
        parts = urlsplit(path)
        if parts.path.endswith(("/candidate_employments", "/candidate_educations", "/attachments")):
            ids = _query(parts.query).get("candidate_ids")
            assert ids, f"{parts.path} without a candidate filter"
            asked |= set(ids[0].split(","))
        assert not any(parts.path.startswith(f"/files/{int(s) * 100 + 99}/") for s in refused)
    assert asked == {"4829101", "4829102"}
    assert len([p for _, p in log_of(sandbox, "greenhouse") if p.startswith("/files/")]) == 2


def _query(query: str) -> dict[str, list[str]]:
    """A follow-up carries only the sandbox's cursor, which encodes the original query."""
    q = parse_qs(query)
    if "cursor" in q:
        token = q["cursor"][0]
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))["q"]
    return q


def test_greenhouse_incremental_read_and_watermark(sandbox):
    batch = _gh(sandbox, since="2025-03-01T00:00:00Z")
    assert sorted(c.source_id for c in batch.candidates) == ["4829102", "4829103", "4829104"]
    assert batch.new_watermark == UNTIL
    assert advance("2026-12-01T00:00:00Z", UNTIL) == "2026-12-01T00:00:00Z"  # a backfill never rewinds


def test_lever_batch_and_consent_gate(sandbox):
    batch = fetch_lever(lever_client(sandbox, page_size=2), since_ms=None, until_ms=UNTIL_MS,
                        consent_tag="background-check-consent", read_at=READ_AT)
    assert batch.quarantined == []
    contact = {i: f"00000000-0000-4000-8000-{i:012d}" for i in range(5)}
    opp = {i: f"10000000-0000-4000-8000-{i:012d}" for i in range(5)}
    assert sorted(c.candidate_id for c in batch.candidates) == sorted(f"lever:{contact[i]}" for i in range(5))
    assert sorted(a.application_id for a in batch.applications) == sorted(f"lever:{opp[i]}" for i in range(5))
    assert {a.job_id for a in batch.applications} == {"lever:20000000-0000-4000-8000-000000000001"}
    assert [j.job_id for j in batch.jobs] == ["lever:20000000-0000-4000-8000-000000000001"]
    one = next(c for c in batch.candidates if c.source_id == contact[1])
    assert (one.first_name, one.last_name, one.consent.source_field) == ("Ana", "Silva1", "tag:background-check-consent")
    jobs = sorted((e.employer, e.start_raw, e.end_raw, e.employment_type)
                  for e in batch.resume_jobs if e.candidate_id == one.candidate_id)
    assert jobs == [("Acme Automation Inc", "2016", "2018-12", "part_time"),
                    ("Halcyon Software Ltd", "2019-03", None, "unknown")]
    assert len([e for e in batch.linkedin_jobs if e.candidate_id == one.candidate_id]) == 2
    assert one.linkedin_export_url and one.linkedin_export_url.endswith("/download")
    refused = {i for i in range(5) if not next(c for c in batch.candidates if c.source_id == contact[i]).consent.given}
    assert refused == LV_NO_CONSENT | {4}
    paths = [p for _, p in log_of(sandbox, "lever")]
    assert not any(opp[i] in p for i in refused for p in paths)  # no resume, file or download request
    assert sum(urlsplit(p).path.endswith("/resumes") for p in paths) == 2
    assert batch.new_watermark == str(UNTIL_MS)
    held = {e.candidate_id for e in [*batch.resume_jobs, *batch.linkedin_jobs, *batch.educations]}
    assert held == {f"lever:{contact[1]}", f"lever:{contact[2]}"}


def test_malformed_world_records_are_quarantined_and_the_batch_goes_on():
    bad_date = candidate("greenhouse", 1)
    bad_date["employments"][0]["start"] = "2019-13"
    no_company = candidate("greenhouse", 2, csv="Name,Title\nAcme,Dev\n")
    no_company["employments"][1]["company_name"] = None
    bad_ts = candidate("greenhouse", 3, updated_at="yesterday")
    lever_bad = candidate("lever", 1)
    lever_bad["employments"][0]["company_name"] = None
    with Sandbox(World(world([bad_date, no_company, bad_ts, candidate("greenhouse", 4), lever_bad]))) as sb:
        gh = fetch_greenhouse(greenhouse_client(sb), since=None, until=UNTIL, consent_field="background_check_consent")
        lv = fetch_lever(lever_client(sb), since_ms=None, until_ms=UNTIL_MS, consent_tag="background-check-consent")
    reasons = sorted((q["source"], q["dataset"], q["reason"][:28]) for q in gh.quarantined)
    assert reasons == [("greenhouse", "applications", "updated_at is not an ISO 860"),
                       ("greenhouse", "candidate_employments", "company_name is missing or n"),
                       ("greenhouse", "candidate_employments", "start_date is not an ISO 860"),
                       ("greenhouse", "candidates", "updated_at is not an ISO 860"),
                       ("linkedin", "linkedin_positions", "not a LinkedIn Positions.csv")]
    assert sorted(c.source_id for c in gh.candidates) == ["4829101", "4829102", "4829104"]
    assert len(gh.resume_jobs) == 4  # 6 read, 2 quarantined
    assert [(q["dataset"], q["reason"]) for q in lv.quarantined] == [("resume_positions",
                                                                       "org is missing or not text")]
    assert len(lv.resume_jobs) == 1
    assert not any("Silva" in q["reason"] or "Acme" in q["reason"] for q in gh.quarantined + lv.quarantined)


# ---- recorded answers, replayed through the real clients ------------------------------------------

def _gh_script() -> list[Answer]:
    r = lambda name: recorded("greenhouse", name)
    link = {"Link": '<https://harvest.greenhouse.io/v3/candidates?cursor=c2>; rel="next"'}
    link3 = {"Link": '<https://harvest.greenhouse.io/v3/candidates?cursor=c3>; rel="next"'}
    return [Answer(200, r("token.json")), Answer(200, r("custom_fields.json")), Answer(200, r("jobs.json")),
            Answer(200, r("candidates_page1.json"), link), Answer(200, r("candidates_page2.json"), link3),
            Answer(200, r("candidates_page3.json")), Answer(200, r("applications.json")),
            Answer(200, r("candidate_employments.json")), Answer(200, r("candidate_educations.json")),
            Answer(200, r("custom_field_options.json")), Answer(200, r("attachments.json")),
            Answer(200, r("Positions.csv"), content_type="binary/octet-stream")]


def test_recorded_greenhouse_run():
    session, replay = session_with(*_gh_script())
    client = GreenhouseClient(None, "client-id", "client-secret", session=session, rate_limit=None)
    batch = fetch_greenhouse(client, since="2026-11-20T00:00:00Z", until=UNTIL, consent_field="Background Check Consent",
                             read_at=READ_AT)
    assert sorted(c.source_id for c in batch.candidates) == ["90001", "90002", "90003", "90004"]
    omar = next(c for c in batch.candidates if c.source_id == "90003")
    assert omar.consent.given is False and omar.consent.value == "false"
    assert omar.consent.source_field == "custom_field:Background Check Consent"  # as configured, key resolved
    urls = [r.url for r in replay.requests]
    emp = parse_qs(urlsplit(next(u for u in urls if "/candidate_employments" in u)).query)
    assert emp["candidate_ids"] == ["90001,90002,90004"]  # 90003 (no consent) is never asked about
    opts = parse_qs(urlsplit(next(u for u in urls if "/custom_field_options" in u)).query)
    assert opts["ids"] == ["30100001,30199999,30200001,30300001"]
    assert replay.requests[-1].url.startswith("https://prod-heroku.s3.amazonaws.com/person_attachments/data/9101/")
    assert "Authorization" not in replay.requests[-1].headers  # pre-signed: the bearer token stays home
    assert [(q["dataset"], q["record_key"], q["reason"]) for q in batch.quarantined] == [
        ("candidates", "90005", "updated_at is not an ISO 8601 timestamp"),
        ("candidate_employments", "7003", "start_date is not an ISO 8601 date"),
        ("candidate_employments", "7004", "company_name is missing or not text"),
        ("candidate_educations", "8002", "school_name_custom_field_option_id does not resolve to a custom field option"),
    ]
    acme = next(e for e in batch.resume_jobs if e.employment_id == "greenhouse:7002")
    assert (acme.start_raw, acme.end_raw, acme.employment_type) == ("2016-07", "2019-01-15", "contract")
    ana = next(c for c in batch.candidates if c.source_id == "90001")
    assert ana.linkedin_export_url == "https://prod-heroku.s3.amazonaws.com/person_attachments/data/9101/Positions.csv"
    assert [e.employer for e in batch.linkedin_jobs] == ["Halcyon Software", "Acme Automation"]
    assert batch.linkedin_jobs[0].record_ref == "greenhouse:attachment:9101#line=2"
    assert [(a.application_id, a.job_id) for a in batch.applications][-1] == ("greenhouse:77004", None)
    json.dumps(batch.quarantined)  # quarantine rows are plain JSON


def test_recorded_lever_run():
    r = lambda name: recorded("lever", name)
    session, replay = session_with(
        Answer(200, r("postings.json")), *(Answer(200, r(f"opportunities_page{i}.json")) for i in (1, 2, 3)),
        Answer(200, r("resumes_o-1.json")), Answer(200, r("files_o-1.json")),
        Answer(200, r("Positions_o-1.csv"), content_type="text/csv"),
        Answer(200, {"data": []}), Answer(200, {"data": [], "hasNext": False}))
    client = LeverClient(None, "key", session=session, rate_limit=None)
    batch = fetch_lever(client, since_ms=1763596800000, until_ms=UNTIL_MS, consent_tag="background-check-consent")
    assert sorted(c.candidate_id for c in batch.candidates) == ["lever:c-1", "lever:c-2", "lever:c-3"]
    assert sorted(a.application_id for a in batch.applications) == ["lever:o-1", "lever:o-2", "lever:o-3", "lever:o-4"]
    paths = [urlsplit(r.url).path for r in replay.requests]
    assert "/v1/opportunities/o-3/resumes" not in paths and "/v1/opportunities/o-4/resumes" not in paths
    assert paths[-2:] == ["/v1/opportunities/o-2/resumes", "/v1/opportunities/o-2/files"]
    jobs = [(e.employer, e.start_raw, e.end_raw, e.employment_type) for e in batch.resume_jobs]
    assert jobs == [("Halcyon Software Ltd", "2019-03", None, "unknown"),
                    ("Acme Automation Inc", "2016", "2018-12", "part_time")]  # newest resume only
    assert [(q["dataset"], q["reason"]) for q in batch.quarantined] == [
        ("candidates", "updatedAt is missing or not epoch milliseconds"),
        ("applications", "updatedAt is missing or not epoch milliseconds"),
        ("resume_positions", "start.month is out of range"),
        ("resume_positions", "org is missing or not text")]
    li = batch.linkedin_jobs
    assert [(e.employer, e.start_raw) for e in li] == [("Halcyon Software", "2019-03"), ("Acme Automation", "2016")]
    assert batch.educations[0].degree == "MSc in Computer Science" and batch.educations[0].end_raw == "2016"
    archived = next(a for a in batch.applications if a.application_id == "lever:o-2")
    assert archived.status == "archived" and archived.job_id == "lever:p-1"


# ---- hooks: an Airflow connection in, a working client out ----------------------------------------

def test_hooks_build_clients_from_airflow_connections(sandbox, monkeypatch):
    from plugins.hooks.ats import ConnectionProblem, GreenhouseHook, LeverHook

    for conn_id, spec in sandbox.connections().items():
        if conn_id in ("greenhouse_default", "lever_default"):
            spec = {**spec, "extra": {**spec.get("extra", {}), "rate_limit": None}}
            monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(spec))
    gh = GreenhouseHook().get_client()
    assert gh.oauth.token_url == f"{sandbox.url}/greenhouse/auth/token" and gh.limiter is None
    assert _gh_ids(gh) == sorted(4829100 + i for i in range(5))
    lv = LeverHook().get_client()
    assert len(list(lv.opportunities())) == 5
    monkeypatch.setenv("AIRFLOW_CONN_LEVER_NOKEY", json.dumps({"conn_type": "http"}))
    with pytest.raises(ConnectionProblem, match="lever_nokey.*API key"):
        LeverHook("lever_nokey").get_client()
    with pytest.raises(ConnectionProblem, match="not defined"):
        GreenhouseHook("greenhouse_missing").get_client()


def _gh_ids(client: GreenhouseClient) -> list[int]:
    return [c["id"] for c in client.candidates()]


def test_hook_host_defaults_and_bare_host_names():
    from plugins.hooks.ats import base_url, rest_options

    assert base_url({"host": None}, "https://harvest.greenhouse.io") == "https://harvest.greenhouse.io"
    assert base_url({"host": "api.lever.co", "schema": "https"}, "x") == "https://api.lever.co"
    assert base_url({"host": "localhost", "schema": "http", "port": 8765}, "x") == "http://localhost:8765"
    assert rest_options({"rate_limit": {"calls": 5, "period": 2}, "timeout": 9}) == {"rate_limit": (5, 2.0),
                                                                                    "timeout": 9.0}
