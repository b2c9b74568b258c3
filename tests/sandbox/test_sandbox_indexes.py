"""The sandbox APIs answer from indexes built once per world: what a request reads grows with its answer,
not with the world, and every answer equals the plain (scan everything) answer.

The plain answers come from the same handlers with ``World.index`` switched off (it returns None, as
it does when a malformed world cannot be indexed), so the comparison covers the handlers' own code.
No timings: the scaling property is shown by counting what a search scores.
"""

from __future__ import annotations

import base64
import json
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import pytest

from sandbox import credentials
from sandbox.apis import (
    _registry_search,
    companies_house,
    github,
    gleif,
    greenhouse,
    lever,
    opencorporates,
    reviews,
)
from sandbox.generator import build_world
from sandbox.server import RequestLog, SandboxRequest, SandboxResponse
from sandbox.world import World
from tests.connectors.ats_world import candidate, world

DAY = "2026-11-21"
LEVER_AUTH = {"authorization": "Basic " + base64.b64encode(f"{credentials.LEVER_API_KEY}:".encode()).decode()}
CH_AUTH = {"authorization": "Basic " + base64.b64encode(f"{credentials.COMPANIES_HOUSE_API_KEY}:".encode()).decode()}
GITHUB_AUTH = {"authorization": f"Bearer {credentials.GITHUB_TOKEN}"}
REVIEWS_AUTH = {"authorization": f"Bearer {credentials.REVIEWS_API_KEY}"}


@pytest.fixture(scope="module")
def world400() -> World:
    data, labels = build_world(42, 400, DAY)
    return World(data, labels)


def _req(w: World, path: str, query: dict[str, list[str]] | None = None,
         headers: dict[str, str] | None = None) -> SandboxRequest:
    return SandboxRequest("GET", path, query or {}, headers or {}, b"", "http://sandbox.test/src", w)


def _answer(resp: SandboxResponse) -> tuple[int, dict[str, str], bytes]:
    body, ctype = resp.encoded()
    return resp.status, {**resp.headers, "content-type": ctype}, body


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(World, "index", lambda self, name, source, build: None)


# ---- the scaling property ---------------------------------------------------------------------------


def test_a_registry_search_scores_only_the_few_records_that_can_outrank_a_single_shared_word(monkeypatch):
    data, _ = build_world(7, 1500, DAY)
    companies = data["companies_house"]
    all_names = sum(len(companies_house._names(c)) for c in companies)
    index = _registry_search.SearchIndex(companies, companies_house._names)
    scored = [0]
    score_parts = _registry_search._score_parts

    def counting(*args: Any) -> float:
        scored[0] += 1
        return score_parts(*args)

    monkeypatch.setattr(_registry_search, "_score_parts", counting)
    employers = sorted({e["company_name"] for c in data["candidates"] for e in c["employments"]
                        if e.get("company_name")})
    per_query, more_hits_than_scored = [], 0
    for q in employers:
        scored[0] = 0
        total, page = index.search_page(q, 0, 20)
        per_query.append(scored[0])
        more_hits_than_scored += total > scored[0]
        scored[0] = 0
        everything = _registry_search.search(companies, q, companies_house._names)  # the plain search
        assert scored[0] == all_names  # ... scores every name of the registry
        assert (total, page) == (len(everything), everything[:20]), q
    assert len(employers) > 1000 and all_names > 350
    assert max(per_query) <= all_names // 20  # each search scored at most 5% of the names, ...
    assert sum(per_query) <= len(employers) * 3  # ... a name or so on average
    assert more_hits_than_scored > len(employers) // 2  # the weak one-word hits are counted, not scored


def test_search_and_fuzzy_answer_as_the_plain_loops_for_every_registry_name(world400):
    data = world400.data
    for records, names_of in ((data["companies_house"], companies_house._names),
                              (data["opencorporates"], opencorporates._names),
                              (data["gleif"], gleif._all_names), (data["gleif"], gleif._legal_name)):
        index = _registry_search.SearchIndex(records, names_of)
        names = sorted({n for r in records for n in names_of(r)})
        queries = [*names, *(n.split()[0] + " S.A." for n in names), "Ltd", "a", "华为", "有限公司", "Zzyzx"]
        for q in queries:
            want = _registry_search.search(records, q, names_of)
            assert index.search(q) == want, q
            assert index.search_page(q, 2, 3) == (len(want), want[2:5]), q
        for q in names[::3]:
            typo = q[:2] + q[3:]
            assert index.fuzzy(typo) == _registry_search.fuzzy(records, typo, names_of), typo


# ---- every lookup by id equals the scan --------------------------------------------------------------


