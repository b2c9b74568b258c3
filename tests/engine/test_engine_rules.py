"""Each rule at the edge of its threshold: exactly at it (no finding) and one month past (a finding)."""

from __future__ import annotations

import pytest

from include.engine.kinds import BY_NAME
from include.engine.messages import render
from include.engine.resolve import RegistryIndex
from include.engine.rules.common import Context, evidence_digest, make_finding
from include.models import Finding
from include.run_context import RunContext
from tests.engine.engine_factories import (
    CID,
    DAY,
    INDEX,
    REGISTRY,
    config,
    edu,
    entity,
    job,
    of_kind,
    profile,
    run,
)

HALCYON = "Halcyon Software Ltd"


# --- career_gap (G = 3): a job ending 2019-03 and the next starting 2019-07 leave April..June -------------
@pytest.mark.parametrize(("next_start", "fires"), [("2019-07", False), ("2019-08", True)])
def test_career_gap_edge(next_start: str, fires: bool) -> None:
    found = of_kind(run([job("a", HALCYON, "2017-01", "2019-03"), job("b", "Bluewater Analytics", next_start)]),
                    "career_gap")
    assert bool(found) is fires
    if fires:
        assert found[0].severity == "blue"
        assert any(e.values.get("gap_months") == 4 for e in found[0].evidence)


def test_career_gap_threshold_comes_from_config() -> None:
    jobs = [job("a", HALCYON, "2017-01", "2019-03"), job("b", "Bluewater Analytics", "2019-08")]
    assert not of_kind(run(jobs, cfg=config(gap=4)), "career_gap")


def test_long_gap_is_yellow_and_education_covers_gaps() -> None:
    jobs = [job("a", HALCYON, "2015-01", "2016-08"), job("b", "Bluewater Analytics", "2018-10")]
    assert of_kind(run(jobs), "career_gap")[0].severity == "yellow"
    assert not of_kind(run(jobs, educations=[edu("d", "2016-09", "2018-09")]), "career_gap")
    # a degree covering only part of the gap leaves the rest
    assert of_kind(run(jobs, educations=[edu("d", "2016-09", "2017-09")]), "career_gap")


def test_no_gap_before_first_or_after_last_job_or_inside_a_longer_job() -> None:
    jobs = [job("a", HALCYON, "2010-01", "2020-12"), job("b", "Bluewater Analytics", "2012-01", "2013-01"),
            job("c", "Northwind Machines", "2021-02", "2022-01")]
    assert not of_kind(run(jobs), "career_gap")


def test_year_only_dates_read_in_the_candidates_favour() -> None:
    assert not of_kind(run([job("a", HALCYON, "2015", "2018"), job("b", "Bluewater Analytics", "2019-04")]),
                       "career_gap")
    assert of_kind(run([job("a", HALCYON, "2015", "2018"), job("b", "Bluewater Analytics", "2019-05")]),
                   "career_gap")


# --- overlapping_employment (T = 2) -----------------------------------------------------------------------
@pytest.mark.parametrize(("b_start", "fires"), [("2019-05", False), ("2019-04", True)])
def test_overlap_edge(b_start: str, fires: bool) -> None:
    jobs = [job("a", HALCYON, "2018-01", "2019-06"), job("b", "Bluewater Analytics", b_start)]
    assert bool(of_kind(run(jobs), "overlapping_employment")) is fires


def test_part_time_overlap_is_fine() -> None:
    jobs = [job("a", HALCYON, "2018-01", "2020-06"),
            job("b", "Bluewater Analytics", "2019-01", "2019-12", etype="part_time"),
            job("c", "Northwind Machines", "2019-01", "2019-12", title="Research Intern", etype="unknown")]
    assert not of_kind(run(jobs), "overlapping_employment")


# --- date_mismatch (T = 2) --------------------------------------------------------------------------------
@pytest.mark.parametrize(("profile_start", "fires"), [("2019-05", False), ("2019-06", True), ("Mar 2019", False),
                                                      ("2019", False), ("2018", True)])
