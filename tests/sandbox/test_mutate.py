"""The next day of a world (sandbox.mutate) and the sandbox's request stats, which bench/daily_bench.py
relies on: the day's new and changed applications are exactly what the ATSs' incremental filters serve,
the untouched ones are as they were, and the sandbox counts what it answered per source and endpoint."""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from sandbox.generator import generate
from sandbox.mutate import CHANGES, HELD_BACK, advance_world, hold_back
from sandbox.server import Sandbox, endpoint
from sandbox.world import World
from tests.connectors.ats_world import greenhouse_client, lever_client

HISTORY, HELD, FRACTION = 60, 6, 0.2  # day 2: 12 applications, 6 new and 6 changed
DAY1_END, DAY2_END = "2026-11-21T23:59:59Z", "2026-11-22T23:59:59Z"


def _ms(iso: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(iso).timestamp() * 1000)


@pytest.fixture(scope="module")
def worlds(tmp_path_factory):
    day1 = tmp_path_factory.mktemp("day1")
    generate(5, day1, n_candidates=HISTORY + HELD, report_day="2026-11-21")
    full = json.loads((day1 / "world.json").read_text(encoding="utf-8"))
    kept = hold_back(day1, HELD, seed=3)
    day2 = tmp_path_factory.mktemp("day2")
    counts = advance_world(day1, day2, FRACTION, seed=3)
    return {"day1": day1, "day2": day2, "full": full, "kept": kept, "counts": counts}


def _labels(folder) -> list[dict[str, str]]:
    return list(csv.DictReader((folder / "labels.csv").open(encoding="utf-8")))


def _key(c) -> str:
    return f"{c['ats']}:{c['id']}"


def test_hold_back_moves_candidates_and_their_labels_out(worlds):
    day1 = worlds["day1"]
    data = json.loads((day1 / "world.json").read_text(encoding="utf-8"))
    held = json.loads((day1 / HELD_BACK).read_text(encoding="utf-8"))
    assert worlds["kept"] == len(data["candidates"]) == HISTORY
    assert len(held) == HELD
    full_keys = [_key(c) for c in worlds["full"]["candidates"]]
    assert sorted(full_keys) == sorted(_key(c) for c in data["candidates"] + held)
    held_keys = {_key(c) for c in held}
    assert not held_keys & {row["candidate_id"] for row in _labels(day1)}
    with pytest.raises(ValueError, match="already held back"):
        hold_back(day1, 1)


def test_advance_world_changes_the_share_within_the_next_day(worlds):
    day1, day2, counts = worlds["day1"], worlds["day2"], worlds["counts"]
    assert counts == {"new": HELD, "stage": 2, "contact": 2, "resume": 2, "candidates": 12}
    old = json.loads((day1 / "world.json").read_text(encoding="utf-8"))
    new = json.loads((day2 / "world.json").read_text(encoding="utf-8"))
    assert new["generated_for_day"] == "2026-11-22"
    assert len(new["candidates"]) == HISTORY + HELD
    changes = json.loads((day2 / CHANGES).read_text(encoding="utf-8"))
    assert sorted(changes.values()).count("new") == HELD and len(changes) == 12
    held_keys = {_key(c) for c in json.loads((day1 / HELD_BACK).read_text(encoding="utf-8"))}
    assert {k for k, how in changes.items() if how == "new"} == held_keys
    before = {_key(c): c for c in old["candidates"]}
    for c in new["candidates"]:
        how = changes.get(_key(c))
        if how is None:
            assert c == before[_key(c)]  # untouched: byte for byte
            continue
        assert c["updated_at"].startswith("2026-11-22T")
        if how == "new":
            assert c["created_at"].startswith("2026-11-22T") and c["created_at"] < c["updated_at"]
        elif how == "contact":
            assert c["emails"][1:] == before[_key(c)]["emails"] and c["emails"][0] not in before[_key(c)]["emails"]
        elif how == "resume":
            first, *rest = c["employments"]
            assert first["start"] == "2026-11" and first["end"] is None
            assert [j for j in rest if j["end"] is None] == []  # the old current job ended
            assert first["company_name"] in {j["company_name"] for o in old["candidates"] for j in o["employments"]}
        else:
            assert {k: v for k, v in c.items() if k != "updated_at"} == \
                   {k: v for k, v in before[_key(c)].items() if k != "updated_at"}
    # only the untouched candidates' labels are kept: a changed one's may no longer hold
    assert {r["candidate_id"] for r in _labels(day2)} == {r["candidate_id"] for r in _labels(day1)} - set(changes)
    assert not (day2 / HELD_BACK).exists()  # all six arrived


