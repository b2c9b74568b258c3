"""ORCID connector: check character before any call, JSON by content negotiation or a loud failure,
the documented answer shape, and the HTTP core's retries against the sandbox's faults."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
import requests

from connectors.http import AuthError, MalformedResponse, NotFound, SourceError
from connectors.orcid import (
    ORCID_JSON,
    InvalidOrcid,
    OrcidClient,
    is_valid_orcid,
    normalise_orcid,
    orcid_check_character,
)
from sandbox.server import Faults, Sandbox
from sandbox.world import World
from tests.connectors.recorded.replay import Answer, recorded, session_with

ANA = "0000-0002-1825-0097"
X_ID = "0000-0002-1694-233X"
WORLD = {
    "orcid": {
        ANA: {"given_names": "Ana", "family_name": "Silva", "employments": [
            {"put_code": 123456, "organization": {"name": "Halcyon Software",
                                                  "address": {"city": "Leeds", "region": None, "country": "GB"}},
             "department_name": None, "role_title": "Senior Software Engineer",
             "start_date": {"year": "2019", "month": "03", "day": None}, "end_date": None},
            {"put_code": 123457, "organization": {"name": "Acme & Sons <UK>", "address": {"country": "GB"}},
             "department_name": "R&D", "role_title": "Engineer",
             "start_date": {"year": "2015", "month": "1", "day": None},
             "end_date": {"year": "2019", "month": "02", "day": "28"}}]},
        X_ID: {"given_names": "Li", "family_name": "Wei", "employments": []},
    },
}
XML_NS = {"activities": "http://www.orcid.org/ns/activities", "common": "http://www.orcid.org/ns/common",
          "employment": "http://www.orcid.org/ns/employment"}


@pytest.fixture(scope="module")
def _server():
    with Sandbox(World(json.loads(json.dumps(WORLD)))) as sb:
        yield sb


@pytest.fixture()
def sandbox(_server):
    """One server for the module (stopping one costs half a second); faults and counters reset per test."""
    _server.faults = {}
    _server.counts = dict.fromkeys(_server.counts, 0)
    return _server


def client_for(sb: Sandbox, sleeps: list[float] | None = None, **kw) -> OrcidClient:
    return OrcidClient(host=sb.connections()["orcid_default"]["host"],
                       sleep=(sleeps.append if sleeps is not None else lambda s: None), seed=1, **kw)


# --- the iD's check character (ISO 7064 MOD 11-2) -----------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("0000-0002-1694-233X", "0000-0002-1694-233X"),
    ("0000-0002-1694-233x", "0000-0002-1694-233X"),
    ("https://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
    ("orcid.org/0000-0001-5109-3700/", "0000-0001-5109-3700"),
    ("0000000218250097", "0000-0002-1825-0097"),
])
def test_valid_ids_normalise(value, expected):
    assert normalise_orcid(value) == expected
    assert is_valid_orcid(value)


@pytest.mark.parametrize("value", [
    "0000-0002-1825-0098",  # wrong check digit
    "0000-0002-1694-2330",  # X expected, 0 given
    "0000-0002-1825-009X",  # X given, 7 expected
    "0000-0002-1825-009",  # too short
    "0000-0002-1825-00977",  # too long
    "0000-0002-1X25-0097",  # X only allowed last
    "", "not an orcid",
])
def test_invalid_ids_rejected(value):
    assert not is_valid_orcid(value)
    with pytest.raises(InvalidOrcid):
        normalise_orcid(value)


def test_check_character_values():
    assert orcid_check_character("000000021825009") == "7"
    assert orcid_check_character("000000021694233") == "X"


def test_invalid_checksum_never_calls_the_api():
    session, replay = session_with()  # any request would fail the test: no answers scripted
    client = OrcidClient(session=session, sleep=lambda s: None)
    with pytest.raises(InvalidOrcid, match="check character"):
        client.employments("0000-0002-1825-0098")
    assert replay.requests == [] and client.requests_made == 0


# --- recorded answers ---------------------------------------------------------------------------

def test_recorded_json_answer_asked_for_by_content_negotiation():
    session, replay = session_with(Answer(200, recorded("orcid", "employments.json"),
                                          content_type="application/vnd.orcid+json; qs=4;charset=UTF-8"))
    landed = []
    client = OrcidClient(session=session, sleep=lambda s: None, on_payload=landed.append)
    body = client.employments("https://orcid.org/0000-0002-1825-0097")
    req = replay.requests[0]
    assert req.url == "https://pub.orcid.org/v3.0/0000-0002-1825-0097/employments"
    assert req.headers["Accept"] == ORCID_JSON
    assert "Authorization" not in req.headers
    groups = body["affiliation-group"]
    assert len(groups) == 2 and len(groups[1]["summaries"]) == 2
    first = groups[0]["summaries"][0]["employment-summary"]
    assert first["organization"]["name"] == "Halcyon Software"
    assert first["start-date"]["month"]["value"] == "03"
    assert len(landed) == 1 and landed[0].source == "orcid" and landed[0].status == 200


def test_recorded_xml_answer_is_a_loud_error_not_an_empty_list():
    session, _ = session_with(Answer(200, recorded("orcid", "employments.xml"),
                                     content_type="application/vnd.orcid+xml; qs=5;charset=UTF-8"))
    client = OrcidClient(session=session, sleep=lambda s: None)
    with pytest.raises(MalformedResponse, match="expected JSON"):
        client.employments(ANA)


def test_json_without_affiliation_groups_is_malformed():
    session, _ = session_with(Answer(200, {"unexpected": True}, content_type="application/vnd.orcid+json"))
    with pytest.raises(MalformedResponse, match="affiliation-group"):
        OrcidClient(session=session, sleep=lambda s: None).employments(ANA)


def test_recorded_404_is_not_found():
    session, _ = session_with(Answer(404, recorded("orcid", "not-found.json")))
    with pytest.raises(NotFound):
        OrcidClient(session=session, sleep=lambda s: None).employments(ANA)


def test_401_is_a_clear_auth_error():
    session, _ = session_with(Answer(401, {"error": "invalid_token"}))
    with pytest.raises(AuthError, match=r"orcid: HTTP 401: check the connection's credentials"):
        OrcidClient(session=session, sleep=lambda s: None).employments(ANA)


def test_malformed_json_body():
    session, _ = session_with(Answer(200, b'{"affiliation-group": [ {"summaries": ', content_type=ORCID_JSON))
    with pytest.raises(MalformedResponse, match="not valid JSON"):
        OrcidClient(session=session, sleep=lambda s: None).employments(ANA)


def test_rate_limit_is_conservative():
    client = OrcidClient(sleep=lambda s: None)
    assert client.limiter is not None and (client.limiter.calls, client.limiter.period) == (12, 1.0)
    assert client.base_url == "https://pub.orcid.org/v3.0/"


# --- the sandbox --------------------------------------------------------------------------------

def test_sandbox_answers_json_when_asked(sandbox):
    body = client_for(sandbox).employments(ANA)
    summaries = [s["employment-summary"] for g in body["affiliation-group"] for s in g["summaries"]]
    assert [s["put-code"] for s in summaries] == [123456, 123457]
    assert summaries[0]["start-date"] == {"year": {"value": "2019"}, "month": {"value": "03"}, "day": None}
    assert summaries[1]["start-date"]["month"] == {"value": "01"}  # zero-padded as ORCID sends it
    assert summaries[1]["end-date"]["day"] == {"value": "28"}
    assert summaries[0]["end-date"] is None
    assert body["path"] == f"/{ANA}/employments"


def test_sandbox_answers_xml_by_default(sandbox):
    resp = requests.get(f"{sandbox.url}/orcid/v3.0/{ANA}/employments", timeout=5)
    assert resp.status_code == 200 and "xml" in resp.headers["Content-Type"]
    root = ET.fromstring(resp.content)
    assert root.tag == "{http://www.orcid.org/ns/activities}employments"
    names = [e.text for e in root.iterfind(".//employment:employment-summary/common:organization/common:name",
                                           XML_NS)]
    assert names == ["Halcyon Software", "Acme & Sons <UK>"]


def test_client_forced_to_xml_fails_loudly(sandbox):
    client = client_for(sandbox)
    client.accept = "application/xml"
    with pytest.raises(MalformedResponse, match="expected JSON"):
        client.employments(ANA)


def test_sandbox_unknown_id_is_404(sandbox):
    with pytest.raises(NotFound):
        client_for(sandbox).employments("0000-0001-5109-3700")  # valid checksum, not in the world
    assert client_for(sandbox).employments(X_ID)["affiliation-group"] == []


def test_429_with_retry_after_is_honoured(sandbox):
    sandbox.faults = {"orcid": Faults(rate_limit_every=2, retry_after=7)}
    sleeps: list[float] = []
    client = client_for(sandbox, sleeps)
    client.employments(ANA)
    client.employments(ANA)  # the 2nd request is refused once, then retried
    assert 7.0 in sleeps
    assert client.requests_made == 3


def test_429_without_retry_after_backs_off(sandbox):
    sandbox.faults = {"orcid": Faults(rate_limit_every=1)}  # never recovers
    sleeps: list[float] = []
    client = client_for(sandbox, sleeps)
    with pytest.raises(SourceError, match="gave up after 8 attempts.*HTTP 429"):
        client.employments(ANA)
    assert len(sleeps) == 7 and all(0 <= s <= 30 for s in sleeps)
    assert max(sleeps) > 0.5  # exponential: later delays may exceed the first cap of 0.5s


def test_5xx_then_success(sandbox):
    sandbox.faults = {"orcid": Faults(error_every=2)}
    sleeps: list[float] = []
    client = client_for(sandbox, sleeps)
    client.employments(ANA)
    body = client.employments(ANA)
    assert len(body["affiliation-group"]) == 2
    assert client.requests_made == 3 and len(sleeps) == 1


def test_truncated_body_is_malformed(sandbox):
    sandbox.faults = {"orcid": Faults(truncate_every=1)}
    with pytest.raises(MalformedResponse, match="truncated or corrupt"):
        client_for(sandbox).employments(ANA)
