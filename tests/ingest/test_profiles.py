"""Profiles and reviews become canonical records: ORCID dates as ISO partials, the GitHub company as a
dateless job, bad records quarantined with a reason, consent enforced, loud failures kept loud."""

from __future__ import annotations

import json

import pytest

from connectors.github import GithubClient
from connectors.http import MalformedResponse
from connectors.orcid import OrcidClient
from connectors.reviews import ReviewsClient
from include.ingest.profiles import (
    ConsentRequired,
    _FuzzyDate,
    fetch_profile_jobs,
    fetch_reviews,
    orcid_partial_date,
)
from include.models import Candidate, Consent
from sandbox import credentials
from sandbox.server import Sandbox
from sandbox.world import World

ANA, BAD_RECORDS = "0000-0002-1825-0097", "0000-0001-5109-3700"
WORLD = {
    "orcid": {
        ANA: {"given_names": "Ana", "family_name": "Silva", "employments": [
            {"put_code": 1, "organization": {"name": "Halcyon Software", "address": {"country": "GB"}},
             "department_name": None, "role_title": "Senior Software Engineer",
             "start_date": {"year": "2019", "month": "03", "day": None}, "end_date": None},
            {"put_code": 2, "organization": {"name": "University of Leeds", "address": {"country": "GB"}},
             "department_name": "Computing", "role_title": "Research Assistant",
             "start_date": {"year": "2016", "month": "09", "day": "01"},
             "end_date": {"year": "2018", "month": None, "day": None}}]},
        BAD_RECORDS: {"given_names": "Bo", "family_name": "Chen", "employments": [
            {"put_code": 10, "organization": {"name": "Good Corp"}, "role_title": None,
             "start_date": {"year": "2020", "month": None, "day": None}, "end_date": None},
            {"put_code": 11, "organization": {"name": "Bad Month Ltd"}, "role_title": "Dev",
             "start_date": {"year": "2020", "month": "13", "day": None}, "end_date": None},
            {"put_code": 12, "organization": {"name": ""}, "role_title": "Dev",
             "start_date": None, "end_date": None},
            {"put_code": 13, "organization": {"name": "Leap Day Inc"}, "role_title": "Dev",
             "start_date": {"year": "2019", "month": "02", "day": "29"}, "end_date": None}]},
    },
    "github": {
        "asilva": {"id": 1234, "login": "asilva", "name": "Ana Silva", "company": "@halcyon", "blog": "",
                   "location": "Leeds", "email": None, "bio": None, "created_at": "2015-04-01T10:00:00Z",
                   "updated_at": "2026-01-01T10:00:00Z", "public_repos": 12},
        "nocompany": {"id": 5, "login": "nocompany", "company": "  ", "created_at": "2020-01-01T00:00:00Z",
                      "updated_at": "2020-01-01T00:00:00Z"},
    },
    "reviews": [
        {"review_id": "ok1", "employer": "Example Robotics Ltd", "date": "2026-11-10", "rating": 2, "title": "Meh",
         "pros": "Pay", "cons": "Hours", "advice_to_management": "Listen", "job_title": "Engineer",
         "location": "Leeds", "employment_status": "current"},
        {"review_id": "ok2", "employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": 5},
        {"review_id": "hi", "employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": 6},
        {"review_id": "lo", "employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": 0},
        {"review_id": "half", "employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": 4.5},
        {"review_id": "bool", "employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": True},
        {"review_id": "month13", "employer": "Example Robotics Ltd", "date": "2026-13-01", "rating": 3},
        {"review_id": "feb30", "employer": "Example Robotics Ltd", "date": "2026-02-30", "rating": 3},
        {"review_id": "us-date", "employer": "Example Robotics Ltd", "date": "11/10/2026", "rating": 3},
        {"review_id": "norating", "employer": "Example Robotics Ltd", "date": "2026-06-01"},
        {"employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": 3},
        {"review_id": "status", "employer": "Example Robotics Ltd", "date": "2026-06-01", "rating": 3,
         "employment_status": "contractor"},
        {"review_id": "r-rival", "employer": "Rival Dynamics", "date": "2026-07-07", "rating": 1},
    ],
}


@pytest.fixture(scope="module")
def sandbox():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def clients(sandbox):
    sandbox.requests_log.clear()
    conns = sandbox.connections()
    noop = {"sleep": lambda s: None}
    return (OrcidClient(conns["orcid_default"]["host"], **noop),
            GithubClient(conns["github_default"]["host"], credentials.GITHUB_TOKEN, **noop))


def candidate(consent: bool = True, **kw) -> Candidate:
    return Candidate(candidate_id="greenhouse:4829103", source="greenhouse", source_id="4829103",
                     consent=Consent(given=consent, source_field="custom_field:background_check_consent",
                                     value=str(consent).lower(), read_at="2026-11-21T00:00:00Z"),
                     updated_at="2026-11-01T00:00:00Z", **kw)


