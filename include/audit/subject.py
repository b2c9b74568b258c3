"""A candidate's rights: access (everything held, as JSON) and erasure (personal data removed everywhere).

Erasure deletes the candidate's rows (candidate, applications, employments, educations, findings
and their clearances, quarantined records that mention them) and rewrites the raw landing files
that hold their records; given the data folder, also their lines in every run's findings files and
the HR reports that show them (``include.audit.files``). What stays is what the audit needs and is not personal data: the hash
chain (ids, counts, digests), ``run_findings`` digests, and a tombstone in ``erasures`` with a
salted hash of the candidate id, who asked, when, the row counts per table, the (salted) finding ids removed
and every file rewritten (old and new sha256) or deleted. The run manifests keep the original
file hashes: they record what was read then, and ``audit.chain.verify`` still passes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from include.audit.anchor import anchor_for
from include.audit.chain import erasure_salt, salted_hash
from include.audit.coverage import LOCK, seal_locked
from include.audit.holds import active_hold, holds_of, refuse_erasure, requests_of
from include.audit.redact import Subject, cut, prepare_rewrite, scan_file
from include.audit.scope import own_findings_files, own_landing_files, own_reports
from include.warehouse import Warehouse
from include.warehouse.base import now_iso, quote_ident
from include.warehouse.disputes import disputes

CANDIDATE_TABLES = ("applications", "employments", "educations", "recruiting_events", "candidate_levels",
                    "finding_disputes", "dispute_steps",  # include/disputes
                    "notice_decisions", "notice_letters", "notice_deliveries",  # these three: include/notices
                    "profile_reads", "candidate_checks")
AUDIT_TABLES = {"pipeline_runs", "run_findings", "erasures", "schema_migrations", "warehouse_meta", "audit_seals",
                "audit_rows"}
RETENTION = "retention"  # ``erased_by`` of erasures made by the retention policy
WITHDRAWAL = "consent-withdrawn"  # ``erased_by`` of erasures made because the candidate withdrew consent
# Erasures that do not bar the candidate from being read again: data that expired, or consent that was
# withdrawn, says nothing against a new application or consent given again. An erasure on request does.
NOT_BLOCKING = (RETENTION, WITHDRAWAL)
TEXT_TYPES = {"TEXT", "VARCHAR", "JSON", "JSONB", "CHARACTER VARYING"}


def candidate_hash(wh: Warehouse, candidate_id: str) -> str:
    """The tombstone key: salted, so the table alone does not reveal which ids were erased."""
    return salted_hash(erasure_salt(wh, create=True) or "", candidate_id)


def is_erased(wh: Warehouse, candidate_id: str, any_reason: bool = False) -> bool:
    """For ingestion: a candidate erased on request must not be stored again from a later source read.

    An erasure by the retention policy (``erased_by = 'retention'``) or after a consent withdrawal
    (``'consent-withdrawn'``) does not block: a candidate whose old data expired may apply again, and
    consent given again is new consent. ``any_reason=True`` answers
    whether any erasure happened (for an access request).
    """
    if not wh.query("SELECT 1 AS x FROM erasures LIMIT 1"):
        return False
    rows = wh.query(
        "SELECT erased_by FROM erasures WHERE candidate_hash = ?", [candidate_hash(wh, candidate_id)]
    )
    return bool(rows) and (any_reason or rows[0]["erased_by"] not in NOT_BLOCKING)


def erased_among(wh: Warehouse, candidate_ids: list[str], batch: int = 500) -> set[str]:
    """``is_erased`` for many ids at once (ingestion reads tens of thousands): one query per ``batch`` ids."""
    if not candidate_ids or not wh.query("SELECT 1 AS x FROM erasures LIMIT 1"):
        return set()
    salt = erasure_salt(wh, create=True) or ""
    by_hash = {salted_hash(salt, cid): cid for cid in candidate_ids}
    hashes = list(by_hash)
    gone: set[str] = set()
    for i in range(0, len(hashes), batch):
        part = hashes[i:i + batch]
        marks = ",".join("?" for _ in part)
        rows = wh.query(f"SELECT candidate_hash, erased_by FROM erasures WHERE candidate_hash IN ({marks})", part)
        gone.update(by_hash[r["candidate_hash"]] for r in rows if r["erased_by"] not in NOT_BLOCKING)
    return gone


def subject_of(wh: Warehouse, candidate_id: str) -> tuple[Subject, dict[str, Any] | None]:
    rows = wh.query("SELECT * FROM candidates WHERE candidate_id = ?", [candidate_id])
    cand = rows[0] if rows else None
    tokens = {candidate_id.split(":", 1)[-1]}
    texts: set[str] = set()
    for r in wh.query("SELECT application_id FROM applications WHERE candidate_id = ?", [candidate_id]):
        tokens.add(str(r["application_id"]).split(":", 1)[-1])
    if cand:
        tokens.update(v for v in (cand.get("orcid"), cand.get("github_login")) if v)
        texts.update(str(e) for e in (cand.get("emails") or []))
        texts.update(str(p) for p in (cand.get("phones") or []))
        texts.update(v for v in (cand.get("linkedin_export_url"), cand.get("record_url")) if v)
    return Subject(candidate_id, tokens, texts), cand


def _rows(wh: Warehouse, table: str, candidate_id: str) -> list[dict[str, Any]]:
    return wh.query(f"SELECT * FROM {quote_ident(table)} WHERE candidate_id = ?", [candidate_id])


def _quarantined(wh: Warehouse, who: Subject) -> list[dict[str, Any]]:
    return [
        q
        for q in wh.query("SELECT * FROM quarantine ORDER BY quarantine_id")
        if who.in_value({k: q.get(k) for k in ("record_key", "raw", "raw_pointer")})
    ]


def _manifest_mentions(wh: Warehouse, who: Subject) -> list[dict[str, Any]]:
    """Sealed runs whose manifest mentions the candidate: where in it, and their own consent evidence
    (not the whole manifest, which lists every other candidate's pseudonymous id too)."""
    out = []
    for r in wh.query("SELECT run_id, seq, report_day, hash, manifest FROM pipeline_runs ORDER BY seq"):
        manifest = json.loads(r["manifest"]) if isinstance(r["manifest"], str) else r["manifest"]
        where = _mentions(manifest, who)
        if where:
            evidence = ((manifest or {}).get("consent") or {}).get("evidence") or []
            out.append(
                {
                    "run_id": r["run_id"],
                    "seq": r["seq"],
                    "report_day": r["report_day"],
                    "hash": r["hash"],
                    "mentioned_at": where[:50],
                    "consent": [e for e in evidence if e.get("candidate_id") == who.candidate_id],
                }
            )
    return out


def _mentions(value: Any, who: Subject, path: str = "$") -> list[str]:
    """JSON paths of the values that name the candidate (by id or any identifier)."""
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _mentions(v, who, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _mentions(v, who, f"{path}[{i}]")]
    if value == who.candidate_id or who.in_value(value):
        return [path]
    return []


def _address(url: str) -> str:
    """A request URL without its query: the query of a page holds other candidates' ids (``candidate_ids=``
    lists) and paging cursors that decode to other people's records."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _records_of(line: dict[str, Any], who: Subject) -> list[Any]:
    """The candidate's records in a landed response, and nobody else's: erasure blanks a whole page whose
    URL names the candidate (a ``candidate_ids=`` list names others too), an export takes from it only the
    records that mention them."""
    body = line.get("body")
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    try:
        data = json.loads(text)
    except ValueError:  # a file (a LinkedIn export): theirs when it names them or its address is theirs alone
        path = urlsplit(str(line.get("url") or "")).path
        return [text] if who.in_text(text) or who.in_text(path) else []
    if not isinstance(data, (dict, list)):
        return [data] if who.in_value(data) else []
    return cut(data, who)[1]


def export_candidate(wh: Warehouse, candidate_id: str, landing_root: Path) -> dict[str, Any]:
    """Everything held about a candidate. Raises ``KeyError`` when nothing at all is held or recorded."""
    who, cand = subject_of(wh, candidate_id)
    findings = _rows(wh, "discrepancies", candidate_id)
    ids = [f["finding_id"] for f in findings]
    clearances = wh.query(
        "SELECT * FROM finding_clearances WHERE candidate_id = ? ORDER BY cleared_at", [candidate_id]
    )
    own = {t: _rows(wh, t, candidate_id) for t in CANDIDATE_TABLES}
    runs_written = sorted(
        {
            r["run_id"]
            for r in [
                *([cand] if cand else []),
                *own["applications"],
                *own["employments"],
                *own["educations"],
                *own["recruiting_events"],
            ]
            if r.get("run_id")
        }
    )
    run_refs: set[str] = set()
    for fid in ids:
        run_refs.update(
            r["run_id"] for r in wh.query("SELECT run_id FROM run_findings WHERE finding_id = ?", [fid])
        )
    landing = []
    for path in own_landing_files(wh, Path(landing_root)):  # this warehouse's runs only
        hits = scan_file(path, who)
        if hits:
            landing.append(
                {
                    "path": str(path),
                    "lines": [n for n, *_ in hits],
                    "urls": [_address(str(line.get("url") or "")) for _, line, _, _ in hits],
                    "records": [r for _, line, _, _ in hits for r in _records_of(line, who)],
                }
            )
    erased = is_erased(wh, candidate_id, any_reason=True)
    out = {
        "candidate_id": candidate_id,
        "exported_at": now_iso(),
        "candidate": cand,
        "applications": own["applications"],
        "employments": own["employments"],
        "educations": own["educations"],
        "recruiting_events": own["recruiting_events"],
        "candidate_levels": own["candidate_levels"],
        # HR's decisions, the letters written to the candidate (paths, sha256) and how they were delivered
        "notice_decisions": own["notice_decisions"],
        "notice_letters": own["notice_letters"],
        "notice_deliveries": own["notice_deliveries"],
        "findings": findings,
        "finding_clearances": clearances,
        "quarantine": _quarantined(wh, who),
        "legal_holds": holds_of(wh, candidate_id),
        "erasure_requests": requests_of(wh, candidate_id),
        "disputes": disputes(wh, candidate_id=candidate_id),  # each with its re-reads and outcome
        "audit": {
            "runs_that_wrote_candidate_rows": runs_written,
            "runs_that_wrote_findings": sorted(run_refs),
            "manifests_mentioning_candidate": _manifest_mentions(wh, who),
            "erased": erased,
        },
        "landing_files": landing,
    }
    held = [
        out["candidate"],
        out["applications"],
        out["employments"],
        out["educations"],
        out["recruiting_events"],
        out["notice_decisions"],
        findings,
        out["quarantine"],
        out["legal_holds"],
        out["disputes"],
        landing,
    ]
    if not any(held) and not erased:
        raise KeyError(f"no data held for candidate {candidate_id!r}")
    return out


def erase_candidate(
    wh: Warehouse,
    candidate_id: str,
    landing_root: Path,
    by: str,
    data_root: Path | None = None,
    config: Any = None,
    anchor: Any = None,
) -> dict[str, Any]:
    """Remove a candidate's personal data from every table and landing file; keep a tombstone.

    With ``data_root`` (``config.data_path()`` when only ``config`` is given) the run folders and HR
    reports under it are cleaned too (``include.audit.files``); with ``config`` the latest report is
    rendered again without the candidate. ``by="retention"`` marks an erasure by the retention policy,
    ``by="consent-withdrawn"`` one made by ingestion when a source shows the candidate's consent withdrawn.

    A candidate under legal hold is not erased: the request is recorded (``erasure_requests``) and
    ``OnHold`` is raised with the hold's reason. The erasure is sealed (``include.audit.coverage``) in
    its own transaction, so the covered tables it changed verify afterwards; with an ``anchor`` (from
    ``config`` when not given) the seal's head is signed and logged.

    Returns a report (no personal data): rows deleted per table, files rewritten or deleted, finding
    ids removed, and ``residual``: tables (and, with ``data_root``, ``residual_files``: files) where
    the candidate's e-mails or other personal identifiers still appear.
    """
    from include.audit import files as outside

    if not by or not by.strip():
        raise ValueError("the name of who requested the erasure is required")
    if data_root is None and config is not None:
        data_root = Path(config.data_path())
    if anchor is None and config is not None:
        anchor = anchor_for(config)
    hold = active_hold(wh, candidate_id)
    if hold is not None:
        raise refuse_erasure(wh, candidate_id, by, hold, anchor)
    who, cand = subject_of(wh, candidate_id)
    finding_ids = [
        r["finding_id"]
        for r in wh.query("SELECT finding_id FROM discrepancies WHERE candidate_id = ?", [candidate_id])
    ]
    quarantined = [q["quarantine_id"] for q in _quarantined(wh, who)]
    rewrites: list[Any] = []
    reports: list[Path] = []
    try:  # redacted copies are written beside the files: none may stay behind if this fails
        for p in own_landing_files(wh, Path(landing_root)):  # this warehouse's runs only
            if (rw := prepare_rewrite(p, who)) is not None:
                rewrites.append(rw)
        if data_root is not None:
            for p in own_findings_files(wh, outside.findings_files(data_root)):
                if (rw := outside.prepare_findings_rewrite(p, candidate_id)) is not None:
                    rewrites.append(rw)
            reports = own_reports(wh, outside.reports_showing(data_root, who))
        for rw in rewrites:  # the rewritten files still hold other candidates' data: owner-only
            os.chmod(rw.tmp, 0o600)
    except BaseException:
        for rw in rewrites:
            rw.discard()
        raise
    before = is_erased(wh, candidate_id, any_reason=True)
    if (
        cand is None
        and not finding_ids
        and not quarantined
        and not rewrites
        and not reports
        and not any(_rows(wh, t, candidate_id) for t in CANDIDATE_TABLES)
    ):
        if before:
            return {
                "candidate_hash": candidate_hash(wh, candidate_id),
                "already_erased": True,
                "tables": {},
                "files": [],
                "findings": [],
                "residual": {},
            }
        raise KeyError(f"no data held for candidate {candidate_id!r}")
    # the notice letters written to the candidate hold their name and findings: deleted with their rows
    letters = [Path(r["path"]) for r in _rows(wh, "notice_letters", candidate_id) if Path(r["path"]).is_file()]
    deleted = [outside.deleted_record(p) for p in [*reports, *letters]]
    key = candidate_hash(wh, candidate_id)
    tables: dict[str, int] = {}
    try:
        with wh.transaction():
            tables["finding_clearances"] = _delete_in(wh, "finding_clearances", "finding_id", finding_ids)
            tables["finding_clearances"] += wh.execute(
                "DELETE FROM finding_clearances WHERE candidate_id = ?", [candidate_id]
            )
            tables["discrepancies"] = _delete_in(wh, "discrepancies", "finding_id", finding_ids)
            for t in CANDIDATE_TABLES:
                tables[t] = wh.execute(f"DELETE FROM {t} WHERE candidate_id = ?", [candidate_id])
            tables["candidates"] = wh.execute("DELETE FROM candidates WHERE candidate_id = ?", [candidate_id])
            tables["quarantine"] = _delete_in(wh, "quarantine", "quarantine_id", quarantined)
            tables["landed_payloads"] = _repoint_payloads(wh, rewrites)
            for t in ("legal_holds", "erasure_requests"):  # released holds, refused requests: the dispute is over
                tables[t] = wh.execute(f"DELETE FROM {t} WHERE candidate_id = ?", [candidate_id])
            salt = erasure_salt(wh, create=True) or ""
            _record(
                wh,
                key,
                by.strip(),
                tables,
                [*(rw.record() for rw in rewrites), *deleted],
                [salted_hash(salt, fid) for fid in finding_ids],
            )
            wh.lock(LOCK)
            sealed = seal_locked(wh, "erasure", key, by.strip())
    except BaseException:
        for rw in rewrites:
            rw.discard()
        raise
    for rw in rewrites:
        rw.commit()
    for p in [*reports, *letters]:
        p.unlink(missing_ok=True)
    if reports and data_root is not None:  # no later build may take a page over from a deleted one
        outside.forget_report_pages(data_root, reports)
    if anchor is not None:
        anchor.append(sealed)
    out = {
        "candidate_hash": key,
        "already_erased": before,
        "tables": tables,
        "files": [*(rw.record() for rw in rewrites), *deleted],
        "findings": finding_ids,
        "residual": find_mentions(wh, who.personal),
    }
    if data_root is not None:
        out["reports_rerendered"] = outside.rerender_latest_report(wh, config, reports) if config else []
        out["residual_files"] = outside.residual_files(data_root, who.personal)
    return out


def _delete_in(wh: Warehouse, table: str, column: str, values: list[str]) -> int:
    n = 0
    for i in range(0, len(values), 500):
        part = values[i : i + 500]
        n += wh.execute(f"DELETE FROM {table} WHERE {column} IN ({', '.join('?' for _ in part)})", part)
    return n


def _repoint_payloads(wh: Warehouse, rewrites: list[Any]) -> int:
    """landed_payloads follows the files (their manifests keep the hashes of what was read)."""
    if not rewrites:
        return 0
    new_sha = {rw.path.resolve(): rw.new_sha256 for rw in rewrites}
    n = 0
    for r in wh.query("SELECT run_id, path FROM landed_payloads"):
        sha = new_sha.get(Path(r["path"]).resolve())
        if sha:
            n += wh.execute(
                "UPDATE landed_payloads SET sha256 = ? WHERE run_id = ? AND path = ?",
                [sha, r["run_id"], r["path"]],
            )
    return n


def _record(
    wh: Warehouse, key: str, by: str, tables: dict[str, int], files: list[dict[str, Any]], findings: list[str]
) -> None:
    old = wh.query("SELECT * FROM erasures WHERE candidate_hash = ?", [key])
    if old:  # erased before (e.g. re-ingested since): one tombstone, the history merged
        o = old[0]
        for t, n in (o.get("tables") or {}).items():
            tables = {**tables, t: tables.get(t, 0) + int(n)}
        files = [*(o.get("files") or []), *files]
        findings = sorted({*(o.get("findings") or []), *findings})
        if by in NOT_BLOCKING and o.get("erased_by") not in (None, *NOT_BLOCKING):
            by = o["erased_by"]  # an erasure on request is never downgraded to one that does not block
    wh.upsert(
        "erasures",
        [
            {
                "candidate_hash": key,
                "erased_at": now_iso(),
                "erased_by": by,
                "tables": tables,
                "files": files,
                "findings": findings,
            }
        ],
        ["candidate_hash"],
    )


def find_mentions(wh: Warehouse, needles: set[str]) -> dict[str, int]:
    """Rows per table whose text or JSON columns contain any needle (case-insensitive); no values returned."""
    needles = {n.lower() for n in needles if n}
    if not needles:
        return {}
    out: dict[str, int] = {}
    for table in wh.tables():
        cols = [c for c, t in wh.columns(table).items() if t in TEXT_TYPES]
        if not cols:
            continue
        cond = " OR ".join(
            f"strpos(lower(CAST({quote_ident(c)} AS TEXT)), ?) > 0" for c in cols for _ in needles
        )
        params = [n for _ in cols for n in sorted(needles)]
        n = int(wh.query(f"SELECT COUNT(*) AS n FROM {quote_ident(table)} WHERE {cond}", params)[0]["n"])
        if n:
            out[table] = n
    return out
