"""non_compete_risk by jurisdiction (report day 2026-11-21): the candidate's location first, else the former
employer's registry record; HR's agreement facts from the ATS before either."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from include.config import ConfigError, load_config
from include.engine.messages import render
from include.engine.resolve import RegistryIndex
from include.engine.run import CandidateBundle, check_candidate
from include.models import Candidate, Consent, Finding, NonCompeteFacts, RegistryEntity, RegistryName
from include.report.i18n import translations
from include.run_context import RunContext
from tests.engine.engine_factories import CID, DAY, REGISTRY, config, job

COMPETITORS = ("Rival Dynamics", "Shenzhen Deep Robotics", "Munich Motion", "Bay Robotics")


def _entity(eid: str, name: str, jurisdiction: str) -> RegistryEntity:
    return RegistryEntity(entity_id=f"gleif:{eid}", registry="gleif", names=[RegistryName(name=name, kind="legal")],
                          status="ACTIVE", jurisdiction=jurisdiction, record_url=f"https://registry.test/{eid}")


INDEX = RegistryIndex([*REGISTRY, _entity("CN0000000000000000001", "Shenzhen Deep Robotics Co., Ltd.", "CN"),
                       _entity("DE0000000000000000001", "Munich Motion GmbH", "DE"),
                       _entity("US0000000000000000001", "Bay Robotics Inc.", "US-CA")])


def _candidate(location: str | None = None, facts: NonCompeteFacts | None = None) -> Candidate:
    return Candidate(candidate_id=CID, source="greenhouse", source_id="1", location=location, non_compete=facts,
                     consent=Consent(given=True, source_field="custom_field:background_check_consent", value="true",
                                     read_at="2026-11-21T00:00:00Z"),
                     updated_at="2026-11-21T00:00:00Z")


def non_compete(employer: str, end: str | None, title: str, *, location: str | None = None,
                facts: NonCompeteFacts | None = None, window: int = 24) -> list[Finding]:
    bundle = CandidateBundle(_candidate(location, facts), "greenhouse:app1",
                             [job("a", employer, "2019-01", end, title=title)], [], [])
    found = check_candidate(bundle, INDEX, config(window=window, competitors=COMPETITORS), RunContext("t", DAY))
    return [f for f in found if f.kind == "non_compete_risk"]


def rule_evidence(f: Finding) -> dict[str, Any]:
    return next(e.values for e in f.evidence if e.record_ref == "non_compete.rules")


def test_a_california_engineer_is_information_only_whatever_the_former_employer() -> None:
    for employer in ("Rival Dynamics", "Bay Robotics"):  # a UK competitor, and a Californian one
        [f] = non_compete(employer, None, "Senior Robotics Engineer", location="US-CA")
        assert f.severity == "blue"
        assert rule_evidence(f)["jurisdiction"] == "US-CA" and rule_evidence(f)["treatment"] == "void"
        assert "California Business and Professions Code §§ 16600-16600.5 voids non-competes" in f.summary
    [f] = non_compete("Bay Robotics", "2026-06", "Senior Engineer")  # no location: the registry's state
    assert f.severity == "blue"
    assert rule_evidence(f)["jurisdiction_from"] == "the former employer's registry record"


def test_a_junior_chinese_engineer_is_a_question_not_a_bar() -> None:
    [f] = non_compete("Shenzhen Deep Robotics", "2026-05", "Software Engineer", location="China")
    assert f.severity == "yellow"
    assert rule_evidence(f)["rule"] == "CN" and rule_evidence(f)["max_months"] == 24
    assert "only senior managers, senior technical staff and others bound to confidentiality" in f.summary


@pytest.mark.parametrize(("end", "window", "severity"), [
    ("2025-05", 24, "red"),  # 18 months after leaving: within the two years the law allows
    ("2024-05", 36, None),  # 30 months: past them, even with a longer general window
    ("2024-05", 24, None),
])
def test_a_senior_chinese_engineer_18_and_30_months_after_leaving(end: str, window: int,
                                                                   severity: str | None) -> None:
    found = non_compete("Shenzhen Deep Robotics", end, "Senior Software Engineer", location="CN", window=window)
    assert [f.severity for f in found] == ([severity] if severity else [])


def test_the_registry_gives_the_jurisdiction_when_the_location_is_unknown() -> None:
    [f] = non_compete("Shenzhen Deep Robotics", "2025-05", "Senior Software Engineer")
    assert f.severity == "red" and rule_evidence(f)["jurisdiction"] == "CN"


def test_uk_and_eu_courts_weigh_length_and_scope_so_never_red() -> None:
    [uk] = non_compete("Rival Dynamics", None, "Head of Engineering", location="GB")
    [de] = non_compete("Munich Motion", None, "Head of Engineering")
    [late] = non_compete("Rival Dynamics", "2024-05", "Head of Engineering", location="United Kingdom", window=36)
    assert [uk.severity, de.severity, late.severity] == ["yellow", "yellow", "yellow"]
    assert rule_evidence(de)["rule"] == "EU" and rule_evidence(de)["jurisdiction"] == "DE"


def test_without_a_rule_the_general_policy_applies_and_says_so() -> None:
    [f] = non_compete("Rival Dynamics", None, "Senior Engineer", location="BR")
    assert f.severity == "red"
    assert "No non-compete rule is configured for BR" in f.summary


def test_hr_facts_from_the_ats_come_first() -> None:
    src = "custom_field:non_compete_agreement"
    none = NonCompeteFacts(has_agreement=False, source_field=src)
    ended = NonCompeteFacts(has_agreement=True, ends_on="2026-10-31", source_field=src)
    binding = NonCompeteFacts(has_agreement=True, ends_on="2027-05-31", source_field=src)
    assert non_compete("Shenzhen Deep Robotics", "2026-05", "Senior Engineer", location="CN", facts=none) == []
    assert non_compete("Shenzhen Deep Robotics", "2026-05", "Senior Engineer", location="CN", facts=ended) == []
    [f] = non_compete("Shenzhen Deep Robotics", "2026-05", "Software Engineer", location="CN", facts=binding)
    assert f.severity == "red"  # a junior bound by an agreement HR holds
    assert f.summary.endswith("HR's record in the ATS: a non-compete agreement until 2027-05-31.")
    assert {"has_agreement": True, "ends_on": "2027-05-31"} in [e.values for e in f.evidence]


def test_the_rule_sentence_is_translated() -> None:
    [f] = non_compete("Shenzhen Deep Robotics", "2025-05", "Senior Software Engineer", location="CN")
    assert f.message is not None
    zh = render(f.message["summary"], translations("zh_CN").gettext)
    assert "最长 24 个月" in zh and "PRC Labour Contract Law" in zh


def test_rules_come_from_the_configuration_and_a_wrong_one_fails_in_one_line(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("hiring_company: {name: X}\nnon_compete:\n  rules:\n    US-WA: {treatment: weighed, "
                    "law: RCW 49.62}\n", encoding="utf-8")
    rules = load_config(good).non_compete.rules
    assert rules["US-WA"].law == "RCW 49.62" and "CN" not in rules  # a list given replaces the defaults
    assert "US-CA" in load_config(_yaml(tmp_path, "hiring_company: {name: X}\n")).non_compete.rules
    bad = _yaml(tmp_path, "hiring_company: {name: X}\nnon_compete: {rules: {CN: {treatment: maybe, law: x}}}\n")
    with pytest.raises(ConfigError) as err:
        load_config(bad)
    assert "non_compete.rules.CN.treatment" in str(err.value) and "\n" not in str(err.value)


def _yaml(tmp: Path, text: str) -> Path:
    p = tmp / f"c{abs(hash(text))}.yaml"
    p.write_text(text, encoding="utf-8")
    return p
