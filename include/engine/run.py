"""Run every rule over one consenting candidate: the engine's single entry point.

A rule that cannot read a job's dates skips that job (the record is already quarantined at
ingest); one bad record never hides the other findings.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from include.config import Config
from include.engine.resolve import RegistryIndex
from include.engine.rules import non_compete, profile, registry, timeline
from include.engine.rules.common import Context
from include.models import Candidate, Education, Employment, Finding
from include.run_context import RunContext

Rule = Callable[[Context], list[Finding]]

RULES: dict[str, tuple[str, Rule]] = {
    "employer_not_on_profile": (profile.EMPLOYER_NOT_ON_PROFILE, profile.employer_not_on_profile),
    "profile_employer_not_on_resume": (profile.PROFILE_EMPLOYER_NOT_ON_RESUME,
                                       profile.profile_employer_not_on_resume),
    "title_mismatch": (profile.TITLE_MISMATCH, profile.title_mismatch),
    "date_mismatch": (profile.DATE_MISMATCH, profile.date_mismatch),
    "overlapping_employment": (timeline.OVERLAPPING_EMPLOYMENT, timeline.overlapping_employment),
    "career_gap": (timeline.CAREER_GAP, timeline.career_gap),
    "employer_not_in_registry": (registry.EMPLOYER_NOT_IN_REGISTRY, registry.employer_not_in_registry),
    "employer_inactive_during_tenure": (registry.EMPLOYER_INACTIVE_DURING_TENURE,
                                        registry.employer_inactive_during_tenure),
    "non_compete_risk": (non_compete.NON_COMPETE_RISK, non_compete.non_compete_risk),
}
RULE_VERSIONS: dict[str, str] = {kind: version for kind, (version, _) in RULES.items()}


@dataclass
class CandidateBundle:
    candidate: Candidate
    application_id: str | None
    resume_jobs: list[Employment]
    educations: list[Education]
    profile_jobs: list[Employment]


def check_candidate(bundle: CandidateBundle, index: RegistryIndex, config: Config, run: RunContext) -> list[Finding]:
    """All findings for one candidate, in a stable order; nothing at all without consent."""
    if not bundle.candidate.consent.given:
        return []
    cid = bundle.candidate.candidate_id
    ctx = Context(
        candidate_id=cid,
        application_id=bundle.application_id,
        resume_jobs=sorted(bundle.resume_jobs, key=lambda j: j.employment_id),
        educations=sorted(bundle.educations, key=lambda e: e.education_id),
        profile_jobs=sorted(bundle.profile_jobs, key=lambda j: j.employment_id),
        index=index,
        config=config,
        run=run,
    )
    findings: list[Finding] = []
    for _, rule in RULES.values():
        findings.extend(rule(ctx))
    seen: set[str] = set()
    unique = []
    for f in findings:
        if f.finding_id not in seen:
            seen.add(f.finding_id)
            unique.append(f)
    return unique