def test_advance_world_refuses_what_cannot_be_a_next_day(worlds, tmp_path):
    day1 = worlds["day1"]
    with pytest.raises(ValueError, match="must differ"):
        advance_world(day1, day1)
    with pytest.raises(ValueError, match="fraction"):
        advance_world(day1, tmp_path / "x", fraction=0)
    with pytest.raises(ValueError, match="already of 2026-11-21"):
        advance_world(day1, tmp_path / "x", day=date(2026, 11, 21))


def test_the_incremental_filters_serve_exactly_the_days_changes(worlds):
    changes = json.loads((worlds["day2"] / CHANGES).read_text(encoding="utf-8"))
    expected = {ats: {k.split(":", 1)[1] for k in changes if k.startswith(ats + ":")} for ats in ("greenhouse", "lever")}
    assert expected["greenhouse"] and expected["lever"]
    with Sandbox(World.load(worlds["day2"])) as sb:
        gh = {str(c["id"]) for c in greenhouse_client(sb).candidates(updated_after=DAY1_END, updated_before=DAY2_END)}
        lv = {o["contact"] for o in lever_client(sb).opportunities(_ms(DAY1_END), _ms(DAY2_END))}
        stats = sb.stats()
    assert gh == expected["greenhouse"]
    assert lv == expected["lever"]
    # day 1's world has nothing in that window
    with Sandbox(World.load(worlds["day1"])) as sb:
        assert list(greenhouse_client(sb).candidates(updated_after=DAY1_END, updated_before=DAY2_END)) == []
    assert stats["requests"]["greenhouse"] >= 2 and stats["requests"]["lever"] >= 1  # token + list; list
    assert stats["requests"]["github"] == 0
    assert set(stats["by_endpoint"]["greenhouse"]) >= {"auth/token", "v3/candidates"}
    assert stats["by_endpoint"]["lever"] == {"v1/opportunities": stats["requests"]["lever"]}


def test_stats_count_every_answer_per_source_endpoint_and_status(worlds):
    import urllib.error
    import urllib.request

    data = json.loads((worlds["day1"] / "world.json").read_text(encoding="utf-8"))
    login = next(iter(data["github"]))

    def get(url: str, headers: dict[str, str] | None = None) -> int:
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {})) as resp:
                return resp.status
        except urllib.error.HTTPError as exc:
            return exc.code

    with Sandbox(World.load(worlds["day1"])) as sb:
        token = {"Authorization": "Bearer x"}
        codes = [get(f"{sb.url}/github/users/{login}", token), get(f"{sb.url}/github/users/no-such-login-zz", token),
                 get(f"{sb.url}/nosuchsource/x"), get(f"{sb.url}/_sandbox/health")]
        served = json.loads(urllib.request.urlopen(f"{sb.url}/_sandbox/stats").read())
        assert sb.stats(reset=True) == served
        assert sum(sb.stats()["requests"].values()) == 0
    assert codes[2] == 404 and codes[3] == 200
    assert served["requests"]["github"] == 2  # neither the unknown source nor the control paths count
    assert sum(served["requests"].values()) == 2
    assert served["by_endpoint"] == {"github": {"users/{id}": 2}}
    assert served["by_status"]["github"] == {str(codes[0]): 1, str(codes[1]): 1} if codes[0] != codes[1] else \
        {str(codes[0]): 2}


@pytest.mark.parametrize(("path", "expected"), [
    ("/v1/opportunities/5f1c0e2a-1111-4000-8000-000000000001/offers", "v1/opportunities/{id}/offers"),
    ("/users/asilva", "users/{id}"),
    ("/v3.0/0000-0002-1825-0097/employments", "v3.0/{id}/employments"),
    ("/v3/candidates?updated_at=gte|x", "v3/candidates"),
    ("/company/01234567/officers", "company/{id}/officers"),
    ("/search/companies?q=acme", "search/companies"),
    ("/api/v1/lei-records/5493001KJTIIGC8Y1R12/direct-parent", "api/v1/lei-records/{id}/direct-parent"),
    ("/v0.4/companies/gb/01234567", "v0.4/companies/{id}/{id}"),
    ("/v0.4/companies/search", "v0.4/companies/search"),
    ("/", ""),
])
def test_endpoint_leaves_record_ids_out(path, expected):
    assert endpoint(path) == expected
