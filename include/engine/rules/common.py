"""What every rule shares: the candidate's context, evidence items, and stable finding ids.

A finding's id hashes only what identifies it (kind, candidate, the records involved), never the
wording or the values, so a re-run or a reworded summary keeps the id; the evidence digest hashes
the values, so a cleared finding reopens when what it rests on changes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from include.config import Config
from include.engine import messages
from include.engine.align import Pair, align, safe_span
from include.engine.dates import Span
from include.engine.messages import Message, finding_message, render
from include.engine.resolve import RegistryIndex, Resolution, same_employer
from include.engine.rules.spec import KindSpec, Threshold
from include.models import Candidate, Education, Employment, EvidenceItem, Finding, RegistryEntity, Severity
from include.run_context import RunContext

PROFILE_WITH_JOBS = ("orcid", "linkedin")

# Read by several kinds, so declared here once; a kind lists it in its ``thresholds``.
DATE_TOLERANCE = Threshold(
    "date_tolerance_months", "T", 2,
    "How far two dates may differ before they disagree: a difference of at most this many months is noise.")


@dataclass
class Context:
    """One candidate's records plus the shared registry index, with per-candidate caches."""

    candidate_id: str
    application_id: str | None
    resume_jobs: list[Employment]
    educations: list[Education]
    profile_jobs: list[Employment]
    index: RegistryIndex
    config: Config
    run: RunContext  # the run being checked: its report day is 'today' for every rule
    candidate: Candidate | None = None  # the candidate's own record (location, agreement facts), when known
    _spans: dict[str, Span | None] = field(default_factory=dict)
    _pairs: list[Pair] | None = None
    _same: dict[tuple[str, str], bool] = field(default_factory=dict)

    def span(self, job: Employment | Education) -> Span | None:
        key = job.employment_id if isinstance(job, Employment) else "edu:" + job.education_id
        if key not in self._spans:
            self._spans[key] = safe_span(job, self.run.report_day)
        return self._spans[key]

    @property
    def pairs(self) -> list[Pair]:
        """Resume jobs aligned with each profile separately: a job can have a counterpart on ORCID and
        another on LinkedIn, and each may disagree with the resume on its own."""
        if self._pairs is None:
            self._pairs = []
            for source in sorted({p.source for p in self.profile_jobs}):
                mine = [p for p in self.profile_jobs if p.source == source]
                self._pairs.extend(align(self.resume_jobs, mine, self.index, self.run.report_day))
        return self._pairs

    def same(self, a: str, b: str) -> bool:
        key = (a, b) if a <= b else (b, a)
        if key not in self._same:
            self._same[key] = same_employer(a, b, self.index)[0]
        return self._same[key]

    def family_only(self, a: str, b: str) -> bool:
        """Whether two employers are one only as parent and subsidiary (not one company)."""
        return same_employer(a, b, self.index)[2].startswith("same corporate family")

    def resolve(self, name: str) -> Resolution:
        return self.index.resolve(name)

    def threshold(self, threshold: Threshold) -> int:
        """The configured value of a threshold the rule declares (the configuration holds its default)."""
        value: int = getattr(self.config.thresholds, threshold.key)
        return value


def month_turn(day: date) -> date:
    """The first day of the month after ``day``: when a current job's span (month-granular) grows."""
    return date(day.year + 1, 1, 1) if day.month == 12 else date(day.year, day.month + 1, 1)


def turn_if_current(ctx: Context, *groups: Iterable[Employment | Education]) -> date | None:
    """The next month's first day when one of the records is current (its span ends in the report day's
    month, so it grows then), else None: the spans of records with a written end never depend on the day."""
    for group in groups:
        for record in group:
            span = ctx.span(record)
            if span is not None and span.current:
                return month_turn(ctx.run.report_day)
    return None


def resume_turn(ctx: Context) -> date | None:
    """On the first of the next month while a resume job is current (its span grows then); never otherwise.
    The ``next_change`` of a kind that reads the resume jobs' spans."""
    return turn_if_current(ctx, ctx.resume_jobs)


def resume_and_study_turn(ctx: Context) -> date | None:
    """On the first of the next month while a resume job or an education is current; never otherwise.
    The ``next_change`` of a kind that reads the spans of resume jobs and educations."""
    return turn_if_current(ctx, ctx.resume_jobs, ctx.educations)


def paired_turn(ctx: Context) -> date | None:
    """On the first of the next month while a resume or profile job is current; never otherwise. The
    ``next_change`` of a kind that reads resume and profile jobs aligned by their spans."""
    return turn_if_current(ctx, ctx.resume_jobs, ctx.profile_jobs)


def job_evidence(job: Employment, side: str | None = None) -> EvidenceItem:
    return EvidenceItem(
        side=side or ("resume" if job.source in ("greenhouse", "lever") else "profile"),  # type: ignore[arg-type]
        source=job.source,
        record_ref=job.record_ref,
        values={"employer": job.employer, "title": job.title, "start": job.start_raw, "end": job.end_raw,
                "employment_type": job.employment_type},
    )


def education_evidence(edu: Education) -> EvidenceItem:
    return EvidenceItem(side="resume", source=edu.source, record_ref=edu.record_ref,
                        values={"school": edu.school, "degree": edu.degree, "start": edu.start_raw,
                                "end": edu.end_raw})


def entity_evidence(entity: RegistryEntity, res: Resolution | None = None) -> EvidenceItem:
    values: dict[str, Any] = {"name": entity.names[0].name if entity.names else None,
                              "status": entity.status, "created": entity.created, "dissolved": entity.dissolved}
    if res is not None:
        values.update(matched_name=res.matched_name, match=res.method, confidence=res.confidence)
    return EvidenceItem(side="registry", source=entity.registry, record_ref=entity.record_url, values=values)


def computed(values: dict[str, Any], ref: str) -> EvidenceItem:
    return EvidenceItem(side="computed", source="crosscheck", record_ref=ref, values=values)


def canonical_json(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def finding_id(kind: str, candidate_id: str, identity: Iterable[str]) -> str:
    return hashlib.sha256(canonical_json([kind, candidate_id, sorted(set(identity))]).encode()).hexdigest()


def evidence_digest(evidence: list[EvidenceItem]) -> str:
    return hashlib.sha256(canonical_json([e.model_dump() for e in evidence]).encode()).hexdigest()


def make_finding(
    ctx: Context,
    kind: KindSpec,
    severity: Severity,
    summary: str | Message,
    question: str | Message,
    evidence: list[EvidenceItem],
    identity: Iterable[str],
) -> Finding:
    """``summary`` and ``question`` are messages (``include.engine.messages.msg``): the finding keeps them to
    be rendered in the report's locale, and their English rendering as the warehouse's plain sentences.
    ``kind`` is the declaration of the finding's kind: its name and rule version come from there."""
    if severity not in kind.severities:
        raise ValueError(f"kind {kind.name} declares severities {kind.severities}, not {severity!r}")
    message = None
    if isinstance(summary, dict) and isinstance(question, dict):
        message = finding_message(summary, question)
    return Finding(
        finding_id=finding_id(kind.name, ctx.candidate_id, identity),
        candidate_id=ctx.candidate_id,
        application_id=ctx.application_id,
        kind=kind.name,
        severity=severity,
        summary=render(summary),
        question=render(question),
        evidence=evidence,
        rule_version=kind.rule_version,
        evidence_digest=evidence_digest(evidence),  # the message is not part of it
        message=message,
    )


def when(job: Employment) -> Message:
    """"2019-03 to present" as the record wrote it, for summaries ("present" is translated)."""
    return messages.when(job.start_raw, job.end_raw)
