"""Read what the HR report shows from the warehouse, with plain SQL on the tables of docs/WAREHOUSE.md.

A finding belongs to the report of run R when R saw it (``last_seen_run = R``); open ones are counted,
cleared ones stay visible with who cleared them and why. Candidates without consent are counted and
nothing else: their findings (if consent was withdrawn after a finding was made) are never shown.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from include.engine import messages
from include.engine.kinds import KINDS
from include.levels import levels_of_run
from include.report import notice_status
from include.report import reviews as brand
from include.report.models import (
    SEVERITIES,
    CandidateLevelView,
    CandidateView,
    Counts,
    DisputeView,
    EvidenceView,
    FindingView,
    LevelReasonView,
    NoticeView,
    QuarantinedView,
    ReportData,
    RequisitionView,
    SkippedSource,
)
from include.warehouse import Warehouse, candidates, runs

RESUME_SOURCES = ("greenhouse", "lever")
REVIEW_LOOKBACK_DAYS = 400  # 12 months of trend, plus slack for month boundaries


def safe_link(ref: Any) -> str | None:
    """``ref`` when it is an absolute http(s) URL; anything else (ids, ``javascript:``) is never a link."""
    if not isinstance(ref, str):
        return None
    parts = urlsplit(ref.strip())
    return ref.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def evidence_views(raw: Any) -> list[EvidenceView]:
    out = []
    for item in _json(raw) or []:
        if not isinstance(item, dict):
            continue
        values = item.get("values") or {}
        out.append(
            EvidenceView(
                side=str(item.get("side") or ""),
                source=str(item.get("source") or ""),
                record_ref=str(item.get("record_ref") or ""),
                link=safe_link(item.get("record_ref")),
                values=[
                    (str(k), v if isinstance(v, (str, int, float, bool, list)) or v is None else str(v))
                    for k, v in values.items() if not _noise(str(k), v)
                ],
            )
        )
    return out


HIDDEN_VALUES = {"normalised_name"}  # the engine's matching key: in the stored evidence, not shown to HR


def _noise(key: str, value: Any) -> bool:
    """A value HR reads past: the engine's own keys, and an employment type no source stated (nearly every
    job). The stored evidence keeps them; only the page leaves them out."""
    return key in HIDDEN_VALUES or (key == "employment_type" and value in (None, "", "unknown"))


def _name(row: dict[str, Any]) -> str:
    """Given name first, except Chinese, Japanese and Korean names, which are written family name first."""
    first, last = (str(row.get(k) or "").strip() for k in ("first_name", "last_name"))
    if first and last and _cjk(first) and _cjk(last):
        return last + first
    return " ".join(p for p in (first, last) if p) or str(row["candidate_id"])


def _cjk(text: str) -> bool:
    return all(
        "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\ufaff"
        for ch in text
        if not ch.isspace()
    )


def _finding(row: dict[str, Any], run_id: str) -> FindingView:
    return FindingView(
        finding_id=row["finding_id"],
        kind=row["kind"],
        severity=row["severity"],
        summary=row["summary"] or "",
        question=row["question"] or "",
        message=checked_message(row),
        status=row.get("status") or "open",
        is_new=row.get("first_seen_run") == run_id,
        rule_version=row.get("rule_version") or "",
        evidence=evidence_views(row.get("evidence")),
        cleared_reason=row.get("cleared_reason"),
        cleared_by=row.get("cleared_by"),
        cleared_at=_text(row.get("cleared_at")),
    )


def checked_message(row: dict[str, Any]) -> dict[str, Any] | None:
    """The finding's message when its English rendering is the stored summary and question, else None.

    ``message`` is not covered by the audit chain; ``summary`` and ``question`` are. A message that does
    not say what they say (edited, or from another engine version) is ignored, and the stored English
    sentences are shown instead, as for findings written before messages were stored.
    """
    message = _json(row.get("message"))
    if not isinstance(message, dict):
        return None
    try:
        same = (messages.render(message.get("summary")) == (row.get("summary") or "")
                and messages.render(message.get("question")) == (row.get("question") or ""))
    except (KeyError, TypeError, ValueError):
        return None
    return message if same else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _sort_findings(findings: list[FindingView]) -> list[FindingView]:
    def key(f: FindingView) -> tuple[int, int, int, str]:
        sev = SEVERITIES.index(f.severity) if f.severity in SEVERITIES else len(SEVERITIES)
        kind = KINDS.index(f.kind) if f.kind in KINDS else len(KINDS)
        return (f.status == "cleared", sev, kind, f.finding_id)

    return sorted(findings, key=key)


def _counts(findings: list[FindingView], checked: int, awaiting: int, candidates: int) -> Counts:
    counts = Counts(
        candidates_checked=checked, awaiting_consent=awaiting, candidates_with_findings=candidates
    )
    for f in findings:
        if f.status == "cleared":
            counts.cleared += 1
            continue
        counts.open_findings += 1
        counts.by_severity[f.severity] = counts.by_severity.get(f.severity, 0) + 1
        per_kind = counts.by_kind.setdefault(f.kind, {s: 0 for s in SEVERITIES})
        per_kind[f.severity] = per_kind.get(f.severity, 0) + 1
        counts.new_since_yesterday += int(f.is_new)
    return counts


def _applications(wh: Warehouse, ids: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(by application id, latest by candidate id), each row with the job's name."""
    if not ids:
        return {}, {}
    rows = candidates.applications_with_jobs(wh, ids)
    by_id = {r["application_id"]: r for r in rows}
    latest: dict[str, dict[str, Any]] = {}
    for r in rows:
        latest.setdefault(r["candidate_id"], r)
    return by_id, latest