def test_date_mismatch_start_edge(profile_start: str, fires: bool) -> None:
    found = run([job("a", HALCYON, "2019-03", "2022-01")],
                [profile("p", "Halcyon Software", profile_start, "2022-01")])
    assert bool(of_kind(found, "date_mismatch")) is fires


@pytest.mark.parametrize(("profile_end", "fires"), [("2026-09", False), ("2026-08", True), (None, False)])
def test_date_mismatch_current_vs_ended(profile_end: str | None, fires: bool) -> None:
    found = run([job("a", HALCYON, "2019-03", None)], [profile("p", "Halcyon Software", "2019-03", profile_end)])
    assert bool(of_kind(found, "date_mismatch")) is fires


def test_tolerance_comes_from_config() -> None:
    found = run([job("a", HALCYON, "2019-03", "2022-01")], [profile("p", "Halcyon Software", "2019-06", "2022-01")],
                cfg=config(tol=3))
    assert not of_kind(found, "date_mismatch")


# --- title_mismatch ----------------------------------------------------------------------------------------
def test_title_mismatch_severity() -> None:
    up = run([job("a", HALCYON, "2019-03", title="Head of Engineering")],
             [profile("p", "Halcyon Software", "2019-03", title="Software Engineer")])
    assert of_kind(up, "title_mismatch")[0].severity == "red"
    down = run([job("a", HALCYON, "2019-03", title="Software Engineer")],
               [profile("p", "Halcyon Software", "2019-03", title="Senior Software Engineer")])
    assert of_kind(down, "title_mismatch")[0].severity == "yellow"
    same = run([job("a", HALCYON, "2019-03", title="Sr. Developer")],
               [profile("p", "Halcyon Software", "2019-03", title="高级软件工程师")])
    assert not of_kind(same, "title_mismatch")


# --- employer_not_on_profile / profile_employer_not_on_resume ----------------------------------------------
def test_employer_not_on_profile() -> None:
    resume = [job("a", HALCYON, "2019-03"), job("b", "Quantix Solutions Global", "2016-01", "2019-02"),
              job("c", "Bluewater Analytics", "2014-01", "2015-12")]
    found = of_kind(run(resume, [profile("p", "Halcyon Software", "2019-03", source="orcid")]),
                    "employer_not_on_profile")
    assert {f.evidence[0].values["employer"]: f.severity for f in found} == {
        "Quantix Solutions Global": "red", "Bluewater Analytics": "yellow"}


def test_no_profile_jobs_no_finding() -> None:
    resume = [job("b", "Quantix Solutions Global", "2016-01")]
    assert not of_kind(run(resume), "employer_not_on_profile")
    assert not of_kind(run(resume, [profile("g", "@quantix", source="github")]), "employer_not_on_profile")


@pytest.mark.parametrize(("company", "fires"), [("@halcyon", False), ("Halcyon Software Limited", False),
                                                ("Bluewater Analytics", True)])
def test_profile_employer_not_on_resume(company: str, fires: bool) -> None:
    found = run([job("a", HALCYON, "2019-03")], [profile("g", company, title=None, source="github")])
    assert bool(of_kind(found, "profile_employer_not_on_resume")) is fires


def test_chinese_and_english_names_are_one_employer() -> None:
    found = run([job("a", "华为技术有限公司", "2019-03", title="高级软件工程师")],
                [profile("p", "Huawei Technologies", "2019-03", title="Senior Software Engineer")])
    assert not found


# --- registry rules ----------------------------------------------------------------------------------------
def test_not_in_registry() -> None:
    found = run([job("a", "Quantix Solutions Global", "2019-03"), job("b", "Halcyon Codeworks", "2015-01", "2019-01")])
    assert [f.evidence[0].values["employer"] for f in of_kind(found, "employer_not_in_registry")] == [
        "Quantix Solutions Global"]
    assert of_kind(found, "employer_not_in_registry")[0].severity == "red"


