"""Run every rule over one consenting candidate: the engine's single entry point.

A rule that cannot read a job's dates skips that job (the record is already quarantined at
ingest); one bad record never hides the other findings. Findings that rest on a part of the record
that was quarantined are suppressed or softened (``include.engine.incomplete``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from include.config import Config
from include.engine import kinds
from include.engine.incomplete import account_for_quarantine
from include.engine.resolve import RegistryIndex
from include.engine.rules.common import Context
from include.models import Candidate, Education, Employment, Finding
from include.run_context import RunContext

# Derived from the kinds' declarations (include/engine/rules/*): name -> rule, in report order.
RULES = {spec.name: spec.rule for spec in kinds.SPECS}
RULE_VERSIONS: dict[str, str] = dict(kinds.RULE_VERSIONS)


@dataclass
class CandidateBundle:
    candidate: Candidate
    application_id: str | None
    resume_jobs: list[Employment]
    educations: list[Education]
    profile_jobs: list[Employment]
    # the candidate's quarantined records (include.warehouse.quarantine.incomplete_records)
    quarantined: list[dict[str, Any]] = field(default_factory=list)


def check_candidate(bundle: CandidateBundle, index: RegistryIndex, config: Config, run: RunContext) -> list[Finding]:
    """All findings for one candidate, in a stable order; nothing at all without consent."""
    return check_candidate_due(bundle, index, config, run)[0]


def check_candidate_due(
    bundle: CandidateBundle, index: RegistryIndex, config: Config, run: RunContext
) -> tuple[list[Finding], date | None]:
    """``check_candidate``, and the first day after the report day on which a rule may give this candidate
    another result with the same inputs (the earliest of the kinds' ``next_change``), or None."""
    if not bundle.candidate.consent.given:
        return [], None
    ctx = _context(bundle, index, config, run)
    findings: list[Finding] = []
    for rule in RULES.values():
        findings.extend(rule(ctx))
    due = [d for spec in kinds.SPECS if (d := spec.next_change(ctx)) is not None]
    findings = account_for_quarantine(findings, bundle.quarantined, ctx.same)
    seen: set[str] = set()
    unique = []
    for f in findings:
        if f.finding_id not in seen:
            seen.add(f.finding_id)
            unique.append(f)
    return unique, min(due, default=None)


def next_changes(bundle: CandidateBundle, index: RegistryIndex, config: Config, run: RunContext) -> dict[str, date | None]:
    """Each kind's ``next_change`` for this candidate (what ``check_candidate_due`` takes the earliest of)."""
    ctx = _context(bundle, index, config, run)
    return {spec.name: spec.next_change(ctx) for spec in kinds.SPECS}


def _context(bundle: CandidateBundle, index: RegistryIndex, config: Config, run: RunContext) -> Context:
    return Context(
        candidate_id=bundle.candidate.candidate_id,
        application_id=bundle.application_id,
        resume_jobs=sorted(bundle.resume_jobs, key=lambda j: j.employment_id),
        educations=sorted(bundle.educations, key=lambda e: e.education_id),
        profile_jobs=sorted(bundle.profile_jobs, key=lambda j: j.employment_id),
        index=index,
        config=config,
        run=run,
        candidate=bundle.candidate,
    )