def _group(
    findings: list[tuple[dict[str, Any], FindingView]],
    people: dict[str, dict[str, Any]],
    apps: dict[str, dict[str, Any]],
    latest_app: dict[str, dict[str, Any]],
) -> list[RequisitionView]:
    reqs: dict[str | None, RequisitionView] = {}
    cands: dict[tuple[str | None, str], CandidateView] = {}
    for row, view in findings:
        cid = row["candidate_id"]
        app = apps.get(row.get("application_id") or "") or latest_app.get(cid) or {}
        job_id = app.get("job_id")
        req = reqs.setdefault(job_id, RequisitionView(job_id=job_id, name=app.get("job_name") or job_id))
        cand = cands.get((job_id, cid))
        if cand is None:
            person = people[cid]
            cand = cands[(job_id, cid)] = CandidateView(
                candidate_id=cid, name=_name(person), record_url=safe_link(person.get("record_url"))
            )
            req.candidates.append(cand)
        cand.findings.append(view)
    for req in reqs.values():
        for cand in req.candidates:
            cand.findings = _sort_findings(cand.findings)
        req.candidates.sort(key=lambda c: (c.worst_severity, c.name.casefold(), c.candidate_id))
    return sorted(reqs.values(), key=lambda r: (r.name is None, (r.name or "").casefold(), r.job_id or ""))


def _manifest_sources(wh: Warehouse, run_id: str, run_dir: Path | None) -> dict[str, dict[str, Any]]:
    """Per-source manifest parts: the sealed ``pipeline_runs.manifest`` when the run is sealed, else the
    parts the run's tasks wrote (the report is built before the run is sealed)."""
    parts: dict[str, Any] = {}
    manifest = runs.sealed_manifest(wh, run_id)
    if manifest:
        parts.update({f"source-{k}": v for k, v in (manifest.get("sources") or {}).items()})
    if run_dir is not None and (run_dir / "manifest").is_dir():
        for p in sorted((run_dir / "manifest").glob("*.json")):
            if p.stem.startswith(("source-", "profiles-", "registries-")):
                parts.setdefault(p.stem, json.loads(p.read_text(encoding="utf-8")))
    return parts


