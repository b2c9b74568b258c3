"""Names and titles as people really write them (issue 23): each class, and its confusable negative."""

from __future__ import annotations

import pytest

from include.engine.align import align
from include.engine.names import kana_to_romaji, normalise_company, same_sound, site_stripped
from include.engine.resolve import RegistryIndex, same_employer
from include.engine.titles import compare_titles, title_meaning
from tests.engine.engine_factories import DAY, INDEX, entity, job, of_kind, profile, run

EMPTY = RegistryIndex([])


@pytest.mark.parametrize("raw, norm", [
    ("@AcmeRoboticsLtd", "acmerobotics"),
    ("ExampleCorp", "example"),
    ("Ekol Lojistik San. ve Tic. Ltd. Şti.", "ekol lojistik"),
    ("Abc Tekstil Sanayi ve Ticaret Limited Şirketi", "abc tekstil"),
    ("Arçelik A.Ş.", "arcelik"),
    ("Comarch Sp. z o.o.", "comarch"),
    ("Comarch spółka z ograniczoną odpowiedzialnością", "comarch"),
    ("PT Bank Central Asia Tbk", "bank central asia"),
    ("Sony K.K.", "sony"),
    ("PetCo", "petco"),  # "Co" glued on is part of the name, not a legal form
])
def test_written_legal_forms_are_dropped(raw: str, norm: str) -> None:
    assert normalise_company(raw) == norm


@pytest.mark.parametrize("a, b", [
    ("@AcmeRoboticsLtd", "Acme Robotics Ltd"),
    ("RepublicServicesCorp", "Republic Services"),
    ("SettleLydfordEngineeringLtd", "Settle & Lydford Engineering Ltd"),
    ("J. Meier AG", "Johann Meier AG"),
    ("Hitachi CM", "Hitachi Construction Machinery"),
    ("Acme Robotics Gdansk Plant", "Acme Robotics Sp. z o.o."),
    ("Bosch Werk Bamberg", "Bosch"),
    ("Ekol Lojistik San. ve Tic. Ltd. Şti.", "Ekol Lojistik Sanayi ve Ticaret Limited Şirketi"),
    ("パナソニック", "Panasonic"),
    ("キーエンス", "Keyence Corporation"),
    ("ファーストリテイリング", "Fast Retailing Co., Ltd."),
    ("トヨタ自動車", "Toyota Motor Corporation"),
    ("삼성전자", "Samsung Electronics"),
    ("현대자동차", "Hyundai Motor Company"),
])
def test_one_company_written_another_way(a: str, b: str) -> None:
    assert same_employer(a, b, EMPTY)[0], same_employer(a, b, EMPTY)


@pytest.mark.parametrize("a, b", [
    ("Delta Srl", "DELTA Q SERVICES"),  # one shared word, and a letter code that tells them apart
    ("Tokyo Gas", "Osaka Gas"),
    ("East Japan Railway", "West Japan Railway Company"),
    ("J. Meier AG", "Johann Maier AG"),
    ("A. Meier", "B. Meier"),
    ("Fox Plant Kraków", "Fox Factory"),  # a site on both sides: the names themselves must agree
    ("CTS Suzhou Site", "CTS Eventim"),
    ("BR", "Barratt Redrow"),  # two-letter initials name too many companies
    ("ソニー", "Sanyo"),
    ("スズキ", "Sasaki"),
    ("삼성전자", "Samsonite"),
])
def test_different_companies_stay_apart(a: str, b: str) -> None:
    assert not same_employer(a, b, EMPTY)[0], same_employer(a, b, EMPTY)


def test_kana_read_in_hepburn() -> None:
    assert kana_to_romaji("パナソニック") == "panasonikku"
    assert kana_to_romaji("ファースト") == "faasuto"
    assert kana_to_romaji("しゃ") == "sha"
    assert same_sound(normalise_company("ソニーグループ株式会社"), normalise_company("Sony Group"))