@pytest.mark.parametrize(("start", "end", "fires"), [
    ("2015-04", "2019-01", False), ("2015-03", "2019-01", True),   # created 2015-06-01
    ("2016-01", "2020-05", False), ("2016-01", "2020-06", True),   # dissolved 2020-03-31
    ("2016-01", None, True), ("2015", "2019", False),
])
def test_inactive_during_tenure_edge(start: str, end: str | None, fires: bool) -> None:
    found = run([job("a", "Old Timber Trading", start, end)])
    assert bool(of_kind(found, "employer_inactive_during_tenure")) is fires


# --- non_compete_risk (W = 24, D = 2026-11-21) -------------------------------------------------------------
@pytest.mark.parametrize(("end", "fires"), [("2024-11", True), ("2024-10", False), (None, True), ("2024", True)])
def test_non_compete_window_edge(end: str | None, fires: bool) -> None:
    found = run([job("a", "Rival Dynamics Ltd", "2020-01", end, title="Engineer")])
    assert bool(of_kind(found, "non_compete_risk")) is fires


@pytest.mark.parametrize(("end", "title", "severity"), [
    (None, "Senior Engineer", "red"), ("2026-01", "Head of Sales", "red"), ("2026-01", "Engineer", "yellow"),
    ("2025-06", "Senior Engineer", "yellow"),
])
def test_non_compete_severity(end: str | None, title: str, severity: str) -> None:
    assert of_kind(run([job("a", "Rival Dynamics GmbH", "2020-01", end, title=title)]),
                   "non_compete_risk")[0].severity == severity


def test_competitor_by_industry_code_and_family() -> None:
    extra = [entity("gb/0999", "DOTTED CODES LTD", registry="opencorporates", codes=[("uk_sic_2007", "26.11")]),
             entity("us/1", "NAICS ONLY INC", registry="opencorporates", codes=[("us_naics_2017", "2611")])]
    index = RegistryIndex([*REGISTRY, *extra])
    for employer, fires in [("Northwind Machines", True), ("Dotted Codes", True), ("NAICS Only", False),
                            ("Cobalt Sensors", True), ("Bluewater Analytics", False), ("Example Robotics", False)]:
        found = run([job("a", employer, "2020-01", None)], index=index)
        assert bool(of_kind(found, "non_compete_risk")) is fires, employer


# --- the messages behind the sentences ---------------------------------------------------------------------
# Evidence digests of this scenario as the rules computed them when summaries were plain f-strings
# (commit 21eed7d): turning sentences into messages must not change them, or cleared findings would reopen.
# title_mismatch and date_mismatch changed once on purpose since: their evidence now carries the job
# pairing's score and reason (one-to-one alignment).
STRING_VERSION_DIGESTS = [
    ("employer_not_on_profile", "d44c3e3eb5f6ab9b0790b5b832e1c20ea35ab57e3a5a79aa82563ff6f3bd2616"),
    ("employer_not_on_profile", "20a436996b6e07dd95cd85a8f5b9f60d7692ed5d58cd26ab0dee679371888e7a"),
    ("employer_not_on_profile", "41fa9c2e34e3c955edc5590e89db9d708825373d37eac155543ce1b6e1b0eb66"),
    ("employer_not_on_profile", "74d420b34d57b28d699f3a0917cb8c3b192622d5d9106de271c53640187bef31"),
    ("profile_employer_not_on_resume", "28b19b7264375a6d976372ff4be122ebbae474af395d59b6ce22573e4a7b835a"),
    ("title_mismatch", "0958192e7069bb9b86199c3088b80b36998e52ecaee8254ebc132382b70f29bb"),
    ("date_mismatch", "cba119484e1b943b6ccfb9d45efe3dfba9df83e2d8b0c545d7fda3117f73fdd9"),
    ("overlapping_employment", "4198a599e34f6f01acb34a0872bf40205319b0f47e6411920960eb1d5e32217d"),
    ("overlapping_employment", "d82516bcd5b473d3d6663b544331e5f93c5eb36255f4f27b819eeb3afe4c7738"),
    ("employer_not_in_registry", "1880bc5e2a2be6c098d25730968de989bf50aad9a0d5840693bfc29df8659158"),
    ("employer_inactive_during_tenure", "da516bee26867d457e09595a1ddb8176de68e07ce531a430c5b6a43eb5f2d443"),
    # non_compete_risk@2.0.0 records the jurisdiction and the rule applied: a deliberate change of evidence
    # (a finding cleared under the one global window reopens once, to be looked at under its jurisdiction)
    ("non_compete_risk", "3730ad5c65205ab826c5032de30febb8b824954afdc0f0e99846f4ba4bb7e326"),
    ("career_gap", "3d70210aef7f970317f87a8568352a33f2bca13a0b8a557d307b349327002450"),
]