def _profiles_pending(wh: Warehouse, run_id: str, run_dir: Path | None) -> int:
    """Profiles the run left pending (the sealed manifest's ``profiles``, else the plan's manifest part)."""
    plan = (runs.sealed_manifest(wh, run_id) or {}).get("profiles")
    path = run_dir / "manifest" / "profile-plan.json" if run_dir is not None else None
    if not plan and path is not None and path.is_file():
        plan = json.loads(path.read_text(encoding="utf-8"))
    return int((plan or {}).get("pending") or 0)


def _employers_pending(wh: Warehouse, run_id: str, run_dir: Path | None) -> int:
    """Employers the run left pending at the review feed (the sealed manifest's ``sources.reviews``, else
    the run's ``source-reviews`` manifest part)."""
    part = ((runs.sealed_manifest(wh, run_id) or {}).get("sources") or {}).get("reviews")
    path = run_dir / "manifest" / "source-reviews.json" if run_dir is not None else None
    if not part and path is not None and path.is_file():
        part = json.loads(path.read_text(encoding="utf-8"))
    try:
        return int((part or {}).get("pending") or 0)
    except (TypeError, ValueError):
        return 0


def skipped_sources(parts: dict[str, dict[str, Any]]) -> list[SkippedSource]:
    """A source part with ``skipped: true``, or a chunk part listing sources it had no connection for."""
    found: dict[str, str | None] = {}
    for name, part in parts.items():
        if not isinstance(part, dict):
            continue
        skipped = part.get("skipped")
        if skipped is True:
            found.setdefault(str(part.get("source") or name.removeprefix("source-")), part.get("reason"))
        elif isinstance(skipped, list):
            for src in skipped:
                found.setdefault(str(src), "connection not defined")
    return [SkippedSource(source=s, reason=r) for s, r in sorted(found.items())]


def need_action(requisitions: list[RequisitionView]) -> int:
    """Candidates with at least one open red finding (a candidate under two requisitions counts once)."""
    return len(
        {
            c.candidate_id
            for r in requisitions
            for c in r.candidates
            if any(f.severity == "red" for f in c.open_findings)
        }
    )


def candidate_levels(
    wh: Warehouse, run_id: str, findings: dict[str, FindingView]
) -> tuple[list[CandidateLevelView], dict[str, int]]:
    """The stored levels of the run's consenting candidates: (red and yellow ones, worst first; count per
    level). A reason naming a finding the report does not show (no longer consenting) is left out."""
    stored = levels_of_run(wh, run_id)
    people = candidates.report_people(wh, sorted(stored))
    counts = {s: 0 for s in SEVERITIES}
    out = []
    for cid, row in stored.items():
        person = people.get(cid)
        if not person or not person.get("consent_given") or row["level"] not in SEVERITIES:
            continue
        counts[row["level"]] += 1
        if row["level"] == "blue":
            continue
        reasons = []
        for r in row["reasons"] if isinstance(row["reasons"], list) else []:
            if r.get("reason") == "finding" and r.get("finding_id") in findings:
                reasons.append(LevelReasonView(reason="finding", severity=r["severity"],
                                               finding=findings[r["finding_id"]]))
            elif r.get("reason") == "notice":
                reasons.append(LevelReasonView(reason="notice", severity=r["severity"], offered_on=r["offered_on"],
                                               starts_on=r["starts_on"], notice_days=r["notice_days"]))
        out.append(CandidateLevelView(candidate_id=cid, name=_name(person), level=row["level"], reasons=reasons))
    out.sort(key=lambda c: (SEVERITIES.index(c.level), c.name.casefold(), c.candidate_id))
    return out, counts


def is_loopback_link(url: str | None) -> bool:
    host = (urlsplit(url).hostname or "") if url else ""
    return host in ("localhost", "::1") or host.startswith("127.")