def test_site_qualifiers() -> None:
    assert site_stripped("acme gdansk plant") == ["acme gdansk", "acme"]
    assert site_stripped("bosch werk bamberg") == ["bosch"]
    assert site_stripped("acme robotics") == []
    assert site_stripped("fox factory") == []  # a name ending in a site word is a name


def test_two_registered_namesakes_are_two_employers() -> None:
    index = RegistryIndex([entity("1", "杭州云栈网络技术有限公司", registry="gleif", others=["云栈"]),
                           entity("2", "成都云栈文化传媒有限公司", registry="gleif")])
    assert same_employer("杭州云栈网络技术有限公司", "Yunzhan", index)[0]
    assert not same_employer("Yunzhan", "成都云栈文化传媒有限公司", index)[0]


# ---- titles: level words are seniority claims -------------------------------------------------------

@pytest.mark.parametrize("higher, lower", [
    ("Group Product Manager", "Product Manager"),
    ("Senior Director", "Director"),
    ("Director", "Associate Director"),
    ("Manager", "Assistant Manager"),
    ("Senior Principal Engineer", "Principal Engineer"),
    ("Senior Vice President", "Vice President"),
    ("高级经理", "经理"),
    ("总监", "副总监"),
    ("Software Engineer", "Associate Software Engineer"),
])
def test_a_level_word_in_front_is_a_seniority_claim(higher: str, lower: str) -> None:
    differs, why, jump = compare_titles(higher, lower)
    assert differs and why == "different seniority" and jump > 0
    assert title_meaning(higher).order > title_meaning(lower).order


@pytest.mark.parametrize("a, b", [
    ("Sr. Director", "Senior Director"), ("高级经理", "Senior Manager"), ("副总监", "Deputy Director"),
    ("Director of Engineering", "Engineering Director"), ("Senior Software Engineer", "高级软件工程师"),
])
def test_the_same_level_in_other_words_is_not(a: str, b: str) -> None:
    assert compare_titles(a, b) == (False, "same role", 0)


# ---- alignment: one-to-one, optimal, explained ------------------------------------------------------

def test_alignment_is_optimal_not_greedy() -> None:
    """The long resume job fits both profile jobs equally; only the optimum pairs the short one too."""
    resume = [job("long", "Halcyon Software", "2015-01", "2020-12"), job("short", "Halcyon Software", "2016-01",
                                                                         "2016-12")]
    prof = [profile("p1", "Halcyon Software", "2016-01", "2016-12"), profile("p2", "Halcyon Software", "2018-01",
                                                                            "2020-12")]
    pairs = {(p.resume.employment_id, p.profile.employment_id) for p in align(resume, prof, INDEX, DAY)}
    assert pairs == {("greenhouse:long", "linkedin:p2"), ("greenhouse:short", "linkedin:p1")}


def test_a_subsidiary_job_is_not_covered_by_the_parents_paired_profile_job() -> None:
    resume = [job("a", "华为技术有限公司", "2015-01", "2018-12"),
              job("b", "Huawei Technologies Research & Development (UK) Limited", "2019-01", "2021-12")]
    prof = [profile("p", "Huawei Technologies", "2015-01", "2018-12")]
    found = of_kind(run(resume, prof), "employer_not_on_profile")
    assert [f.evidence[0].record_ref for f in found] == ["greenhouse:b"]
    # the parent job alone on the resume is paired with it, so nothing is flagged
    assert not of_kind(run(resume[:1], prof), "employer_not_on_profile")


def test_title_finding_carries_the_pairing_score_and_reason() -> None:
    resume = [job("a", "Halcyon Software Ltd", "2018-01", "2020-12", title="Group Product Manager")]
    prof = [profile("p", "HALCYON SOFTWARE LIMITED", "2018-01", "2020-12", title="Product Manager")]
    (finding,) = of_kind(run(resume, prof), "title_mismatch")
    assert finding.severity == "red"
    values = finding.evidence[-1].values
    assert values["pairing_score"] == pytest.approx(1.0 + 2.0 + 0.25, abs=0.05)
    assert values["pairing_time_overlap"] == 1.0 and values["pairing_title"] == "same function, another level"
    assert values["pairing_employer_confidence"] == 1.0
