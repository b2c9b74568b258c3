"""Recruiting processes of the sandbox world: stage changes, interviews, offers and the outcome.

A process is a pure function of the world's seed and the candidate's application id, created and
updated times, so it is deterministic per seed and needs nothing stored in ``world.json`` (the
shipped world, its candidates and their findings stay as they are). Every step falls between the
application's ``created_at`` and ``updated_at``; the last step is at ``updated_at``, so a source's
incremental read sees the process when it sees the application.

The mix is what a dispute desk meets: candidates still in process, rejected at the screen or after
the final round, a verbal "offer intent" stage that never became a formal offer, offers sent then
withdrawn, offers declined, offers revised (a second version with a new start date) and accepted.
Both fake ATSs render the same process in their own format (``sandbox/apis``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

STAGES = ("Application Review", "Phone Screen", "Technical Interview", "Final Round", "Offer intent (verbal)",
          "Offer")
# id -> (text, who closed it: "we" rejected them, "they" rejected us, or "hired")
REASONS: dict[int, tuple[str, str]] = {
    1: ("Not a fit after final round", "we"),
    2: ("Underqualified at screen", "we"),
    3: ("Offer withdrawn: position closed", "we"),
    4: ("Candidate declined offer", "they"),
    5: ("Withdrew: accepted another job", "they"),
    6: ("Verbal offer intent not confirmed", "we"),
    7: ("Hired", "hired"),
}
INTERVIEWS = {"Phone Screen": "Recruiter screen", "Technical Interview": "Technical interview",
              "Final Round": "Final round panel"}


@dataclass
class Interview:
    id: int
    name: str
    stage: str
    created_at: datetime
    start: datetime
    end: datetime


@dataclass
class Offer:
    id: int
    version: int
    created_at: datetime
    approved_at: datetime
    sent_at: datetime
    starts_at: str  # proposed start date (ISO date)
    status: str  # unresolved | accepted | rejected (declined) | deprecated (withdrawn or replaced)
    resolved_at: datetime | None
    updated_at: datetime


@dataclass
class Process:
    scenario: str
    stages: list[tuple[str, datetime]] = field(default_factory=list)
    interviews: list[Interview] = field(default_factory=list)
    offers: list[Offer] = field(default_factory=list)
    outcome: str = "active"  # active | rejected | hired
    closed_at: datetime | None = None
    reason_id: int | None = None

    @property
    def current_stage(self) -> str:
        return self.stages[-1][0] if self.stages else STAGES[0]


# bucket (0-99) upper bounds -> scenario
SCENARIOS = ((30, "active"), (45, "rejected_final"), (55, "rejected_screen"), (63, "offer_withdrawn"),
             (71, "offer_declined"), (81, "hired"), (89, "withdrew"), (95, "intent_not_confirmed"),
             (100, "offer_pending"))


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def _number(seed: Any, app_id: str, salt: str, mod: int) -> int:
    digest = hashlib.sha256(f"{seed}|{app_id}|{salt}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % mod


def scenario_of(seed: Any, app_id: str) -> str:
    bucket = _number(seed, app_id, "scenario", 100)
    return next(name for bound, name in SCENARIOS if bucket < bound)


def numeric_id(seed: Any, app_id: str, salt: str) -> int:
    """A stable positive integer id (Greenhouse ids are integers)."""
    return 10_000_000 + _number(seed, app_id, salt, 89_999_999)


def process_of(seed: Any, candidate: dict[str, Any]) -> Process | None:
    """The process of one world candidate's application, or None when its times cannot be read."""
    app_id = str(candidate.get("application_id") or "")
    start, end = _parse(candidate.get("created_at")), _parse(candidate.get("updated_at"))
    if not app_id or start is None or end is None:
        return None
    scenario = scenario_of(seed, app_id)
    path: list[str] = {"active": list(STAGES[: 1 + _number(seed, app_id, "depth", 3)]),
                       "rejected_screen": list(STAGES[:2]),
                       "intent_not_confirmed": list(STAGES[:5])}.get(scenario, list(STAGES[:4]))
    if scenario in ("rejected_final", "withdrew"):
        path = list(STAGES[:4])
    if scenario in ("offer_withdrawn", "offer_declined", "hired", "offer_pending"):
        path = list(STAGES)
    revised = scenario == "hired" and _number(seed, app_id, "revised", 2) == 0
    closing = scenario not in ("active", "offer_pending")
    # steps: each stage, the offer's steps (created, sent[, v2 sent], resolved) and the close
    steps = len(path) + (3 if "Offer" in path else 0) + (1 if revised else 0) + (1 if closing else 0)
    span = max(end - start, timedelta(minutes=steps))
    times = [start + span * i / max(steps - 1, 1) for i in range(steps)]
    times = [t.replace(microsecond=0) for t in times]
    if closing or "Offer" in path:
        times[-1] = end.replace(microsecond=0) if end > start else times[-1]
    proc = Process(scenario)
    it = iter(times)
    for i, stage in enumerate(path):
        at = next(it)
        proc.stages.append((stage, at))
        if stage in INTERVIEWS:
            gap = (times[min(i + 1, len(times) - 1)] - at) / 2 if i + 1 < len(times) else timedelta(hours=1)
            begin = (at + gap).replace(microsecond=0, second=0)
            proc.interviews.append(Interview(numeric_id(seed, app_id, f"interview:{stage}"), INTERVIEWS[stage],
                                             stage, at, begin, begin + timedelta(hours=1)))
    if "Offer" in path:
        created, sent = next(it), next(it)
        start_date = (end + timedelta(days=30 + _number(seed, app_id, "start", 30))).date()
        offer_id = numeric_id(seed, app_id, "offer")
        v1 = Offer(offer_id, 1, created, created + (sent - created) / 2, sent, start_date.isoformat(),
                   "unresolved", None, sent)
        proc.offers.append(v1)
        if revised:
            sent2 = next(it)
            v1.status, v1.resolved_at, v1.updated_at = "deprecated", sent2, sent2
            proc.offers.append(Offer(offer_id + 1, 2, sent2 - (sent2 - sent) / 2, sent2 - (sent2 - sent) / 4, sent2,
                                     (start_date + timedelta(days=14)).isoformat(), "unresolved", None, sent2))
        resolved = next(it)
        last = proc.offers[-1]
        if scenario == "hired":
            last.status, last.resolved_at, last.updated_at = "accepted", resolved, resolved
        elif scenario == "offer_declined":
            last.status, last.resolved_at, last.updated_at = "rejected", resolved, resolved
        elif scenario == "offer_withdrawn":
            last.status, last.resolved_at, last.updated_at = "deprecated", resolved, resolved
    if closing:
        proc.closed_at = times[-1]
        proc.reason_id = {"rejected_final": 1, "rejected_screen": 2, "offer_withdrawn": 3, "offer_declined": 4,
                          "withdrew": 5, "intent_not_confirmed": 6, "hired": 7}[scenario]
        proc.outcome = "hired" if scenario == "hired" else "rejected"
    return proc


def iso(dt: datetime | None) -> str | None:
    """Greenhouse-style timestamp: UTC, milliseconds, Z."""
    return None if dt is None else dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def ms(dt: datetime | None) -> int | None:
    """Lever-style epoch milliseconds."""
    return None if dt is None else int(dt.timestamp() * 1000)
