"""validate_batch on real Great Expectations: bad records are quarantined once, with value-free reasons."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from include.quality.suites import SPECS, SUITES
from include.quality.validate import BatchRejected, ValidationOutcome, validate_batch
from tests.quality.conftest import REPORT_DAY, ROOT_DIR, VALID

KNOWN_WORDS = {w for spec in SPECS.values() for w in spec.columns()} | {
    "missing", "empty", "wrong_type", "too_long", "not_allowed", "out_of_range", "unparseable_date",
    "unparseable_timestamp", "future_date", "start_after_end", "duplicate", "invalid", "invalid_text",
    "not_a_record"}

pytestmark = pytest.mark.usefixtures("gx_context")


def run(dataset: str, records: list[Any], *, max_failure_rate: float = 1.0, run_id: str = "cc-test-run",
        **kwargs: Any) -> ValidationOutcome:
    original = copy.deepcopy(records)
    out = validate_batch(dataset, records, report_day=REPORT_DAY, source="greenhouse", run_id=run_id,
                         max_failure_rate=max_failure_rate, **kwargs)
    check_invariants(original, out)
    return out


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


def check_invariants(records: list[Any], out: ValidationOutcome) -> None:
    """Every record lands once; ids are unique; no helper columns leak; reasons carry no values."""
    assert len(records) == len(out.good) + len(out.quarantined)
    assert out.stats["records_in"] == len(records)
    assert out.stats["good"] == len(out.good) and out.stats["quarantined"] == len(out.quarantined)
    ids = [q["quarantine_id"] for q in out.quarantined]
    assert len(ids) == len(set(ids))
    for g in out.good:
        assert not any(str(k).startswith("_") for k in g)
        assert g in records
    for q in out.quarantined:
        assert set(q) == {"quarantine_id", "run_id", "source", "dataset", "record_key", "reason", "raw_pointer",
                          "raw", "quarantined_at", "candidate_id"}
        # whose record it was, as the record says (reviews belong to no candidate)
        assert q["candidate_id"] is None or q["candidate_id"] == q["raw"]["candidate_id"]
        assert q["reason"]
        for text in _strings(q["raw"]):
            if len(text) >= 4 and text in q["reason"]:
                assert any(text in word for word in KNOWN_WORDS), "a record value leaked into the reason"


def reasons(out: ValidationOutcome) -> dict[str, str]:
    return {q["record_key"]: q["reason"] for q in out.quarantined}


@pytest.mark.parametrize("dataset", sorted(SUITES))
def test_valid_records_pass_every_suite(dataset: str, make: Any) -> None:
    records = [make(dataset, n) for n in range(3)]
    out = run(dataset, records, max_failure_rate=0.0)
    assert out.good == records and out.quarantined == []
    assert out.stats["success"] is True and out.stats["failure_rate"] == 0.0
    checked = {e["column"] for e in out.stats["expectations"]}
    assert SPECS[dataset].key in checked
    assert all({"type", "column", "success", "unexpected_count"} <= set(e) for e in out.stats["expectations"])


def test_empty_batch_is_valid() -> None:
    out = run("employments", [], max_failure_rate=0.0)
    assert (out.good, out.quarantined) == ([], [])
    assert out.stats["records_in"] == 0 and out.stats["failure_rate"] == 0.0 and out.stats["success"] is True


@pytest.mark.parametrize("raw", ["not a date", "2019-13", "31 Febtember 2019", "2019-02-30", "Present"])
def test_malformed_start_date_is_its_own_reason(make: Any, raw: str) -> None:
    out = run("employments", [make("employments", 1, start_raw=raw), make("employments", 2)])
    assert reasons(out) == {"greenhouse:e1-1": "unparseable_date(start_raw)"}
    assert [g["employment_id"] for g in out.good] == ["greenhouse:e1-2"]


def test_partial_and_current_dates_are_fine(make: Any) -> None:
    records = [make("employments", 1, start_raw="2019", end_raw="2019-03"),
               make("employments", 2, start_raw="Sep 2020", end_raw="至今"),
               make("employments", 3, start_raw="2019-05", end_raw="2019"),
               make("employments", 4, start_raw=None, end_raw=None)]
    out = run("employments", records, max_failure_rate=0.0)
    assert len(out.good) == 4


def test_missing_and_empty_required_fields(make: Any) -> None:
    out = run("employments", [make("employments", 1, drop=("employer",)), make("employments", 2, employer="   "),
                              make("employments", 3, drop=("employment_id",)), make("employments", 4)])
    got = reasons(out)
    assert got["greenhouse:e1-1"] == "missing(employer)"
    assert got["greenhouse:e1-2"] == "empty(employer)"
    assert got["#2"] == "missing(employment_id)"
    assert len(out.good) == 1


def test_wrongly_typed_fields_are_quarantined_not_crashing(make: Any) -> None:
    out = run("reviews", [make("reviews", 1, rating="five"), make("reviews", 2, rating=True),
                          make("reviews", 3, rating=3.5), make("reviews", 4, employer=42),
                          make("reviews", 5, rating=[4]), make("reviews", 6, rating=10**400),
                          make("reviews", 7)])
    got = reasons(out)
    for n in (1, 2, 3, 5, 6):
        assert got[f"r1-{n}"] == "wrong_type(rating)"
    assert got["r1-4"] == "wrong_type(employer)"
    assert [g["review_id"] for g in out.good] == ["r1-7"]


def test_nested_values_are_checked(make: Any) -> None:
    out = run("candidates", [make("candidates", 1, consent="yes"), make("candidates", 2, emails="a@b.c"),
                             make("candidates", 3, consent={"given": "true"}), make("candidates", 4)])
    got = reasons(out)
    assert got["greenhouse:4829103-1"] == "invalid(consent)"
    assert got["greenhouse:4829103-2"] == "invalid(emails)"
    assert got["greenhouse:4829103-3"] == "invalid(consent)"
    entities = run("registry_entities", [
        make("registry_entities", 1, names=[{"name": "X LTD", "kind": "nickname"}]),
        make("registry_entities", 2, registry="dun_and_bradstreet"),
        make("registry_entities", 3, names=[]),
    ])
    got = reasons(entities)
    assert got["companies_house:01234567-1"] == "invalid(names)"
    assert got["companies_house:01234567-2"] == "not_allowed(registry)"
    assert got["companies_house:01234567-3"] == "invalid(names)"


def test_records_that_are_not_dicts(make: Any) -> None:
    out = run("applications", [None, "application 7", ["x"], 42, make("applications", 1)])
    assert [q["reason"] for q in out.quarantined] == ["not_a_record(*)"] * 4
    assert [q["record_key"] for q in out.quarantined] == ["#0", "#1", "#2", "#3"]
    assert out.quarantined[1]["raw"] == "application 7"
    assert len(out.good) == 1


def test_huge_strings_are_too_long(make: Any) -> None:
    huge = "A" * 100_000
    out = run("candidates", [make("candidates", 1, first_name=huge), make("candidates", 2)])
    assert reasons(out) == {"greenhouse:4829103-1": "too_long(first_name)"}
    reviews = run("reviews", [make("reviews", 1, pros=huge), make("reviews", 2, pros="B" * 19_000)])
    assert reasons(reviews) == {"r1-1": "too_long(pros)"}
    huge_key = run("reviews", [make("reviews", rating=3, review_id=huge)])
    assert len(huge_key.quarantined[0]["record_key"]) < 120 and huge not in huge_key.quarantined[0]["reason"]


def test_text_decoded_with_replacement_passes_and_broken_text_is_quarantined(make: Any) -> None:
    replaced = b"Jos\xe9 M\xfcller".decode("utf-8", errors="replace")
    surrogates = b"Jos\xe9".decode("utf-8", errors="surrogateescape")
    out = run("candidates", [make("candidates", 1, first_name=replaced),
                             make("candidates", 2, last_name=surrogates),
                             make("candidates", 3, last_name="Nul\x00l")])
    assert [g["first_name"] for g in out.good] == [replaced]
    got = reasons(out)
    assert got["greenhouse:4829103-2"] == "invalid_text(last_name)"
    assert got["greenhouse:4829103-3"] == "invalid_text(last_name)"
    kept = out.quarantined[0]["raw"]  # kept storable: a database rejects lone surrogates and NUL
    assert kept["last_name"] == "Jos\ufffd" and kept["first_name"] == "Ana"
    json.dumps([q["raw"] for q in out.quarantined], ensure_ascii=False).encode("utf-8")
    odd = run("candidates", [make("candidates", 4, **{"Secret Name\udcff": "x", "first_name": "Ana\udcff"})])
    assert odd.quarantined[0]["reason"] == "invalid_text(first_name,other_field)"


def test_html_and_sql_in_names_pass_through_as_data(make: Any) -> None:
    names = ["<script>alert('x')</script>", "Robert'); DROP TABLE candidates;--", "O'Brien & <b>Sons</b>"]
    records = [make("candidates", n, first_name=name, last_name=name) for n, name in enumerate(names)]
    out = run("candidates", records, max_failure_rate=0.0)
    assert [g["first_name"] for g in out.good] == names


def test_duplicates_keep_one_and_quarantine_the_rest(make: Any) -> None:
    first = make("employments", 1)
    out = run("employments", [first, copy.deepcopy(first), copy.deepcopy(first), make("employments", 2)])
    assert [g["employment_id"] for g in out.good] == ["greenhouse:e1-1", "greenhouse:e1-2"]
    assert [q["reason"] for q in out.quarantined] == ["duplicate(employment_id)"] * 2
    dup_stats = next(e for e in out.stats["expectations"] if e["reason"] == "duplicate")
    assert dup_stats["success"] is False and dup_stats["unexpected_count"] == 3


def test_a_clean_later_copy_is_kept_when_the_first_copy_is_bad(make: Any) -> None:
    out = run("employments", [make("employments", 1, employment_type="boss"), make("employments", 1)])
    assert len(out.good) == 1 and out.good[0]["employment_type"] == "full_time"
    assert out.quarantined[0]["reason"] == "duplicate(employment_id); not_allowed(employment_type)"


def test_future_dates(make: Any) -> None:
    out = run("employments", [make("employments", 1, start_raw="2030-01"),
                              make("employments", 2, start_raw="2026-11-22"),
                              make("employments", 3, start_raw="2026-11", end_raw="2027-01")])  # notice period
    assert reasons(out) == {"greenhouse:e1-1": "future_date(start_raw)", "greenhouse:e1-2": "future_date(start_raw)"}
    reviews = run("reviews", [make("reviews", 1, date="2026-12-01"), make("reviews", 2, date="2026-11-21")])
    assert reasons(reviews) == {"r1-1": "future_date(date)"}
    cands = run("candidates", [make("candidates", 1, updated_at="2026-11-23T00:00:00Z"),
                               make("candidates", 2, updated_at="2026-11-21T23:59:59Z"),
                               make("candidates", 3, updated_at="yesterday")])
    assert reasons(cands) == {"greenhouse:4829103-1": "future_date(updated_at)",
                              "greenhouse:4829103-3": "unparseable_timestamp(updated_at)"}


def test_start_after_end(make: Any) -> None:
    out = run("educations", [make("educations", 1, start_raw="2018-09", end_raw="2016-06"),
                             make("educations", 2, start_raw="2016-09", end_raw="2016-09")])
    assert reasons(out) == {"greenhouse:d1-1": "start_after_end(start_raw,end_raw)"}
    entities = run("registry_entities", [make("registry_entities", 1, created="2010-01-01", dissolved="2005-01-01")])
    assert entities.quarantined[0]["reason"] == "start_after_end(created,dissolved)"


@pytest.mark.parametrize("rating", [0, 6, -1, 5.0001])
def test_rating_out_of_range(make: Any, rating: float) -> None:
    out = run("reviews", [make("reviews", 1, rating=rating), make("reviews", 2, rating=5), make("reviews", 3, rating=1)])
    expected = "wrong_type(rating)" if rating != int(rating) else "out_of_range(rating)"
    assert reasons(out) == {"r1-1": expected}


def test_several_failures_quarantine_a_record_once_with_all_reasons(make: Any) -> None:
    out = run("employments", [make("employments", 1, employer=None, start_raw="2031", employment_type="gig")])
    assert len(out.quarantined) == 1
    assert out.quarantined[0]["reason"] == "future_date(start_raw); missing(employer); not_allowed(employment_type)"


def test_reason_never_contains_the_offending_value(make: Any) -> None:
    email, name = "ana.silva.private@example.net", "Anastasia-Secretname"
    bad = make("candidates", 1, emails=email, first_name=name * 20, last_name=12)
    out = run("candidates", [bad])
    reason = out.quarantined[0]["reason"]
    assert reason == "invalid(emails); too_long(first_name); wrong_type(last_name)"
    assert email not in reason and name not in reason
    assert email not in str(out.stats) and name not in str(out.stats)


def test_batch_rejected_above_threshold_keeps_the_quarantine(make: Any) -> None:
    records = [make("reviews", n, rating=9) for n in range(3)] + [make("reviews", 9)]
    with pytest.raises(BatchRejected) as caught:
        validate_batch("reviews", records, report_day=REPORT_DAY, source="reviews", run_id="cc-r",
                       max_failure_rate=0.5)
    exc = caught.value
    assert (exc.dataset, exc.source, exc.threshold) == ("reviews", "reviews", 0.5)
    assert exc.failure_rate == pytest.approx(0.75)
    assert exc.outcome is not None and len(exc.outcome.quarantined) == 3 and len(exc.outcome.good) == 1
    assert exc.outcome.stats["accepted"] is False
    assert "75.0%" in str(exc) and "50.0%" in str(exc) and "reviews" in str(exc)
    assert pickle.loads(pickle.dumps(exc)).failure_rate == exc.failure_rate
    # at the threshold exactly, the batch is accepted
    out = run("reviews", records[:1] + records[3:], max_failure_rate=0.5)
    assert out.stats["accepted"] is True


def test_quarantine_rows_are_stable_and_carry_pointers(make: Any) -> None:
    records = [make("reviews", 1, rating=0), make("reviews", 2)]
    pointers = ["landing/reviews/p1.json", "landing/reviews/p2.json"]
    a = run("reviews", records, raw_pointers=pointers)
    b = run("reviews", copy.deepcopy(records), raw_pointers=pointers)
    c = run("reviews", records, raw_pointers=pointers, run_id="cc-other-run")
    assert a.quarantined[0]["quarantine_id"] == b.quarantined[0]["quarantine_id"]
    assert a.quarantined[0]["quarantine_id"] != c.quarantined[0]["quarantine_id"]
    q = a.quarantined[0]
    assert (q["raw_pointer"], q["run_id"], q["dataset"], q["source"]) == (pointers[0], "cc-test-run", "reviews",
                                                                         "greenhouse")
    assert q["raw"] == records[0]


def test_unknown_dataset_is_a_clear_error() -> None:
    with pytest.raises(KeyError, match="no data-quality suite"):
        validate_batch("jobs", [], report_day=REPORT_DAY, source="x", run_id="r", max_failure_rate=0.2)


JUNK = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=30),
                 st.lists(st.text(max_size=5), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(),
                                                                             max_size=2))


@settings(max_examples=15, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],  # shrinking re-runs GX hundreds of times: too slow here
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.dictionaries(st.sampled_from(sorted(VALID["employments"])), JUNK, max_size=4),
                        max_size=6),
       extra=st.lists(JUNK, max_size=2))
@example(changes=[{"start_raw": {}, "employment_id": None}, {"start_raw": False}], extra=[])  # crashed GX once
def test_any_garbage_is_split_never_crashes(changes: list[dict[str, Any]], extra: list[Any]) -> None:
    records: list[Any] = [{**VALID["employments"], **c} for c in changes] + extra
    run("employments", records)


def test_importing_the_package_does_not_import_gx() -> None:
    code = ("import sys; import include.quality.validate, include.quality.suites, include.quality.datadocs, "
            "include.quality.frames; assert 'great_expectations' not in sys.modules, 'GX imported eagerly'")
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT_DIR, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