def every_kind() -> list[Finding]:
    resume = [job("a", HALCYON, "2017-01", "2019-03", title="Senior Software Engineer"),
              job("b", "Bluewater Analytics", "2019-08", "2021-06"),
              job("c", "Old Timber Trading Ltd", "2016-01", "2021-01"),
              job("d", "Zorblax Fabricated Holdings", "2021-07", "2022-01"),
              job("e", "Rival Dynamics", "2022-02", None, title="Lead Engineer")]
    profiles = [profile("p1", "Halcyon Software", "2018-01", "2019-03", title="Junior Software Engineer"),
                profile("p2", "Mystery Profile Co", "2014-01", "2015-01")]
    gap = [job("x", HALCYON, "2015-01", "2016-08"), job("y", "Bluewater Analytics", "2018-10")]
    return run(resume, profiles) + run(gap)


def test_evidence_digests_are_those_of_the_string_version() -> None:
    found = every_kind()
    assert [(f.kind, f.evidence_digest) for f in found] == STRING_VERSION_DIGESTS
    assert all(f.evidence_digest == evidence_digest(f.evidence) for f in found)


def test_english_rendering_of_each_message_is_the_stored_sentence() -> None:
    for f in every_kind():
        assert f.message is not None, f.kind
        assert render(f.message["summary"]) == f.summary
        assert render(f.message["question"]) == f.question
        # sources by name ("LinkedIn", "Companies House"), never by key
        for key in ("linkedin", "companies_house", "gleif", "orcid"):
            assert key not in f.summary and key not in f.question, f.summary


def test_a_sentence_given_as_a_plain_string_makes_the_same_finding() -> None:
    """``make_finding`` still takes plain strings (no message then): id and digest do not depend on it."""
    f = of_kind(every_kind(), "career_gap")[0]
    ctx = Context(CID, "greenhouse:app1", [], [], [], INDEX, config(), RunContext("test", DAY))
    plain = make_finding(ctx, BY_NAME["career_gap"], f.severity, f.summary, f.question, f.evidence,
                         [e.record_ref for e in f.evidence if e.side == "resume"])
    assert plain.message is None
    assert (plain.finding_id, plain.evidence_digest, plain.summary) == (f.finding_id, f.evidence_digest, f.summary)


def test_sentences_in_chinese() -> None:
    from include.report.i18n import translations

    zh = translations("zh_CN").gettext
    by_kind = {f.kind: f for f in every_kind()}
    assert render(by_kind["career_gap"].message["summary"], zh) == (
        "简历显示，在 Halcyon Software Ltd（2016-08 离职）与 Bluewater Analytics（2018-10 入职）之间有 25 个月的"
        "空窗期，且不在教育经历期间。")
    assert render(by_kind["employer_not_in_registry"].message["summary"], zh).startswith(
        "所查询的公司登记机构（英国公司注册处、GLEIF）均无 Zorblax Fabricated Holdings 的记录")
    assert "领英" in render(by_kind["title_mismatch"].message["summary"], zh)
    assert "指定的竞争对手：Rival Dynamics" in render(by_kind["non_compete_risk"].message["summary"], zh)
