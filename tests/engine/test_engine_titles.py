from __future__ import annotations

import pytest

from include.engine.titles import compare_titles, is_senior, title_meaning


@pytest.mark.parametrize(("a", "b"), [
    ("Sr. Developer", "Senior Software Engineer"),
    ("Jr. Programmer", "Junior Developer"),
    ("Software Engineer II", "Software Engineer 2"),
    ("Mgr, Product", "Product Manager"),
    ("Engineer, Software", "Software Engineer"),
    ("Eng Manager", "Engineering Manager"),
    ("高级软件工程师", "Senior Software Engineer"),
    ("產品經理", "Product Manager"),
    ("数据科学家", "Data Scientist"),
    ("销售总监", "Sales Director"),
    ("数据部门负责人", "Head of Data"),
    ("实习生", "Intern"),
    ("VP Engineering", "Vice President of Engineering"),
    ("Developer", "Software Engineer"),
])
def test_same_in_substance(a: str, b: str) -> None:
    differs, why, _ = compare_titles(a, b)
    assert not differs, why


@pytest.mark.parametrize(("resume", "profile", "why", "jump_sign"), [
    ("Senior Software Engineer", "Software Engineer", "different seniority", 1),
    ("Software Engineer", "Senior Software Engineer", "different seniority", -1),
    ("Engineering Manager", "Software Engineer", "different seniority", 1),
    ("Head of Engineering", "Senior Developer", "different seniority", 1),
    ("Sales Manager", "Software Engineer", "different function", 0),
    ("Project Manager", "Product Manager", "different function", 0),
    ("Data Scientist", "Data Analyst", "different function", 0),
    ("Intern", "Software Engineer", "different seniority", -1),
])
def test_differs(resume: str, profile: str, why: str, jump_sign: int) -> None:
    differs, reason, jump = compare_titles(resume, profile)
    assert differs and reason == why
    assert (jump > 0) - (jump < 0) == jump_sign


def test_missing_title_is_not_a_mismatch() -> None:
    assert not compare_titles(None, "Engineer")[0]


def test_levels() -> None:
    assert title_meaning("Principal Engineer").level == "lead"
    assert title_meaning("CTO").level == "chief"
    assert is_senior("Senior Developer") and is_senior("Product Manager") and not is_senior("Developer")
