"""The world adapter and the evaluation CLI on a tiny hand-written world in the WORLD.md format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.engine import evaluate_world, main
from evaluation.world_adapter import bundles_from_world

WORLD = {
    "seed": 1, "generated_for_day": "2026-11-21",
    "hiring_company": {"name": "Example Robotics Ltd", "registry_ids": {"companies_house": "01234567"},
                       "industry_codes": {"sic": ["26110"]}, "competitors": ["Rival Dynamics"]},
    "jobs": [],
    "candidates": [
        {"ats": "greenhouse", "id": "11", "application_id": "71", "job_id": "1", "consent": True,
         "employments": [
             {"id": "e1", "company_name": "Halcyon Software Ltd", "title": "Senior Developer", "start": "2019-03",
              "end": None, "employment_type": "full_time"},
             {"id": "e2", "company_name": "Quantix Solutions Global", "title": "Software Engineer",
              "start": "2016-01", "end": "2019-02", "employment_type": "full_time"}],
         "educations": [], "links": {"orcid": "0000-0002-1825-0097", "github": "asilva", "linkedin": None},
         "linkedin_positions_csv": None},
        {"ats": "lever", "id": "9b1c", "application_id": "op-1", "job_id": "1", "consent": False,
         "employments": [{"id": "x", "company_name": "Nowhere Fabricated Global", "title": "CEO", "start": "2020",
                          "end": None, "employment_type": "full_time"}],
         "educations": [], "links": {}, "linkedin_positions_csv": None},
        {"ats": "lever", "id": "7a2d", "application_id": "op-2", "job_id": "1", "consent": True,
         "employments": [{"id": "y", "company_name": "Halcyon Software", "title": "Engineer", "start": "2020-01",
                          "end": "2021-01", "employment_type": "full_time"}],
         "educations": [], "links": {"orcid": None, "github": None, "linkedin": "https://linkedin.test/in/x"},
         "linkedin_positions_csv": "Company Name,Title,Description,Location,Started On,Finished On\n"
                                   "Halcyon Software,Engineer,,Leeds,Jan 2020,Jan 2021\n"
                                   "Bluewater Analytics,Analyst,,Leeds,Feb 2021,\n"},
    ],
    "orcid": {"0000-0002-1825-0097": {"employments": [
        {"put_code": 5, "organization": {"name": "Halcyon Software"}, "role_title": "Senior Software Engineer",
         "start_date": {"year": "2019", "month": "03", "day": None}, "end_date": None}]}},
    "github": {"asilva": {"login": "asilva", "company": "@halcyon"}},
    "companies_house": [{"company_number": "00000001", "company_name": "HALCYON SOFTWARE LTD",
                         "company_status": "active", "date_of_creation": "2001-05-01", "date_of_cessation": None,
                         "sic_codes": ["62012"], "previous_company_names": []}],
    "gleif": [], "opencorporates": [
        {"jurisdiction_code": "gb", "company_number": "00000002", "name": "BLUEWATER ANALYTICS LTD",
         "incorporation_date": "2010-01-01", "dissolution_date": None, "current_status": "Active",
         "industry_codes": [{"code": "62.01", "code_scheme_id": "uk_sic_2007"}], "previous_names": []}],
}
LABELS = ("candidate_id,kind,note\n"
          "greenhouse:11,employer_not_on_profile,fabricated\n"
          "greenhouse:11,employer_not_in_registry,fabricated\n"
          "lever:9b1c,employer_not_in_registry,no consent: not counted\n"
          "lever:7a2d,profile_employer_not_on_resume,left out\n")


def _write(tmp_path: Path) -> Path:
    (tmp_path / "world.json").write_text(json.dumps(WORLD, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "labels.csv").write_text(LABELS, encoding="utf-8")
    return tmp_path


def test_adapter(tmp_path: Path) -> None:
    bundles, entities, labels = bundles_from_world(_write(tmp_path))
    assert [b.candidate.candidate_id for b in bundles] == ["greenhouse:11", "lever:9b1c", "lever:7a2d"]
    first = bundles[0]
    assert first.application_id == "greenhouse:71"
    assert {j.source for j in first.profile_jobs} == {"orcid", "github"}
    assert next(j for j in first.profile_jobs if j.source == "orcid").start_raw == "2019-03"
    assert [j.start_raw for j in bundles[2].profile_jobs] == ["Jan 2020", "Feb 2021"]
    assert {e.entity_id for e in entities} == {"companies_house:00000001", "opencorporates:gb/00000002"}
    assert ("lever:7a2d", "profile_employer_not_on_resume") in labels


def test_evaluation_is_perfect_on_the_tiny_world(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    scores, findings = evaluate_world(_write(tmp_path))
    assert all(p == 1.0 and r == 1.0 for p, r, *_ in scores.values()), scores
    assert not any(f.candidate_id == "lever:9b1c" for f in findings)
    assert main(["--world", str(tmp_path), "--min", "0.95"]) == 0
    assert "employer_not_in_registry" in capsys.readouterr().out


@pytest.mark.parametrize("seed", [42, 7])
def test_precision_and_recall_on_generated_worlds(seed: int, tmp_path: Path) -> None:
    """The acceptance bar: >= 0.95 precision and recall for every kind (seed 42 tuned, seed 7 held out)."""
    generator = pytest.importorskip("sandbox.generator")
    generator.generate(seed, tmp_path)
    scores, _ = evaluate_world(tmp_path)
    low = {k: s for k, s in scores.items() if s[0] < 0.95 or s[1] < 0.95}
    assert not low, low
    assert sum(s[2] for s in scores.values()) > 100  # the world really had planted findings