def _loopback_links(requisitions: list[RequisitionView]) -> bool:
    return any(
        is_loopback_link(e.link) or is_loopback_link(c.record_url)
        for r in requisitions
        for c in r.candidates
        for f in c.findings
        for e in f.evidence
    )


def _reviews(wh: Warehouse, report_day: date) -> list[dict[str, Any]]:
    since = (report_day - timedelta(days=REVIEW_LOOKBACK_DAYS)).isoformat()
    return wh.query(
        'SELECT review_id, employer, "date", rating, title, pros, cons, advice_to_management, job_title, '
        'employment_status, response_at FROM reviews WHERE "date" >= ? ORDER BY "date", review_id',
        [since],
    )


def _pointer(path: str, config: Any) -> str:
    """A landing file as a path below the data folder (the report never shows where that folder is)."""
    if not path or not hasattr(config, "data_path"):
        return path or ""
    try:
        return str(Path(path).resolve().relative_to(Path(config.data_path()).resolve()))
    except ValueError:
        return Path(path).name


def _add_incomplete(wh: Warehouse, requisitions: list[RequisitionView], ids: list[str], run_id: str, config: Any) -> None:
    """Each shown candidate's quarantined records (the part of their record the rules could not read)."""
    from include.warehouse.quarantine import incomplete_records

    found = incomplete_records(wh, ids, run_id)
    for req in requisitions:
        for cand in req.candidates:
            cand.incomplete = [QuarantinedView(source=str(q["source"] or ""), dataset=str(q["dataset"] or ""),
                                               record_key=str(q["record_key"] or ""), reason=str(q["reason"] or ""),
                                               raw_pointer=_pointer(str(q["raw_pointer"] or ""), config))
                               for q in found.get(cand.candidate_id, [])]


def finding_view(row: dict[str, Any], run_id: str = "") -> FindingView:
    """A ``discrepancies`` row as the report shows it (its message in the reader's locale, its evidence)."""
    return _finding(row, run_id)


def notice_views(wh: Warehouse, today: date, config: Any = None) -> list[NoticeView]:
    """Overdue and due notices, results awaiting a decision (with a configuration) and waiting periods as
    of ``today`` (none before the notices migration)."""
    notices = config if hasattr(config, "notices") else None
    return [NoticeView(**vars(a)) for a in notice_status.attention(wh, today, notices)]


def load_report_data(wh: Warehouse, report_day: date, run_id: str, config: Any, today: date | None = None
                     ) -> ReportData:
    """Everything the report of ``run_id`` (report day ``report_day``) shows; its notices and waiting
    periods as of ``today`` (default: the report day; the HR page passes the real today)."""
    rows = runs.findings_of_run(wh, run_id)
    ids = sorted({r["candidate_id"] for r in rows})
    people = candidates.report_people(wh, ids)
    shown = [(r, _finding(r, run_id)) for r in rows if people.get(r["candidate_id"], {}).get("consent_given")]
    shown_ids = sorted({r["candidate_id"] for r, _ in shown})
    apps, latest_app = _applications(wh, shown_ids)
    requisitions = _group(shown, people, apps, latest_app)
    _add_incomplete(wh, requisitions, shown_ids, run_id, config)
    checked, awaiting = candidates.consent_counts(wh)

    review_rows = _reviews(wh, report_day)
    if shown_ids:
        jobs = candidates.resume_employments(wh, RESUME_SOURCES, shown_ids)
        contexts = brand.employer_contexts(review_rows, brand.latest_employers(jobs), report_day)
        for req in requisitions:
            for cand in req.candidates:
                cand.employer_context = contexts.get(cand.candidate_id)
    company = config.hiring_company.name
    employer_brand = None
    if review_rows:  # no reviews at all: the source was skipped or has nothing; say so rather than show zeros
        since, window = brand.brand_window(report_day, runs.previous_report_day(wh, report_day))
        employer_brand = brand.employer_brand(review_rows, company, report_day, since, window)

    counts = _counts([v for _, v in shown], checked, awaiting, len(shown_ids))
    counts.need_action = need_action(requisitions)
    levels, counts.levels = candidate_levels(wh, run_id, {v.finding_id: v for _, v in shown})
    disputes = dispute_views(wh, shown, people, today or report_day)
    run_dir = None
    if hasattr(config, "data_path"):
        run_dir = config.data_path() / "runs" / run_id
    counts.profiles_pending = _profiles_pending(wh, run_id, run_dir)
    counts.employers_pending = _employers_pending(wh, run_id, run_dir)
    return ReportData(
        report_day=report_day,
        run_id=run_id,
        hiring_company=company,
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        counts=counts,
        requisitions=requisitions,
        levels=levels,
        skipped_sources=skipped_sources(_manifest_sources(wh, run_id, run_dir)),
        brand=employer_brand,
        loopback_links=_loopback_links(requisitions),
        notices=notice_views(wh, today or report_day, config),
        notices_day=today or report_day,
        disputes=disputes,
    )