# --- profile jobs -------------------------------------------------------------------------------

def test_orcid_and_github_jobs(clients, sandbox):
    jobs, bad = fetch_profile_jobs(candidate(orcid=ANA, github_login="asilva"), *clients)
    assert bad == []
    orcid = [j for j in jobs if j.source == "orcid"]
    assert [(j.employer, j.title, j.start_raw, j.end_raw) for j in orcid] == [
        ("Halcyon Software", "Senior Software Engineer", "2019-03", None),
        ("University of Leeds", "Research Assistant", "2016-09-01", "2018"),
    ]
    assert orcid[0].record_ref == f"{sandbox.url}/orcid/v3.0/{ANA}/employment/1"
    assert orcid[0].employment_id == f"orcid:{ANA}:1:greenhouse:4829103"
    (gh,) = [j for j in jobs if j.source == "github"]
    assert (gh.employer, gh.title, gh.start_raw, gh.end_raw) == ("halcyon", None, None, None)
    assert gh.record_ref == "https://github.com/asilva" and gh.candidate_id == "greenhouse:4829103"


def test_no_consent_no_lookup(clients, sandbox):
    with pytest.raises(ConsentRequired):
        fetch_profile_jobs(candidate(consent=False, orcid=ANA, github_login="asilva"), *clients)
    assert sandbox.requests_log == []


def test_bad_orcid_records_are_quarantined_and_the_rest_kept(clients):
    jobs, bad = fetch_profile_jobs(candidate(orcid=BAD_RECORDS), *clients)
    assert [(j.employer, j.start_raw) for j in jobs] == [("Good Corp", "2020")]
    reasons = {q["record_key"]: q["reason"] for q in bad}
    assert set(reasons) == {f"greenhouse:4829103:orcid:{n}" for n in (11, 12, 13)}
    assert "month" in reasons["greenhouse:4829103:orcid:11"]
    assert "organization.name" in reasons["greenhouse:4829103:orcid:12"]
    assert "out of range" in reasons["greenhouse:4829103:orcid:13"]
    assert all(q["source"] == "orcid" and q["dataset"] == "employments" and q["raw"]["put-code"] for q in bad)


def test_invalid_checksum_is_quarantined_without_a_call(clients, sandbox):
    jobs, bad = fetch_profile_jobs(candidate(orcid="0000-0002-1825-0098"), *clients)
    assert jobs == [] and len(bad) == 1 and "check character" in bad[0]["reason"]
    assert sandbox.requests_log == []


def test_unknown_profiles_are_quarantined(clients):
    jobs, bad = fetch_profile_jobs(candidate(orcid="0000-0002-1694-233X", github_login="ghost-user"), *clients)
    assert jobs == []
    assert sorted(q["reason"] for q in bad) == ["GitHub login not found", "ORCID iD not found"]


def test_blank_github_company_is_no_job(clients):
    assert fetch_profile_jobs(candidate(github_login="nocompany"), *clients) == ([], [])


def test_sources_not_configured_are_skipped(clients):
    assert fetch_profile_jobs(candidate(orcid=ANA, github_login="asilva"), None, None) == ([], [])
    jobs, _ = fetch_profile_jobs(candidate(orcid=ANA, github_login="asilva"), clients[0], None)
    assert {j.source for j in jobs} == {"orcid"}


def test_an_answer_that_is_not_json_is_that_persons_quarantine_not_the_runs_end(clients):
    """One person's unreadable answer is quarantined with its cause; the source failing for everyone
    fails the task (tests/ingest/test_per_person_failures.py)."""
    orcid, github = clients
    orcid.accept = "application/xml"
    jobs, bad = fetch_profile_jobs(candidate(orcid=ANA, github_login="asilva"), orcid, github)
    assert [j.source for j in jobs] == ["github"]
    assert [(b["source"], b["record_key"]) for b in bad] == [("orcid", "greenhouse:4829103:orcid")]
    assert bad[0]["reason"].startswith(f"{MalformedResponse.__name__}: orcid: expected JSON")
    assert ANA not in bad[0]["reason"]  # the endpoint is named with the iD masked


@pytest.mark.parametrize("parts, expected", [
    ({"year": {"value": "2019"}}, "2019"),
    ({"year": {"value": "2019"}, "month": {"value": "3"}}, "2019-03"),
    ({"year": {"value": "2019"}, "month": {"value": "03"}, "day": {"value": "14"}}, "2019-03-14"),
    ({"year": None, "month": None, "day": None}, None),
])
def test_orcid_partial_dates(parts, expected):
    assert orcid_partial_date(_FuzzyDate.model_validate(parts)) == expected


