"""How a rule module declares its finding kinds: one ``KindSpec`` per kind, beside the rule function.

The registry (``include.engine.kinds``) collects every ``KindSpec`` found in the modules of
``include.engine.rules``; the engine's rule list, the rule versions, the report's labels, the
threshold table and docs/KINDS.md are all read from there. This module imports nothing of the
engine, so any rule module can import it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from include.models import Severity

if TYPE_CHECKING:
    from include.engine.rules.common import Context
    from include.models import Finding

SEVERITIES: tuple[str, ...] = Severity.__args__  # type: ignore[attr-defined]

_NAME = re.compile(r"[a-z][a-z0-9]*(_[a-z0-9]+)*")
_VERSION = re.compile(r"\d+\.\d+\.\d+")


@dataclass(frozen=True)
class Threshold:
    """A number a rule reads from the configuration's ``thresholds`` section."""

    key: str  # the key under ``thresholds:`` in the YAML configuration
    symbol: str  # the letter the kinds' documentation uses for it ("T")
    default: int
    meaning: str  # one sentence for docs/KINDS.md
    ge: int | None = 0  # inclusive bounds the configuration must respect (None = unbounded)
    le: int | None = None
    unit: str = "months"


def every_day(ctx: Context) -> date | None:
    """Every day: the default of a kind that declares no time dependence (safe, and as slow as a full
    re-check)."""
    return ctx.run.report_day + timedelta(days=1)


def never(ctx: Context) -> date | None:
    """Never: the result does not depend on the report day, only a change of the inputs changes it."""
    return None


@dataclass(frozen=True)
class KindSpec:
    """Everything the product says about one finding kind, declared once, in its rule module."""

    name: str  # the ``kind`` column of the discrepancies table; never renamed once shipped
    version: str  # the rule's version (semver): bump it when the rule's decisions change
    position: int  # where the kind sits in the report, the docs and every per-kind table (unique)
    rule: Callable[[Context], list[Finding]]  # all findings of this kind for one candidate
    label: str  # the report's heading: an English msgid, wrapped in messages.N_ so extraction finds it
    severities: tuple[Severity, ...]  # every severity the rule may give
    severity_policy: str  # when it gives which, in one sentence
    fires_when: str
    benign: str  # look-alikes that must NOT fire
    evidence: str  # what the finding shows HR, side by side
    question: str  # what HR is asked to ask the candidate
    why_question: str  # why this is a question for the candidate and not a verdict on them
    thresholds: tuple[Threshold, ...] = ()
    # Which side of the candidate's record the kind reads as complete ("resume", "profile"): a finding
    # about something *missing* there is softened when part of that side was quarantined
    # (include/engine/incomplete.py).
    rests_on_complete: tuple[str, ...] = ()
    # The time dependence (docs/guide/adding-a-kind.md): the first day after the report day on which the
    # rule could give this candidate another result with the same inputs (a current job's months grow, a
    # recorded agreement ends), or None when only an input change can. Incremental runs re-check a
    # candidate on that day (include/pipeline/incremental.py); an earlier day is safe, a later one is a bug.
    next_change: Callable[[Context], date | None] = every_day

    @property
    def rule_version(self) -> str:
        """``kind@version``, stored on every finding and in each run's record."""
        return f"{self.name}@{self.version}"

    def problems(self) -> list[str]:
        """What is wrong with this declaration, one line each (empty when it is sound)."""
        out = []
        if not _NAME.fullmatch(self.name):
            out.append(f"kind {self.name!r}: the name must be snake_case ascii")
        if not _VERSION.fullmatch(self.version):
            out.append(f"kind {self.name}: version {self.version!r} is not MAJOR.MINOR.PATCH")
        if not self.severities or any(s not in SEVERITIES for s in self.severities):
            out.append(f"kind {self.name}: severities {self.severities!r} must be among {SEVERITIES}")
        if any(side not in ("resume", "profile") for side in self.rests_on_complete):
            out.append(f"kind {self.name}: rests_on_complete {self.rests_on_complete!r} must name 'resume' or "
                       "'profile'")
        for field in ("label", "severity_policy", "fires_when", "benign", "evidence", "question", "why_question"):
            if not str(getattr(self, field)).strip():
                out.append(f"kind {self.name}: {field} is empty")
        return out
