from __future__ import annotations

import pytest

from include.engine.resolve import same_employer
from tests.engine.engine_factories import INDEX


@pytest.mark.parametrize(("name", "entity"), [
    ("Halcyon Software", "companies_house:00000001"),
    ("halcyon software limited", "companies_house:00000001"),
    ("Halcyon Codeworks", "companies_house:00000001"),  # former name
    ("Huawei Technologies", "gleif:5493001KJTIIGC8Y1R12"),
    ("華為技術有限公司", "gleif:5493001KJTIIGC8Y1R12"),
    ("Bluewater Analytics", "companies_house:00000002"),
])
def test_resolves(name: str, entity: str) -> None:
    res = INDEX.resolve(name)
    assert res.entity_id == entity
    assert res.confidence >= 0.86


@pytest.mark.parametrize("name", [
    "Quantix Solutions Global",      # only generic words in common with real companies
    "Global Software Solutions",
    "Halcyon Dynamics Systems Group",  # shares a distinctive word but is another company
    "",
])
def test_weak_matches_are_not_hits(name: str) -> None:
    assert not INDEX.resolve(name).hit


def test_fuzzy_typo_is_a_hit() -> None:
    res = INDEX.resolve("Bluewatter Analytics")
    assert res.entity_id == "companies_house:00000002" and res.method == "fuzzy"


def test_family_via_parent() -> None:
    child = INDEX.resolve("Huawei Technologies Research & Development (UK) Limited")
    assert "gleif:5493001KJTIIGC8Y1R12" in child.family


@pytest.mark.parametrize(("a", "b"), [
    ("华为技术有限公司", "Huawei Technologies"),
    ("Huawei Technologies Research & Development (UK) Ltd", "Huawei Technologies Co Ltd"),
    ("Halcyon Codeworks Ltd", "Halcyon Software"),
    ("International Business Machines", "IBM"),
    ("Halcyon Software Ltd", "@halcyon-software"),
    ("Halcyon Software", "Halcyon"),
])
def test_same_employer(a: str, b: str) -> None:
    assert same_employer(a, b, INDEX)[0]
    assert same_employer(b, a, INDEX)[0]


@pytest.mark.parametrize(("a", "b"), [
    ("Quantix Solutions Global", "Halcyon Software Solutions"),
    ("Halcyon Software", "Bluewater Analytics"),
    ("Halcyon Software", "Halcyon Dynamics Systems Group"),
])
def test_different_employers(a: str, b: str) -> None:
    assert not same_employer(a, b, INDEX)[0]


def test_a_bare_word_many_companies_share_still_names_the_resumes_entity() -> None:
    """A GitHub company field "haichuan" and a resume's 杭州海川信息技术有限公司: with namesakes in the
    register, the word's best fuzzy hit is another Haichuan; it is still one of the resume entity's own
    (transliterated) names."""
    from include.engine.resolve import RegistryIndex
    from include.models import RegistryEntity, RegistryName

    def ent(eid: str, *names: tuple[str, str]) -> RegistryEntity:
        return RegistryEntity(entity_id=eid, registry="gleif", names=[RegistryName(name=n, kind=k) for n, k in names],
                              record_url=f"https://registry.test/{eid}")

    hangzhou = ent("gleif:HZ", ("杭州海川信息技术有限公司", "legal"),
                   ("Hangzhou Haichuan Information Technology Co., Ltd.", "other"),
                   ("HANGZHOU HAICHUAN XINXI JISHU YOUXIAN GONGSI", "transliterated"))
    namesakes = [ent("gleif:SH", ("上海海川科技有限公司", "legal"), ("Shanghai Haichuan Technology Co., Ltd.", "other")),
                 ent("gleif:SZ", ("深圳市海川物流有限公司", "legal"), ("Shenzhen Haichuan Logistics Co., Ltd.", "other"))]
    index = RegistryIndex([*namesakes, hangzhou])
    assert index.resolve("haichuan").entity_id != "gleif:HZ"  # the register alone points elsewhere
    same, _score, why = same_employer("haichuan", "杭州海川信息技术有限公司", index)
    assert same and why == "a registered name of the same entity"
    assert not same_employer("haichuan", "Bluewater Analytics", INDEX)[0]
