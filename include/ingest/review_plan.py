"""Which employers a run asks the review feed about, and from which day (docs/INCREMENTAL.md#reviews).

The feed is asked per employer (``GET /reviews?employer=<name>&since=<YYYY-MM-DD>``). Each employer keeps
its own last read day (``review_reads``, migration 017); an employer is asked when it is *due*:

- ``hiring``: the hiring company, on every run (its reviews' 24-hour response deadlines are tracked
  daily), from its own last read day, whatever the budget;
- ``new``: never read (a new candidate's employer): the full look-back (``LOOKBACK_DAYS``);
- ``stale``: last read ``reviews.max_age_days`` or more days before the read day (``0``: every run), from
  its own last read day (inclusive: a review posted later on that day is read then).

Everything else is ``fresh``: not asked, its stored reviews stay. The due employers are taken in that order
(new ones by name, stale ones oldest read first) up to ``reviews.requests_per_run`` employers, the hiring
company counted among them; the rest are ``pending`` and are the oldest, so first among their kind, next run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

REASONS = ("hiring", "new", "stale")  # the order employers are taken in, within the budget
LOOKBACK_DAYS = 730  # how far back a never-read employer is read


def employer_key(name: str) -> str:
    """The employer as the feed is asked about it once per run: the name trimmed and case-folded."""
    return (name or "").strip().casefold()


@dataclass(frozen=True)
class Ask:
    employer: str  # the name as the feed is asked
    key: str  # ``employer_key``: the ``review_reads`` row
    reason: str
    since: str  # YYYY-MM-DD, inclusive


@dataclass
class ReviewPlan:
    day: date  # the read day: the watermark each asked employer moves to
    budget: int
    max_age_days: int
    asks: list[Ask] = field(default_factory=list)
    due: dict[str, int] = field(default_factory=lambda: {r: 0 for r in REASONS})
    fresh: int = 0
    pending: int = 0

    def summary(self) -> dict[str, Any]:
        """The manifest's figures (counts only)."""
        asked = {r: 0 for r in REASONS}
        for a in self.asks:
            asked[a.reason] += 1
        return {"read_day": self.day.isoformat(), "budget": self.budget, "max_age_days": self.max_age_days,
                "due": dict(self.due), "asked": len(self.asks), "asked_by_reason": asked, "fresh": self.fresh,
                "pending": self.pending}


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def select_employers(hiring: str, employers: Iterable[str], last_read: Mapping[str, str], day: date,
                     max_age_days: int, budget: int, lookback_days: int = LOOKBACK_DAYS) -> ReviewPlan:
    """The employers this run asks and the counts of due, fresh and pending ones.

    ``last_read``: ``employer_key`` -> the day its last read reached (``review_reads.read_day``);
    ``day``: the read day of this run (the report day, or today if the report day has not ended). An
    employer is asked from its own last read day, never further back than ``lookback_days``."""
    plan = ReviewPlan(day, int(budget), int(max_age_days))
    floor = day - timedelta(days=lookback_days)
    seen: set[str] = set()
    due: dict[str, list[tuple[tuple[str, str], Ask]]] = {r: [] for r in REASONS}
    for i, raw in enumerate([hiring, *employers]):
        name, key = (raw or "").strip(), employer_key(raw)
        if not key or key in seen:
            continue
        seen.add(key)
        read = _day(last_read.get(key))
        if i == 0:
            reason = "hiring"
        elif read is None:
            reason = "new"
        elif (day - read).days >= max_age_days:
            reason = "stale"
        else:
            plan.fresh += 1
            continue
        since = max(read, floor) if read is not None else floor
        order = (read.isoformat() if reason == "stale" and read else "", key)
        due[reason].append((order, Ask(name, key, reason, since.isoformat())))
    queue: list[Ask] = []
    for reason in REASONS:
        got = due[reason]
        plan.due[reason] = len(got)
        queue.extend(a for _, a in sorted(got, key=lambda x: x[0]))
    hiring_asks = [a for a in queue if a.reason == "hiring"]  # always asked, counted in the budget
    others = [a for a in queue if a.reason != "hiring"]
    take = max(plan.budget - len(hiring_asks), 0)
    plan.asks = hiring_asks + others[:take]
    plan.pending = len(others) - len(others[:take])
    return plan