def dispute_views(wh: Warehouse, shown: list[tuple[dict[str, Any], FindingView]], people: dict[str, dict[str, Any]],
                  today: date | None = None) -> list[DisputeView]:
    """The disputes awaiting an outcome of the findings the report shows, the overdue first (by due day);
    each disputed finding's view gets its dispute. Overdue: due before ``today`` (as for the notices: the
    report day in the report files, the real today on the HR page)."""
    from include.warehouse.disputes import open_disputes

    views = {v.finding_id: v for _, v in shown}
    out = []
    for d in open_disputes(wh, today=today):
        view = views.get(str(d["finding_id"]))
        if view is None:
            continue
        last = d["rereads"][-1] if d["rereads"] else None
        dv = DisputeView(dispute_id=d["dispute_id"], finding_id=view.finding_id, candidate_id=d["candidate_id"],
                         name=_name(people.get(d["candidate_id"]) or {"candidate_id": d["candidate_id"]}), kind=view.kind,
                         received_on=str(d["received_on"]), due_on=str(d["due_on"]), overdue=d["overdue"],
                         reread=last["evidence"] if last else None, reread_run=last["run_id"] if last else None)
        if view.status == "disputed":
            view.dispute = dv
        out.append(dv)
    out.sort(key=lambda v: (not v.overdue, v.due_on, v.name.casefold()))
    return out


def open_dispute_views(wh: Warehouse, today: date, findings: dict[str, FindingView] | None = None
                       ) -> list[DisputeView]:
    """The disputes awaiting an outcome, the overdue first, read without the report's whole state: of every
    finding (the day report's list), or only of ``findings`` (a requisition or candidate page), whose
    disputed views then get their dispute."""
    from include.warehouse import candidates
    from include.warehouse.disputes import have_disputes, open_disputes

    if not have_disputes(wh):
        return []
    rows = [r for r in open_disputes(wh, today=today) if findings is None or str(r["finding_id"]) in findings]
    if not rows:
        return []
    ids = sorted({str(r["finding_id"]) for r in rows})
    kinds = {r["finding_id"]: r["kind"] for r in wh.query_in(
        "SELECT finding_id, kind FROM discrepancies WHERE finding_id IN ({ids})", ids)}
    people = candidates.report_people(wh, sorted({str(r["candidate_id"]) for r in rows}))
    shown: list[tuple[dict[str, Any], FindingView]] = [({}, findings[fid] if findings is not None else FindingView(
        finding_id=fid, kind=str(kinds.get(fid, "")), severity="blue", summary="", question="", status="disputed"))
        for fid in ids if findings is not None or fid in kinds]
    return dispute_views(wh, shown, people, today)


def display_name(row: dict[str, Any]) -> str:
    """A candidate row's name as every page writes it (see ``_name``)."""
    return _name(row)