@pytest.mark.parametrize("parts", [
    {"month": {"value": "03"}}, {"year": {"value": "19"}}, {"year": {"value": "2019"}, "day": {"value": "1"}},
    {"year": {"value": "2019"}, "month": {"value": "0"}},
    {"year": {"value": "2019"}, "month": {"value": "02"}, "day": {"value": "30"}},
])
def test_orcid_partial_dates_invalid(parts):
    with pytest.raises(ValueError):
        orcid_partial_date(_FuzzyDate.model_validate(parts))


# --- reviews ------------------------------------------------------------------------------------

def test_reviews_mapped_and_bad_ones_quarantined(sandbox):
    client = ReviewsClient(sandbox.connections()["reviews_default"]["host"], credentials.REVIEWS_API_KEY,
                           sleep=lambda s: None)
    reviews, bad = fetch_reviews(client, ["Example Robotics Ltd", "example robotics ltd", "  ", "Rival Dynamics"],
                                 "2026-01-01")
    assert sorted(r.review_id for r in reviews) == ["ok1", "ok2", "r-rival"]
    ok1 = next(r for r in reviews if r.review_id == "ok1")
    assert (ok1.rating, ok1.date, ok1.employment_status, ok1.advice_to_management) == (2, "2026-11-10", "current",
                                                                                       "Listen")
    keys = {q["record_key"]: q["reason"] for q in bad}
    assert set(keys) >= {"hi", "lo", "half", "bool", "month13", "feb30", "us-date", "norating", "status"}
    assert any(k.startswith("Example Robotics Ltd#") for k in keys)  # no review_id: keyed by position
    assert "rating" in keys["hi"] and "rating" in keys["half"] and "rating" in keys["bool"]
    assert "date" in keys["us-date"] and "calendar" in keys["feb30"] and "review_id" in keys[
        next(k for k in keys if k.startswith("Example Robotics Ltd#"))]
    assert all(q["source"] == "reviews" and q["dataset"] == "reviews" for q in bad)
    # the duplicate employer spelling was asked once, the blank one never
    asked = [p for s, _, p in sandbox.requests_log if s == "reviews"]
    assert len(asked) == 2


def test_reviews_deduplicated_across_employer_names(sandbox):
    client = ReviewsClient(sandbox.connections()["reviews_default"]["host"], credentials.REVIEWS_API_KEY,
                           sleep=lambda s: None)
    reviews, _ = fetch_reviews(client, ["Example Robotics Ltd", "Example Robotics Limited"], "2026-11-01")
    assert [r.review_id for r in reviews] == ["ok1"]


# --- hooks: the connection conventions (docs/CONTRACT.md) ----------------------------------------------------

def test_base_url_conventions():
    from plugins.hooks.profiles import base_url

    assert base_url({"host": None}, "https://pub.orcid.org/v3.0") == "https://pub.orcid.org/v3.0"
    assert base_url({"host": "http://127.0.0.1:8765/orcid/v3.0/"}, None) == "http://127.0.0.1:8765/orcid/v3.0"
    assert base_url({"host": "http://127.0.0.1/reviews", "port": 8765}, None) == "http://127.0.0.1:8765/reviews"
    assert base_url({"host": "pub.orcid.org", "schema": "v3.0"}, None) == "https://pub.orcid.org/v3.0"


def test_hooks_read_connections(sandbox, monkeypatch):
    from plugins.hooks.profiles import GithubHook, OrcidHook, ReviewsHook

    conns = sandbox.connections()
    monkeypatch.setenv("AIRFLOW_CONN_ORCID_DEFAULT", json.dumps({"conn_type": "http"}))
    monkeypatch.setenv("AIRFLOW_CONN_GITHUB_DEFAULT", json.dumps(conns["github_default"]))
    monkeypatch.setenv("AIRFLOW_CONN_REVIEWS_DEFAULT", json.dumps(conns["reviews_default"]))
    monkeypatch.setenv("AIRFLOW_CONN_REVIEWS_NOKEY", json.dumps({"conn_type": "http", "host": "https://r.example"}))
    assert OrcidHook().get_client().base_url == "https://pub.orcid.org/v3.0/"
    gh = GithubHook().get_client(sleep=lambda s: None)
    assert gh.user("asilva")["login"] == "asilva"  # the token from the password was accepted
    landed = []
    rv = ReviewsHook().get_client(on_payload=landed.append, sleep=lambda s: None)
    assert [r["review_id"] for r in rv.reviews("Rival Dynamics", "2026-01-01")] == ["r-rival"] and landed
    with pytest.raises(RuntimeError, match="has no password"):
        ReviewsHook("reviews_nokey").get_client()
    with pytest.raises(RuntimeError, match="is not defined"):
        ReviewsHook("reviews_missing").get_client()
