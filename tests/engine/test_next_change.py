"""The kinds' declared time dependence (``KindSpec.next_change``) is never late.

For every candidate of a generated world (with non-compete agreements ending at various days added),
the engine's findings on every sampled day after the report day and before the declared next change
are exactly the report day's: ids, severities, texts and evidence digests. A day too early costs an
incremental run a re-check; a day too late would keep a finding a full re-check changes. The test also
shows the declarations are not vacuous: on the declared day, findings do change for some candidates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from include.engine.kinds import KINDS
from include.engine.resolve import RegistryIndex
from include.engine.rules.common import month_turn
from include.engine.run import check_candidate, check_candidate_due, next_changes
from include.models import Employment, NonCompeteFacts, RegistryName
from include.run_context import RunContext

DAY = date(2026, 11, 21)


def _sample_days(start: date) -> list[date]:
    days = {start + timedelta(days=n) for n in range(1, 70)}
    first = month_turn(start)
    for _ in range(30):
        days.update({first, first - timedelta(days=1)})
        first = month_turn(first)
    days.add(start + timedelta(days=1000))
    return sorted(days)


def _key(findings) -> list[tuple]:
    return sorted((f.finding_id, f.severity, f.evidence_digest, f.summary, f.question, str(f.message))
                  for f in findings)


@pytest.fixture(scope="module")
def engine_world(tmp_path_factory):
    from evaluation.engine import _world_config
    from evaluation.world_adapter import bundles_from_world, load_world
    from sandbox.generator import generate

    out = tmp_path_factory.mktemp("next-change-world")
    generate(42, out, n_candidates=120, report_day=DAY.isoformat())
    bundles, entities, _labels = bundles_from_world(out)
    config = _world_config(load_world(out))
    template = next(e for e in entities if e.created and e.names)
    just_dissolved = template.model_copy(update={  # a current job there becomes a finding in February
        "entity_id": f"{template.registry}:crafted", "names": [RegistryName(name="Quillmoor Gearworks Ltd", kind="legal")],
        "created": "2001-05-01", "dissolved": "2026-10-15", "status": "dissolved", "parent_ids": []})
    index = RegistryIndex([*entities, just_dissolved])
    bundles = [b for b in bundles if b.candidate.consent.given]
    # agreements HR recorded, ending on assorted days around the report day (and one already ended), for
    # the candidates with a competitor job and a few others
    competing = [b for b in bundles if any(f.kind == "non_compete_risk"
                                           for f in check_candidate(b, index, config, RunContext("r", DAY)))]
    ends = [DAY + timedelta(days=d) for d in (-3, 0, 1, 9, 40, 400)]
    for i, b in enumerate([*competing, *bundles[:6]]):
        facts = NonCompeteFacts(has_agreement=True, ends_on=ends[i % len(ends)].isoformat(),
                                source_field="custom_field:non_compete_end_date")
        b.candidate = b.candidate.model_copy(update={"non_compete": facts})
    return [*bundles, *_crafted(bundles[0])], index, config


def _crafted(template) -> list:
    """Candidates whose findings move with the month: two current full-time jobs (the overlap grows), a
    current job before one that starts later (the gap shrinks), a current job at a company dissolved
    last month (a finding once the time since passes the tolerance)."""

    def job(n: int, employer: str, start: str, end: str | None) -> Employment:
        return Employment(employment_id=f"greenhouse:crafted-{n}", candidate_id=template.candidate.candidate_id,
                          source="greenhouse", employer=employer, title="Engineer", start_raw=start, end_raw=end,
                          employment_type="full_time", record_ref=f"crafted-{n}")

    plans = [
        [job(1, "Halcyon Widgets", "2024-01", None), job(2, "Brightwater Tools", "2025-02", None)],
        [job(3, "Halcyon Widgets", "2019-01", None), job(4, "Brightwater Tools", "2027-06", None)],
        [job(5, "Quillmoor Gearworks Ltd", "2015-03", None)],
    ]
    return [replace(template, resume_jobs=jobs, profile_jobs=[], educations=[]) for jobs in plans]


def test_no_finding_changes_before_the_declared_next_change(engine_world):
    """Kind by kind: each kind's findings stay the same until that kind's own next_change (another kind's
    earlier day must not hide a late declaration)."""
    bundles, index, config = engine_world
    days = _sample_days(DAY)
    changed_on_due: dict[str, int] = {k: 0 for k in KINDS}
    never = 0
    for b in bundles:
        found, due = check_candidate_due(b, index, config, RunContext("r", DAY))
        per_kind = next_changes(b, index, config, RunContext("r", DAY))
        assert due == min((d for d in per_kind.values() if d is not None), default=None)
        never += due is None
        later = {day: check_candidate(b, index, config, RunContext("r", day)) for day in days}
        for kind, kind_due in per_kind.items():
            expected = _key(f for f in found if f.kind == kind)
            for day in days:
                if kind_due is not None and day >= kind_due:
                    break
                got = _key(f for f in later[day] if f.kind == kind)
                assert got == expected, (kind, b.candidate.candidate_id, day, kind_due)
            if kind_due is not None:
                assert kind_due > DAY
            changed_on_due[kind] += any(_key(f for f in later[day] if f.kind == kind) != expected for day in days)
    assert never > 0, "no candidate was found time-independent: the declarations are all 'every day'"
    for kind in ("non_compete_risk", "career_gap", "overlapping_employment", "date_mismatch",
                 "employer_inactive_during_tenure"):
        assert changed_on_due[kind] > 0, f"no {kind} finding changed with the day: its time dependence was not exercised"


def test_an_ending_agreement_is_due_the_day_after_it_ends(engine_world):
    bundles, index, config = engine_world
    seen = 0
    for b in bundles:
        facts = b.candidate.non_compete
        if facts is None or facts.ends_on is None:
            continue
        ends = date.fromisoformat(facts.ends_on)
        found, due = check_candidate_due(b, index, config, RunContext("r", DAY))
        if ends >= DAY and any(f.kind == "non_compete_risk" for f in found):
            seen += 1
            assert due is not None and due <= ends + timedelta(days=1)
            after = check_candidate(b, index, config, RunContext("r", ends + timedelta(days=1)))
            assert not [f for f in after if f.kind == "non_compete_risk"]
    assert seen > 0, "no candidate with a competitor job got an agreement: nothing was tested"


def test_a_kind_without_a_declaration_is_due_every_day():
    from include.engine.rules.spec import KindSpec, every_day

    spec = KindSpec(name="x", version="1.0.0", position=999, rule=lambda ctx: [], label="x", severities=("blue",),
                    severity_policy="p", fires_when="f", benign="b", evidence="e", question="q", why_question="w")
    assert spec.next_change is every_day

    class Ctx:
        run = RunContext("r", DAY)

    assert spec.next_change(Ctx()) == DAY + timedelta(days=1)  # type: ignore[arg-type]
