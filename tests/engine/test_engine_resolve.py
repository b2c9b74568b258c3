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
