"""Which profiles a run reads (include.ingest.refresh): new, changed, forced and stale ones, within each
source's budget, the rest pending; fresh ones are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from include.ingest.refresh import (
    REASONS,
    ProfileInput,
    fingerprint,
    profile_inputs,
    reads_by_candidate,
    select_reads,
)

NOW = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)
BIG = {"orcid": 1000, "github": 1000}


def _row(cid, app="a1", app_at="2026-01-01T00:00:00Z", login="octo", orcid=None, updated="2026-01-01T00:00:00Z"):
    return {"candidate_id": cid, "orcid": orcid, "github_login": login, "updated_at": updated,
            "consent": {"given": True}, "application_id": app, "app_updated_at": app_at}


def _state(inp: ProfileInput, source="github", days_ago=1.0, etag='W/"e1"', fp=None):
    return {"candidate_id": inp.candidate_id, "source": source, "fingerprint": fp or inp.fingerprints[source],
            "etag": etag, "read_at": (NOW - timedelta(days=days_ago)).isoformat(), "outcome": "read"}


def _ids(plan):
    return [p.candidate_id for p in plan.picks]


def test_the_fingerprint_changes_with_an_application_the_record_or_the_login_and_only_then():
    base = profile_inputs([_row("c1")])[0].fingerprints["github"]
    assert profile_inputs([_row("c1")])[0].fingerprints["github"] == base  # deterministic
    assert profile_inputs([_row("c1", app_at="2026-11-22T08:00:00Z")])[0].fingerprints["github"] != base
    assert profile_inputs([_row("c1", updated="2026-11-22T08:00:00Z")])[0].fingerprints["github"] != base
    assert profile_inputs([_row("c1", login="octo2")])[0].fingerprints["github"] != base
    two_apps = profile_inputs([_row("c1"), _row("c1", app="a2")])
    assert len(two_apps) == 1 and two_apps[0].fingerprints["github"] != base  # a new application
    # one source's fingerprint is its own
    assert fingerprint("orcid", "x", {"updated_at": "t"}, []) != fingerprint("github", "x", {"updated_at": "t"}, [])


def test_only_the_sources_a_candidate_lists_are_read():
    got = profile_inputs([_row("c1", login=None, orcid="0000-0002-1825-0097"), _row("c2", login="  ")])
    assert got[0].subjects == {"orcid": "0000-0002-1825-0097"} and got[1].subjects == {}
    plans = select_reads(got, {}, NOW, 7, BIG)
    assert _ids(plans["orcid"]) == ["c1"] and _ids(plans["github"]) == []


def test_each_reason_and_fresh_reads_left_alone():
    new, changed, stale, fresh, forced = profile_inputs([_row(c) for c in ("new", "chg", "old", "ok", "frc")])
    states = {("chg", "github"): _state(changed, fp="an older fingerprint", days_ago=1),
              ("old", "github"): _state(stale, days_ago=8),
              ("ok", "github"): _state(fresh, days_ago=6.9),
              ("frc", "github"): _state(forced, days_ago=1)}
    plan = select_reads([new, changed, stale, fresh, forced], states, NOW, 7, BIG, force={"frc"})["github"]
    assert {p.candidate_id: p.reason for p in plan.picks} == {"new": "new", "chg": "changed", "old": "stale",
                                                              "frc": "forced"}
    assert plan.fresh == 1 and plan.pending == 0
    # only the stale read is conditional: a new, changed or forced one must read the whole profile
    assert {p.candidate_id: p.etag for p in plan.picks} == {"new": None, "chg": None, "old": 'W/"e1"', "frc": None}
    assert plan.summary()["due"] == {"forced": 1, "changed": 1, "new": 1, "stale": 1}


def test_a_full_run_reads_everyone_in_full():
    items = profile_inputs([_row(f"c{i}") for i in range(5)])
    states = {(i.candidate_id, "github"): _state(i) for i in items}
    assert select_reads(items, states, NOW, 7, BIG)["github"].picks == []
    plan = select_reads(items, states, NOW, 7, BIG, full=True)["github"]
    assert len(plan.picks) == 5 and all(p.reason == "forced" and p.etag is None for p in plan.picks)


def test_max_age_zero_reads_every_profile_every_run():
    items = profile_inputs([_row("c1")])
    plan = select_reads(items, {("c1", "github"): _state(items[0], days_ago=0.01)}, NOW, 0, BIG)["github"]
    assert [p.reason for p in plan.picks] == ["stale"]


def test_the_budget_takes_changed_then_new_latest_first_then_the_oldest_stale_and_counts_the_rest_pending():
    rows = [_row(f"n{i}", updated=f"2026-11-{10 + i:02d}T00:00:00Z") for i in range(4)]
    rows += [_row(f"s{i}") for i in range(4)] + [_row("chg")]
    items = profile_inputs(rows)
    by_id = {i.candidate_id: i for i in items}
    states = {(f"s{i}", "github"): _state(by_id[f"s{i}"], days_ago=8 + i) for i in range(4)}
    states[("chg", "github")] = _state(by_id["chg"], fp="older")
    plan = select_reads(items, states, NOW, 7, {"github": 6})["github"]
    assert _ids(plan) == ["chg", "n3", "n2", "n1", "n0", "s3"]  # s3 is the oldest read
    assert plan.pending == 3 and plan.budget == 6
    assert plan.summary()["planned_by_reason"] == {"forced": 0, "changed": 1, "new": 4, "stale": 1}
    assert set(plan.summary()["planned_by_reason"]) == set(REASONS)


def test_a_first_run_on_a_big_history_spreads_over_days_within_the_budget():
    """Each day reads the budget; what it read becomes fresh; the backlog drains, never read twice."""
    items = profile_inputs([_row(f"c{i:04d}") for i in range(2500)])
    prints = {i.candidate_id: i.fingerprints["github"] for i in items}
    states: dict = {}
    day, seen, pendings = NOW, [], []
    for _ in range(3):
        plan = select_reads(items, states, day, 7, {"github": 1000})["github"]
        seen.extend(_ids(plan))
        pendings.append(plan.pending)
        for p in plan.picks:
            states[(p.candidate_id, "github")] = {"fingerprint": prints[p.candidate_id], "read_at": day.isoformat(),
                                                  "etag": None}
        day += timedelta(days=1)
    assert pendings == [1500, 500, 0]
    assert len(seen) == len(set(seen)) == 2500


def test_an_undefined_source_is_not_planned_and_reads_are_grouped_per_candidate():
    items = profile_inputs([_row("c1", orcid="0000-0002-1825-0097"), _row("c2", login=None, orcid=None)])
    plans = select_reads(items, {}, NOW, 7, {"github": 10})
    assert set(plans) == {"github"}
    assert reads_by_candidate(plans) == {"c1": {"github": None}}
