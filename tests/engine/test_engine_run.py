from __future__ import annotations

from evaluation.engine import format_table, score
from include.engine.kinds import KINDS
from include.engine.run import RULE_VERSIONS
from tests.engine.engine_factories import job, of_kind, profile, run

RESUME = [job("a", "Quantix Solutions Global", "2019-03", None, title="Senior Engineer"),
          job("b", "Halcyon Software Ltd", "2015-01", "2018-06")]


def test_no_consent_no_findings() -> None:
    assert run(RESUME)
    assert run(RESUME, consent=False) == []


def test_every_kind_has_a_version() -> None:
    assert set(RULE_VERSIONS) == set(KINDS)
    assert all(v.startswith(k + "@") for k, v in RULE_VERSIONS.items())


def test_unparseable_dates_skip_only_that_job() -> None:
    jobs = [job("a", "Quantix Solutions Global", "sometime", "later"), job("b", "Halcyon Software Ltd", "2015-01",
                                                                            "2016-01"),
            job("c", "Bluewater Analytics", "2017-01", "2018-01")]
    found = run(jobs, [profile("p", "Halcyon Software", "2012-01", "2016-01")])
    kinds = {f.kind for f in found}
    assert {"employer_not_in_registry", "career_gap", "date_mismatch"} <= kinds


def test_finding_ids_are_stable_and_digest_follows_evidence() -> None:
    first = run(RESUME, [profile("p", "Halcyon Software", "2015-01", "2018-06", title="Junior Developer")])
    again = run(RESUME, [profile("p", "Halcyon Software", "2015-01", "2018-06", title="Junior Developer")])
    assert [f.finding_id for f in first] == [f.finding_id for f in again]
    assert [f.evidence_digest for f in first] == [f.evidence_digest for f in again]
    assert len({f.finding_id for f in first}) == len(first)
    changed = run(RESUME, [profile("p", "Halcyon Software", "2015-01", "2018-06", title="Intern")])
    t1, t2 = of_kind(first, "title_mismatch")[0], of_kind(changed, "title_mismatch")[0]
    assert t1.finding_id == t2.finding_id and t1.evidence_digest != t2.evidence_digest


def test_findings_carry_both_sides_and_a_question() -> None:
    found = of_kind(run(RESUME, [profile("p", "Halcyon Software", "2015-01", "2018-06", title="Junior Developer")]),
                    "title_mismatch")
    f = found[0]
    assert {e.side for e in f.evidence} >= {"resume", "profile"}
    assert f.question.endswith("?") and f.summary.endswith(".")
    assert f.application_id == "greenhouse:app1" and f.rule_version == RULE_VERSIONS["title_mismatch"]


def test_score() -> None:
    cands = {"c1", "c2", "c3"}
    s = score({("c1", "career_gap"), ("c2", "career_gap"), ("x", "career_gap")},
              {("c1", "career_gap"), ("c3", "career_gap")}, cands)
    p, r, tp, fp, fn = s["career_gap"]
    assert (tp, fp, fn) == (1, 1, 1) and p == 0.5 and r == 0.5
    assert s["title_mismatch"][:2] == (1.0, 1.0)
    assert "career_gap" in format_table(s)
