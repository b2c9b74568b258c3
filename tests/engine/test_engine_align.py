from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from include.engine.align import align
from include.engine.resolve import same_employer
from tests.engine.engine_factories import DAY, INDEX, job, profile

EMPLOYERS = ["Halcyon Software Ltd", "HALCYON SOFTWARE LIMITED", "Bluewater Analytics", "Quantix Solutions Global",
             "Huawei Technologies", "华为技术有限公司", "Northwind Machines", "Rival Dynamics"]


def test_aligns_by_employer_then_time() -> None:
    resume = [job("a", "Halcyon Software Ltd", "2015-01", "2016-12"),
              job("b", "Halcyon Software Ltd", "2018-01", "2020-12")]
    prof = [profile("p", "Halcyon Software", "2018-02", "2020-12"), profile("q", "Halcyon Software", "2015-01",
                                                                             "2016-10")]
    pairs = {(p.resume.employment_id, p.profile.employment_id) for p in align(resume, prof, INDEX, DAY)}
    assert pairs == {("greenhouse:a", "linkedin:q"), ("greenhouse:b", "linkedin:p")}


def test_never_pairs_different_employers() -> None:
    assert not align([job("a", "Halcyon Software", "2019-01")], [profile("p", "Bluewater Analytics", "2019-01")],
                     INDEX, DAY)


months = st.integers(min_value=2010 * 12, max_value=2026 * 12)
jobs = st.lists(st.tuples(st.sampled_from(EMPLOYERS), months, st.integers(0, 60)), max_size=5)


def _ym(m: int) -> str:
    return f"{m // 12}-{m % 12 + 1:02d}"


@settings(max_examples=60, deadline=None)
@given(jobs, jobs)
def test_one_to_one_symmetric_same_employer(a_spec: list, b_spec: list) -> None:  # type: ignore[type-arg]
    a = [job(f"r{i}", e, _ym(s), _ym(s + d)) for i, (e, s, d) in enumerate(a_spec)]
    b = [profile(f"p{i}", e, _ym(s), _ym(s + d)) for i, (e, s, d) in enumerate(b_spec)]
    forward = align(a, b, INDEX, DAY)
    backward = align(b, a, INDEX, DAY)
    left = [p.resume.employment_id for p in forward]
    right = [p.profile.employment_id for p in forward]
    assert len(left) == len(set(left)) and len(right) == len(set(right))
    assert {(p.resume.employment_id, p.profile.employment_id) for p in forward} == {
        (p.profile.employment_id, p.resume.employment_id) for p in backward}
    for p in forward:
        assert same_employer(p.resume.employer, p.profile.employer, INDEX)[0]
