"""What the HR report shows, as plain typed data: the loader fills it from the warehouse, the renderer
only formats it. Keeping the two apart lets the renderer be tested without a warehouse and lets the
Airflow UI plugin render the same data with its clearing forms."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SEVERITIES: tuple[str, ...] = ("red", "yellow", "blue")
EvidenceValue = str | int | float | bool | None | list[str]


class View(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EvidenceView(View):
    """One side of a finding (resume, profile, registry, ...), shown as one column."""

    side: str
    source: str
    record_ref: str
    link: str | None = None  # record_ref when it is an http(s) URL, else None (never a javascript: URL)
    values: list[tuple[str, EvidenceValue]] = Field(default_factory=list)  # (key, value) in source order


class DisputeView(View):
    """A candidate's dispute of a finding awaiting its outcome (``include.disputes``); the statement stays
    out of the report (it is in the dispute file and the candidate's export)."""

    dispute_id: str
    finding_id: str
    candidate_id: str
    name: str = ""
    kind: str = ""
    received_on: str
    due_on: str
    overdue: bool = False
    reread: str | None = None  # None: awaiting the next run; else "same" | "changed" | "gone"
    reread_run: str | None = None


class FindingView(View):
    finding_id: str
    kind: str
    severity: str
    summary: str  # the English sentence as stored (and audited)
    question: str
    # summary and question as message ids with parameters (include/engine/messages.py), rendered in the
    # report's locale; None for findings written before messages were stored, which show the sentences
    message: dict[str, Any] | None = None
    status: str = "open"  # "open" | "cleared" | "disputed"
    is_new: bool = False  # first seen in this run
    # the report day of the run that first saw it: what the requisition pages show instead of "new" (a
    # page says nothing relative to its run, so that an unchanged page is the same file the next day)
    first_seen_on: str | None = None
    rule_version: str = ""
    evidence: list[EvidenceView] = Field(default_factory=list)
    cleared_reason: str | None = None
    cleared_by: str | None = None
    cleared_at: str | None = None
    dispute: DisputeView | None = None  # the dispute awaiting its outcome, when disputed


class EmployerContext(View):
    """Review-site context for a candidate's latest resume employer (information, never a finding)."""

    employer: str
    average_rating: float | None = None
    review_count: int = 0
    layoff_mentions_90d: int = 0


class QuarantinedView(View):
    """One record of the candidate that could not be read: where it came from, why, and where it landed."""

    source: str
    dataset: str
    record_key: str
    reason: str  # names fields and rules, never values
    raw_pointer: str  # the landing file holding the record as it came (relative to the data folder)


class CandidateView(View):
    candidate_id: str
    name: str
    record_url: str | None = None
    findings: list[FindingView] = Field(default_factory=list)
    employer_context: EmployerContext | None = None
    incomplete: list[QuarantinedView] = Field(default_factory=list)  # quarantined records (incomplete record)

    @property
    def open_findings(self) -> list[FindingView]:
        return [f for f in self.findings if f.status != "cleared"]

    @property
    def worst_severity(self) -> int:
        """Index into SEVERITIES of the most severe open finding (len(SEVERITIES) when none is open)."""
        return min(
            (SEVERITIES.index(f.severity) for f in self.open_findings if f.severity in SEVERITIES),
            default=len(SEVERITIES),
        )


class LevelReasonView(View):
    """Why a candidate is red or yellow: one of their open findings, or the notice their offer leaves."""

    reason: str  # "finding" | "notice"
    severity: str
    finding: FindingView | None = None  # reason "finding"
    # reason "finding" on the day report: the requisition page listing the finding (its key and page
    # number); a candidate with several applications has findings under several requisitions
    requisition: str | None = None
    page: int = 1
    offered_on: date | None = None  # reason "notice": the offer's acceptance (else sending) day ...
    starts_on: date | None = None  # ... its proposed start date ...
    notice_days: int | None = None  # ... and the days between them


class CandidateLevelView(View):
    """A candidate's level (red / yellow / blue), what HR decides on; the reasons say which finding or fact."""

    candidate_id: str
    name: str
    level: str
    reasons: list[LevelReasonView] = Field(default_factory=list)


class NoticeView(View):
    """An overdue or due notice to a candidate, or a waiting period (``include.report.notice_status``)."""

    state: str  # overdue | wait_over | due | waiting
    candidate_id: str
    name: str
    application_id: str
    decision_id: str
    decision: str
    due_on: str
    jurisdiction: str | None = None
    days: int = 0


class RequisitionView(View):
    job_id: str | None
    name: str | None  # None: the application names no job
    candidates: list[CandidateView] = Field(default_factory=list)


class Counts(View):
    candidates_checked: int = 0
    awaiting_consent: int = 0
    open_findings: int = 0
    by_severity: dict[str, int] = Field(default_factory=lambda: {s: 0 for s in SEVERITIES})
    by_kind: dict[str, dict[str, int]] = Field(default_factory=dict)  # kind -> severity -> open count
    new_since_yesterday: int = 0
    cleared: int = 0
    candidates_with_findings: int = 0
    # candidates with at least one open red finding: each needs an answer (or a clearance) before an offer
    need_action: int = 0
    levels: dict[str, int] = Field(default_factory=lambda: {s: 0 for s in SEVERITIES})  # candidates per level
    # public profiles due but left for later runs (over a source's per-run request budget): the run manifest's
    # ``profiles.pending``, docs/INCREMENTAL.md
    profiles_pending: int = 0
    # employers due at the review feed but left for later runs (over ``reviews.requests_per_run``): the run
    # manifest's ``sources.reviews.pending``, docs/INCREMENTAL.md#reviews
    employers_pending: int = 0


class SkippedSource(View):
    source: str
    reason: str | None = None


class MonthRating(View):
    month: str  # "YYYY-MM"
    average: float | None = None
    count: int = 0


class ReviewView(View):
    review_id: str
    date: str
    rating: int
    title: str | None = None
    cons: str | None = None
    job_title: str | None = None
    employment_status: str | None = None
    topics: list[str] = Field(default_factory=list)
    # the 24-hour response deadline (include/report/reviews.py response_status)
    response: str = "overdue"  # "answered" | "answered_late" | "due" | "overdue"
    response_due: str | None = None  # the day (ISO) by whose end an answer is due
    responded_at: str | None = None


class EmployerBrand(View):
    """The hiring company's reputation on review sites: a trend and what is new and negative."""

    employer: str
    since: date  # new reviews are dated on or after this day ...
    until: date  # ... and on or before this one (the report day)
    window: str = "since_last_report"  # "since_last_report" | "first_report" (the last 30 days)
    window_reviews: int = 0  # every rating of the hiring company in the window, not only negative ones
    window_average: float | None = None
    window_lowest: int | None = None
    trend: list[MonthRating] = Field(default_factory=list)  # oldest first, 12 months
    new_negative: list[ReviewView] = Field(default_factory=list)
    topic_counts: dict[str, int] = Field(default_factory=dict)
    total_reviews: int = 0
    # negative reviews of the hiring company in the lookback, unanswered past their 24-hour deadline
    responses_overdue: int = 0


class Deadline(View):
    """Something HR owes someone by a day (a decision notice, a dispute's reinvestigation ...): the day
    report lists these first, overdue ones on top. The extension point for notices and disputes: a loader
    appends ``Deadline`` rows to ``ReportData.deadlines``; the template shows ``title`` (already in the
    report's language), who it concerns, the due day and a link, and needs no change for a new ``kind``."""

    kind: str  # "notice" | "dispute" | ... (a CSS hook and data attribute; never shown as text)
    title: str  # what is due, as HR reads it, in the report's locale
    candidate_id: str
    name: str
    due_on: date
    overdue: bool = False
    href: str | None = None  # a page of the report site (relative), or None


class RequisitionLink(View):
    """One requisition of the day report's index: its counts and where its pages are."""

    key: str  # the file-safe id: requisitions/<key>.html, <key>-2.html ...
    job_id: str | None
    name: str | None
    candidates: int = 0
    open_findings: int = 0
    red_candidates: int = 0  # candidates of this requisition with an open red finding
    new_findings: int = 0
    pages: int = 1


class DayFinding(View):
    """A finding on the day report (new, or changed since the last run), with where its candidate is."""

    candidate_id: str
    name: str
    requisition: str  # RequisitionLink.key
    requisition_name: str | None
    page: int = 1
    finding: FindingView


class DayLevel(View):
    """A red or yellow candidate on the day report (capped), with where their findings are."""

    level: CandidateLevelView
    requisition: str | None = None  # RequisitionLink.key of the candidate's worst findings
    page: int = 1


class DayData(View):
    """What the day report leads with: the day's needs, each list capped (the rest: ``*_more``)."""

    new: list[DayFinding] = Field(default_factory=list)
    new_more: int = 0
    changed: list[DayFinding] = Field(default_factory=list)
    changed_more: int = 0
    red: list[DayLevel] = Field(default_factory=list)
    red_more: int = 0
    yellow: list[DayLevel] = Field(default_factory=list)
    yellow_more: int = 0
    index: list[RequisitionLink] = Field(default_factory=list)
    page_size: int = 100  # candidates per requisition page


class ReportData(View):
    report_day: date
    run_id: str
    hiring_company: str
    generated_at: str  # ISO timestamp, UTC
    counts: Counts = Field(default_factory=Counts)
    requisitions: list[RequisitionView] = Field(default_factory=list)
    levels: list[CandidateLevelView] = Field(default_factory=list)  # red, then yellow; blue are only counted
    # overdue notices and waiting periods, most urgent first, as of ``notices_day``; at the top of the report
    notices: list[NoticeView] = Field(default_factory=list)
    notices_day: date | None = None
    notices_cap: int | None = None  # the day report shows this many of each list of notices (None: all)
    skipped_sources: list[SkippedSource] = Field(default_factory=list)
    brand: EmployerBrand | None = None
    disputes: list[DisputeView] = Field(default_factory=list)  # awaiting an outcome, the overdue first
    # some evidence links point at a loopback host (the sandbox of `make demo`), which is gone after the demo
    loopback_links: bool = False
    # the day report's parts (include/report/site.py); None for a ReportData of the whole state
    day: DayData | None = None
    deadlines: list[Deadline] = Field(default_factory=list)  # notices, disputes ...: see Deadline

    def findings(self) -> list[tuple[RequisitionView, CandidateView, FindingView]]:
        """Every finding in report order: what the CSV writes, one row each."""
        return [(r, c, f) for r in self.requisitions for c in r.candidates for f in c.findings]