def test_every_lookup_by_id_answers_as_the_scan_does(world400, monkeypatch):
    data = world400.data
    calls: list[tuple[Any, SandboxRequest]] = []
    for c in data["candidates"]:
        if c["ats"] == "lever":
            opp = quote(c["application_id"])
            for tail in ("", "/resumes", "/files", f"/files/{lever._file_id(c)}/download"):
                calls.append((lever.handle, _req(world400, f"/v1/opportunities/{opp}{tail}", headers=LEVER_AUTH)))
        else:
            calls.append((greenhouse.handle, _req(world400, f"/files/{greenhouse._attachment_id(c)}/Positions.csv")))
    for c in data["companies_house"]:
        calls.append((companies_house.handle, _req(world400, f"/company/{c['company_number']}", headers=CH_AUTH)))
        calls.append((companies_house.handle,
                      _req(world400, f"/company/{c['company_number'].lower()}/officers", headers=CH_AUTH)))
    token = {"api_token": [credentials.OPENCORPORATES_API_TOKEN]}
    for c in data["opencorporates"]:
        calls.append((opencorporates.handle,
                      _req(world400, f"/v0.4/companies/{c['jurisdiction_code']}/{c['company_number']}", token)))
    for r in data["gleif"]:
        for tail in ("", "/direct-parent", "/ultimate-parent"):
            calls.append((gleif.handle, _req(world400, f"/api/v1/lei-records/{r['lei']}{tail}")))
    for login in data["github"]:
        calls.append((github.handle, _req(world400, f"/users/{login.upper()}", headers=GITHUB_AUTH)))
    for employer in {r["employer"] for r in data["reviews"] if isinstance(r, dict) and isinstance(r.get("employer"), str)}:
        for asked in (employer, employer.lower(), employer.replace(" Ltd", "")):
            calls.append((reviews.handle, _req(world400, "/reviews", {"employer": [asked]}, REVIEWS_AUTH)))
    calls.append((lever.handle, _req(world400, "/v1/opportunities/nope", headers=LEVER_AUTH)))
    calls.append((greenhouse.handle, _req(world400, "/files/1/Positions.csv")))

    monkeypatch.setattr(github, "time", SimpleNamespace(time=lambda: 1_760_000_000.0))  # one rate-limit window
    github._usage(world400).clear()
    indexed = [_answer(handle(req)) for handle, req in calls]
    built = world400._indexes
    assert len(built) >= 8 and all(index is not None for _, _, index in built.values())  # no silent fallback
    github._usage(world400).clear()  # the same rate-limit headers again
    with monkeypatch.context() as m:
        _plain(m)
        plain = [_answer(handle(req)) for handle, req in calls]
    assert len(calls) > 1200
    assert {status for status, _, _ in indexed} == {200, 404}
    for (handle, req), got, want in zip(calls, indexed, plain, strict=True):
        assert got == want, (handle.__module__, req.path, req.query)


def test_greenhouse_filters_by_candidate_answer_as_the_scan_for_every_candidate(world400):
    req = _req(world400, "/v3/x")
    ids = [c["id"] for c in world400.data["candidates"] if c["ats"] == "greenhouse"]
    for name, resource in greenhouse.RESOURCES.items():
        everything = sorted(resource.render(req), key=lambda r: (str(type(r["id"])), r["id"]))
        index, kept = greenhouse._indexed(req, name, {})
        assert index.render(req, kept) == everything, name
        by_candidate: dict[str, list[dict[str, Any]]] = {}
        for r in everything:
            by_candidate.setdefault(str(r.get("candidate_id")), []).append(r)
        for cid in ids:
            index, kept = greenhouse._indexed(req, name, {"candidate_ids": [cid]})
            assert index.render(req, kept) == by_candidate.get(cid, []), (name, cid)
        since = {"updated_at": ["gte|2026-01-01T00:00:00Z"], "candidate_ids": [",".join(ids[::3])]}
        index, kept = greenhouse._indexed(req, name, since)
        assert index.render(req, kept) == [r for r in everything if greenhouse._matches(r, since)], name


# ---- indexes follow the world ------------------------------------------------------------------------


def test_indexes_follow_a_world_that_is_replaced_appended_to_or_edited_and_invalidated():
    w = World(json.loads(json.dumps({**world([candidate("lever", 1)]), "github": {"Ana": {"id": 1}},
                                     "companies_house": [{"company_number": "01234567", "company_name": "A LTD",
                                                          "company_status": "active"}]})))
    opp = w.data["candidates"][0]["application_id"]
    assert lever.handle(_req(w, f"/v1/opportunities/{opp}", headers=LEVER_AUTH)).status == 200
    added = candidate("lever", 2)
    w.data["candidates"].append(added)  # appended: the length changed
    assert lever.handle(_req(w, f"/v1/opportunities/{added['application_id']}", headers=LEVER_AUTH)).status == 200
    assert github.handle(_req(w, "/users/ana", headers=GITHUB_AUTH)).status == 200
    w.data["github"] = {"Bo": {"id": 2}}  # replaced: another object
    assert github.handle(_req(w, "/users/ana", headers=GITHUB_AUTH)).status == 404
    assert github.handle(_req(w, "/users/BO", headers=GITHUB_AUTH)).status == 200
    w.data["companies_house"][0]["company_number"] = "07654321"  # edited in place: invalidate() says so
    w.invalidate()
    assert companies_house.handle(_req(w, "/company/07654321", headers=CH_AUTH)).status == 200
    assert companies_house.handle(_req(w, "/company/01234567", headers=CH_AUTH)).status == 404


def test_a_world_that_cannot_be_indexed_is_answered_by_the_scan_and_fails_as_it_fails():
    assert World({}).index("broken", [], lambda: 1 / 0) is None
    good = candidate("lever", 2)
    w = World(world([candidate("lever", 1, updated_at="yesterday"), good]))
    with pytest.raises(ValueError, match="Invalid isoformat string: 'yesterday'"):  # the server answers 500
        lever.handle(_req(w, "/v1/opportunities", headers=LEVER_AUTH))
    assert lever.handle(_req(w, f"/v1/opportunities/{good['application_id']}", headers=LEVER_AUTH)).status == 200


def test_the_request_log_keeps_the_newest_entries_within_its_bound():
    log = RequestLog(keep=10)
    for i in range(25):
        log.append(("lever", "GET", f"/{i}"))
    assert 10 <= len(log) <= 20 and log[-1] == ("lever", "GET", "/24")
    assert [p for _, _, p in log] == [f"/{i}" for i in range(25 - len(log), 25)]
    log.clear()
    assert log == []
