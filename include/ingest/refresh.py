"""Which consenting candidates' public profiles a run reads (docs/INCREMENTAL.md).

A profile is read, per source (ORCID, GitHub), when it is *due*:

- ``forced``: the run is full (``crosscheck run --full``), or the caller names the candidate in ``force``
  (e.g. a dispute asks for a re-read);
- ``changed``: the candidate's input fingerprint (a digest of the profile id, the ATS record's
  ``updated_at`` and consent, and every application's id and ``updated_at``) differs from the one of the
  last read: a new or updated application, a new login;
- ``new``: never read (latest ATS update first, so today's applicants go before a backlog);
- ``stale``: read longer ago than ``profiles.max_age_days``.

Everything else is ``fresh``: its profile jobs stay in the warehouse from the last read. The due reads are
taken in that order (stale ones oldest first) up to the source's per-run budget
(``profiles.<source>.requests_per_run``); the rest are ``pending`` and come first among their kind on the
next run, so a first run on a big history spreads its reads over days within the quota instead of
waiting for it in one run. Only a stale read is conditional (GitHub: ``If-None-Match`` with the stored
ETag; a 304 keeps the stored jobs): a forced, changed or new one reads the whole profile.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

SOURCES = ("orcid", "github")
REASONS = ("forced", "changed", "new", "stale")  # the order reads are taken in, within the budget
SUBJECT = {"orcid": "orcid", "github": "github_login"}  # the candidate column naming the profile


@dataclass(frozen=True)
class ProfileInput:
    """One consenting candidate: per source, the profile id and the input fingerprint."""

    candidate_id: str
    subjects: dict[str, str]
    fingerprints: dict[str, str]
    updated_at: str = ""  # the ATS record's: never-read candidates are taken latest first


@dataclass
class Pick:
    candidate_id: str
    reason: str
    etag: str | None = None  # only for a stale read: the request is conditional


@dataclass
class SourcePlan:
    source: str
    budget: int
    picks: list[Pick] = field(default_factory=list)
    due: dict[str, int] = field(default_factory=lambda: {r: 0 for r in REASONS})
    fresh: int = 0
    pending: int = 0

    def summary(self) -> dict[str, Any]:
        """The manifest's figures (counts only, no candidate ids)."""
        read = {r: 0 for r in REASONS}
        for p in self.picks:
            read[p.reason] += 1
        return {"budget": self.budget, "due": dict(self.due), "planned": len(self.picks), "planned_by_reason": read,
                "fresh": self.fresh, "pending": self.pending, "conditional": sum(1 for p in self.picks if p.etag)}


def fingerprint(source: str, subject: str, candidate: Mapping[str, Any], applications: Iterable[tuple[Any, Any]]) -> str:
    """The digest a read is made for: any change to the profile id, the ATS record or an application
    changes it, so the next run reads the profile again."""
    consent = candidate.get("consent")
    if isinstance(consent, str):
        consent = json.loads(consent)
    doc = {"source": source, "subject": subject, "updated_at": candidate.get("updated_at"),
           "consent_given": (consent or {}).get("given") if isinstance(consent, dict) else None,
           "applications": sorted([str(a), str(u)] for a, u in applications if a is not None)}
    return hashlib.sha256(json.dumps(doc, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def profile_inputs(rows: Iterable[Mapping[str, Any]]) -> list[ProfileInput]:
    """``include.warehouse.profile_reads.profile_inputs`` rows (a candidate's rows together) as inputs."""
    grouped: dict[str, tuple[Mapping[str, Any], list[tuple[Any, Any]]]] = {}
    for r in rows:
        cand, apps = grouped.setdefault(r["candidate_id"], (r, []))
        apps.append((r.get("application_id"), r.get("app_updated_at")))
    out = []
    for cid, (cand, apps) in grouped.items():
        subjects = {s: str(cand.get(col)).strip() for s, col in SUBJECT.items() if str(cand.get(col) or "").strip()}
        out.append(ProfileInput(cid, subjects, {s: fingerprint(s, subj, cand, apps) for s, subj in subjects.items()},
                                str(cand.get("updated_at") or "")))
    return out


def _when(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def select_reads(inputs: Iterable[ProfileInput], states: Mapping[tuple[str, str], Mapping[str, Any]],
                 now: datetime, max_age_days: int, budgets: Mapping[str, int], *, full: bool = False,
                 force: Iterable[str] = ()) -> dict[str, SourcePlan]:
    """Per source, the reads this run makes and the counts of due, fresh and pending ones.

    ``states`` is ``(candidate_id, source) -> profile_reads row``; ``force`` names candidates to read in
    full whatever their state (the hook for ``include.disputes.candidates_to_reread``: pass its set);
    ``full`` forces everyone. A source missing from ``budgets`` is not read at all."""
    forced = set(force)
    oldest = now - timedelta(days=max_age_days)
    plans = {s: SourcePlan(s, int(budgets[s])) for s in SOURCES if s in budgets}
    due: dict[str, dict[str, list[tuple[Any, Pick]]]] = {s: {r: [] for r in REASONS} for s in plans}
    for item in inputs:
        for source, plan in plans.items():
            if source not in item.subjects:
                continue
            cid = item.candidate_id
            state = states.get((cid, source))
            read_at = _when(state.get("read_at")) if state else None
            if full or cid in forced:
                reason, etag = "forced", None
            elif state is None or read_at is None:
                reason, etag = "new", None
            elif state.get("fingerprint") != item.fingerprints[source]:
                reason, etag = "changed", None
            elif read_at <= oldest:
                reason, etag = "stale", state.get("etag") or None
            else:
                plan.fresh += 1
                continue
            order = (read_at.isoformat() if reason == "stale" and read_at else item.updated_at, cid)
            due[source][reason].append((order, Pick(cid, reason, etag)))
    for source, plan in plans.items():
        queue: list[Pick] = []
        for reason in REASONS:
            got = due[source][reason]
            plan.due[reason] = len(got)
            # stale: oldest read first; new: latest ATS update first (today's applicants before a backlog)
            queue.extend(p for _, p in sorted(got, key=lambda x: x[0], reverse=reason == "new"))
        plan.picks = queue[: plan.budget]
        plan.pending = len(queue) - len(plan.picks)
    return plans


def reads_by_candidate(plans: Mapping[str, SourcePlan]) -> dict[str, dict[str, str | None]]:
    """candidate id -> {source: ETag for a conditional read, or None}: what each chunk task reads."""
    out: dict[str, dict[str, str | None]] = {}
    for source, plan in plans.items():
        for p in plan.picks:
            out.setdefault(p.candidate_id, {})[source] = p.etag
    return dict(sorted(out.items()))
