"""Findings state across runs: ``discrepancies`` (current state), clearances, and what each run wrote.

Decisions (documented in docs/WAREHOUSE.md terms):

* ``status`` is ``open``, ``cleared`` or ``disputed`` (a candidate's dispute awaits its outcome:
  ``include.disputes``; a run keeps it disputed whatever it finds). A finding is *current*
  when its ``last_seen_run`` is the latest run that checked its candidate; one that a later check no
  longer produces keeps its status and its older ``last_seen_run`` (counted as ``resolved``).
* ``first_seen_run`` is set once; ``last_seen_run`` is the latest run that produced the finding.
* A cleared finding stays cleared while its ``evidence_digest`` equals the one it was cleared for.
  When the evidence changes it reopens (status ``open``); the clearance stays in
  ``finding_clearances`` with the run that reopened it.
* Every run records, in ``run_findings``, a digest of each finding row it wrote (no personal data);
  ``findings_digest`` over those digests is sealed into the audit chain. HR's status changes are
  kept out of the row digest: they are legitimate edits after the run.
* Writing the same run again (a task retry) gives the same state and the same counts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from include.audit.digests import DIGEST_FIELDS, digest_of_rows, row_digest
from include.models import Finding
from include.warehouse import Warehouse
from include.warehouse.base import now_iso, placeholders

# the columns of a finding row that a run writes and the audit chain covers (status and clearance excluded)
CHUNK = 500


def findings_digest(findings: Sequence[Finding]) -> str:
    """What a run's findings digest to; ``audit.chain.verify`` recomputes it from ``run_findings``."""
    return digest_of_rows((f.finding_id, row_digest(f)) for f in _dedupe(findings))


def _dedupe(findings: Sequence[Finding]) -> list[Finding]:
    return list({f.finding_id: f for f in findings}.values())


def _rows_by_id(
    wh: Warehouse, table: str, column: str, ids: Sequence[str], extra: str = "", params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """Whole rows of ``table`` whose ``column`` is one of ``ids`` (chunked), with ``extra`` conditions."""
    return wh.query_in(f"SELECT * FROM {table} WHERE {column} IN ({{ids}}){extra}", list(ids), list(params), CHUNK)


@dataclass
class FindingsWritten:
    """What writing one run's findings did: the counts, the run's findings digest, findings per kind."""

    counts: dict[str, int]
    digest: str
    by_kind: dict[str, int]


@dataclass
class _Tally:
    """What a run's writing has counted so far: per outcome, each finding's row digest and kind."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        ("new", "updated", "unchanged", "reopened", "cleared", "resolved", "total"), 0))
    written: dict[str, str] = field(default_factory=dict)  # finding_id -> row digest, for findings_digest
    kinds: dict[str, str] = field(default_factory=dict)

    def add(self, finding_id: str, digest: str, kind: str, outcome: str, cleared: bool) -> None:
        """One finding written: counted once (a repeat from an earlier batch overwrites, the last wins)."""
        if finding_id not in self.written:
            self.counts[outcome] += 1
            self.counts["cleared"] += cleared
        self.written[finding_id] = digest
        self.kinds[finding_id] = kind


def upsert_findings(
    wh: Warehouse, findings: Sequence[Finding], run_id: str, candidate_ids_checked: set[str]
) -> dict[str, int]:
    """Write one run's findings; return counts: new, updated, unchanged, reopened, cleared, resolved, total.

    ``candidate_ids_checked`` are the candidates this run checked: their findings that the run no
    longer produces are ``resolved`` (kept, with their last ``last_seen_run``).
    """
    return write_run_findings(wh, [findings], run_id, candidate_ids_checked).counts


def write_run_findings(
    wh: Warehouse, batches: Iterable[Sequence[Finding]], run_id: str, candidate_ids_checked: set[str],
    carried: Mapping[str, str] | None = None,
) -> FindingsWritten:
    """``upsert_findings`` over batches read one at a time, in one transaction: only one batch's findings
    are in memory at once (plus each finding's id and row digest, for the run's digest).

    A finding id met again in a later batch overwrites the earlier one (the last wins, as within a
    batch) and is counted once. ``carried``: candidates whose findings this run keeps unread (candidate id
    -> the run that last wrote them: ``include.pipeline.incremental.plan``), written again in SQL
    as the batches would write an unchanged finding (``_carry``).
    """
    if not run_id:
        raise ValueError("run_id is required")
    now = now_iso()
    tally = _Tally()
    counts, written = tally.counts, tally.written
    with wh.transaction():
        wh.execute("DELETE FROM run_findings WHERE run_id = ?", [run_id])
        for batch in batches:
            _write_batch(wh, _dedupe(batch), run_id, now, tally)
        if carried:
            _carry(wh, carried, run_id, now, tally)
        _forget_stale(wh, run_id, set(written))
        counts["total"] = len(written)
        counts["reopened"] = _count(
            wh,
            "SELECT COUNT(DISTINCT finding_id) AS n FROM finding_clearances WHERE reopened_run = ?",
            [run_id],
        )
        counts["resolved"] += sum(
            int(r["n"])
            for r in wh.query_in(
                "SELECT COUNT(*) AS n FROM discrepancies WHERE candidate_id IN ({ids}) AND last_seen_run <> ?",
                sorted(candidate_ids_checked),
                [run_id],
                CHUNK,
            )
        )
    return FindingsWritten(counts, digest_of_rows(written.items()), dict(Counter(tally.kinds.values())))


def _write_batch(
    wh: Warehouse,
    current: list[Finding],
    run_id: str,
    now: str,
    tally: _Tally,
) -> None:
    if not current:
        return
    ids = [f.finding_id for f in current]
    existing = {r["finding_id"]: r for r in _rows_by_id(wh, "discrepancies", "finding_id", ids)}
    active = _active_clearances(wh, ids)
    earlier = _earlier_digests(wh, ids, run_id)
    rows, reopen, digests = [], [], {}
    for f in current:
        data = f.model_dump(mode="json")
        digests[f.finding_id] = digest = row_digest(data)
        old = existing.get(f.finding_id)
        row = {
            **{k: data[k] for k in DIGEST_FIELDS},
            "message": data.get("message"),  # not audited: the report checks it against summary/question
            "status": "open",
            "last_seen_run": run_id,
            "first_seen_run": old["first_seen_run"] if old and old.get("first_seen_run") else run_id,
            "cleared_reason": None,
            "cleared_by": None,
            "cleared_at": None,
        }
        if old and old.get("status") == "disputed":  # a dispute's outcome decides, not a run (include.disputes)
            row["status"] = "disputed"
        elif old and old.get("status") == "cleared":
            cleared_for = (active.get(f.finding_id) or {}).get("evidence_digest") or old.get(
                "evidence_digest"
            )
            if cleared_for == f.evidence_digest:
                row.update(
                    status="cleared",
                    cleared_reason=old.get("cleared_reason"),
                    cleared_by=old.get("cleared_by"),
                    cleared_at=old.get("cleared_at"),
                )
            else:
                reopen.append(f)
        rows.append(row)
        outcome = ("new" if row["first_seen_run"] == run_id
                   else "updated" if earlier.get(f.finding_id) not in (None, digest) else "unchanged")
        tally.add(f.finding_id, digest, f.kind, outcome, row["status"] == "cleared")
    wh.upsert("discrepancies", rows, ["finding_id"])
    for f in reopen:
        wh.execute(
            "UPDATE finding_clearances SET reopened_run = ?, reopened_at = ?, "
            "reopened_evidence_digest = ? "
            "WHERE finding_id = ? AND reopened_run IS NULL",
            [run_id, now, f.evidence_digest, f.finding_id],
        )
    wh.upsert(
        "run_findings",
        [
            {
                "run_id": run_id,
                "finding_id": f.finding_id,
                "evidence_digest": f.evidence_digest,
                "row_digest": digests[f.finding_id],
                "written_at": now,
            }
            for f in current
        ],
        ["run_id", "finding_id"],
    )


def _carry(
    wh: Warehouse,
    carried: Mapping[str, str],
    run_id: str,
    now: str,
    tally: _Tally,
) -> None:
    """The current findings of candidates carried unread, written for this run as ``_write_batch`` writes
    a finding that is unchanged: the same row (status, clearance and first run kept), ``last_seen_run``
    this run, a ``run_findings`` row with the digest their last run recorded, counted ``unchanged``.
    A candidate's current findings are those of the run that last included them (or of this run, when
    a committed attempt of it is written again). A row digest that run did not record (pruned) is
    computed from the stored row."""
    by_run: dict[str, list[str]] = {}
    for cid, seen in carried.items():
        by_run.setdefault(seen, []).append(cid)
    for seen, ids in sorted(by_run.items()):
        ids.sort()
        for i in range(0, len(ids), CHUNK):
            part = ids[i : i + CHUNK]
            marks = placeholders(len(part))
            rows = wh.query(
                "SELECT d.finding_id, d.kind, d.status, d.evidence_digest, rf.row_digest FROM discrepancies d "
                "LEFT JOIN run_findings rf ON rf.finding_id = d.finding_id AND rf.run_id = ? "
                f"WHERE d.candidate_id IN ({marks}) AND (d.last_seen_run = ? OR d.last_seen_run = ?)",
                [seen, *part, seen, run_id],
            )
            missing = [r["finding_id"] for r in rows if not r["row_digest"]]
            if missing:
                digests = {
                    r["finding_id"]: row_digest(Finding.model_validate(finding_data(r)))
                    for r in _rows_by_id(wh, "discrepancies", "finding_id", missing)
                }
                for r in rows:
                    r["row_digest"] = r["row_digest"] or digests[r["finding_id"]]
            for r in rows:
                tally.add(r["finding_id"], r["row_digest"], r["kind"], "unchanged", r["status"] == "cleared")
            wh.upsert(
                "run_findings",
                [
                    {"run_id": run_id, "finding_id": r["finding_id"], "evidence_digest": r["evidence_digest"],
                     "row_digest": r["row_digest"], "written_at": now}
                    for r in rows
                ],
                ["run_id", "finding_id"],
            )
            wh.execute(
                f"UPDATE discrepancies SET last_seen_run = ? WHERE candidate_id IN ({marks}) AND last_seen_run = ?",
                [run_id, *part, seen],
            )


def finding_data(row: dict[str, Any]) -> dict[str, Any]:
    """A stored ``discrepancies`` row as the fields of a ``Finding``."""
    import json

    data = {k: v for k, v in row.items() if k in Finding.model_fields}
    for k in ("evidence", "message"):
        if isinstance(data.get(k), str):
            data[k] = json.loads(data[k])
    return data


def _count(wh: Warehouse, sql: str, params: Sequence[Any]) -> int:
    return int(wh.query(sql, params)[0]["n"])


def _active_clearances(wh: Warehouse, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    rows = _rows_by_id(wh, "finding_clearances", "finding_id", ids, " AND reopened_run IS NULL")
    latest: dict[str, dict[str, Any]] = {}
    for r in sorted(rows, key=lambda r: (r["cleared_at"] or "", r["clearance_id"])):
        latest[r["finding_id"]] = r
    return latest


def _earlier_digests(wh: Warehouse, ids: Sequence[str], run_id: str) -> dict[str, str]:
    """Each finding's row digest as last written by another run (so a retried run counts the same)."""
    rows = _rows_by_id(wh, "run_findings", "finding_id", ids, " AND run_id <> ?", [run_id])
    out: dict[str, str] = {}
    for r in sorted(rows, key=lambda r: (r["written_at"] or "", r["run_id"])):
        out[r["finding_id"]] = r["row_digest"]
    return out


def _forget_stale(wh: Warehouse, run_id: str, keep: set[str]) -> None:
    """A retry of ``run_id`` that no longer produces a finding its first attempt wrote: undo that attempt.

    A finding first seen in the abandoned attempt is removed; an older one goes back to the run that
    last wrote it before. (Content the abandoned attempt changed is not restored: retries of a run
    read the same batch files, so this only matters if those files changed in between.)
    """
    stale = [
        r
        for r in wh.query(
            "SELECT finding_id, first_seen_run FROM discrepancies WHERE last_seen_run = ?", [run_id]
        )
        if r["finding_id"] not in keep
    ]
    if not stale:
        return
    before = {
        r["finding_id"]: r
        for r in _rows_by_id(
            wh, "run_findings", "finding_id", [r["finding_id"] for r in stale], " AND run_id <> ?", [run_id]
        )
    }
    for r in stale:
        prev = before.get(r["finding_id"])
        if r["first_seen_run"] == run_id or prev is None:
            wh.execute("DELETE FROM discrepancies WHERE finding_id = ?", [r["finding_id"]])
        else:
            wh.execute(
                "UPDATE discrepancies SET last_seen_run = ? WHERE finding_id = ?",
                [prev["run_id"], r["finding_id"]],
            )


class UnstorableText(ValueError):
    """A clearance's reason or name holds a NUL character: PostgreSQL cannot store one in text, and a
    silently shortened reason would misstate it. Refused on every warehouse alike."""


class FindingNotOpen(ValueError):
    """The finding is already cleared: clearing it again would overwrite who cleared it and why."""


def clear_finding(wh: Warehouse, finding_id: str, reason: str, by: str, anchor: Any = None) -> None:
    """HR clears an explained finding; it stays cleared in later runs unless its evidence changes.

    The clearance is sealed in the audit trail (``include.audit.coverage``) in the same transaction;
    with an ``anchor`` holding a key, the seal's head is signed and logged.

    Raises ``KeyError`` for an unknown finding id, ``ValueError`` for an empty reason or name and
    ``FindingNotOpen`` (a ``ValueError``) for a finding that is already cleared, ``UnstorableText`` (a
    ``ValueError``) for a NUL in the id, the reason or the name.
    """
    if not reason or not reason.strip():
        raise ValueError("a reason is required to clear a finding")
    if not by or not by.strip():
        raise ValueError("the name of who clears the finding is required")
    for what, text in (("the finding id", finding_id), ("the reason", reason), ("the name", by)):
        if "\0" in text:
            raise UnstorableText(f"{what} holds a NUL character, which cannot be stored: remove it")
    with wh.transaction():
        rows = wh.query(
            "SELECT finding_id, candidate_id, evidence_digest, status, cleared_at FROM discrepancies "
            "WHERE finding_id = ?",
            [finding_id],
        )
        if not rows:
            raise KeyError(f"no finding with id {finding_id!r}")
        if rows[0]["status"] == "disputed":
            raise FindingNotOpen(f"finding {finding_id} is disputed: its dispute's outcome clears it "
                                 "(`crosscheck dispute outcome ID --outcome corrected`)")
        if rows[0]["status"] != "open":
            raise _not_open(finding_id, rows[0].get("cleared_at"))
        at = datetime.now(UTC).isoformat()  # microseconds: the latest clearance is the one that applies
        # only an open row changes: of two clearances at once, the second waits for the first's row lock
        # (PostgreSQL) or conflicts (DuckDB), then changes nothing and is refused
        changed = wh.execute(
            "UPDATE discrepancies SET status = 'cleared', cleared_reason = ?, cleared_by = ?, cleared_at = ? "
            "WHERE finding_id = ? AND status = 'open'",
            [reason.strip(), by.strip(), at, finding_id],
        )
        if changed == 0:
            raise _not_open(finding_id, None)
        clearance_id = hashlib.sha256(f"{finding_id}|{at}|{by}|{reason}".encode()).hexdigest()[:32]
        wh.upsert(
            "finding_clearances",
            [
                {
                    "clearance_id": clearance_id,
                    "finding_id": finding_id,
                    "candidate_id": rows[0]["candidate_id"],
                    "evidence_digest": rows[0]["evidence_digest"],
                    "reason": reason.strip(),
                    "cleared_by": by.strip(),
                    "cleared_at": at,
                    "reopened_run": None,
                    "reopened_at": None,
                    "reopened_evidence_digest": None,
                }
            ],
            ["clearance_id"],
        )
        from include.audit.coverage import LOCK, seal_locked

        wh.lock(LOCK)
        sealed = seal_locked(wh, "clearance", clearance_id, by.strip())
    if anchor is not None:
        anchor.append(sealed)


def _not_open(finding_id: str, cleared_at: Any) -> FindingNotOpen:
    when = str(cleared_at or "")[:10]
    return FindingNotOpen(
        f"finding {finding_id} is already cleared" + (f" (on {when})" if when else "")
        + "; it reopens by itself when its evidence changes"
    )


@dataclass(frozen=True)
class Clearance:
    """What ``clear_and_rerender`` did: the report files it rewrote, or why it could not (the clearance
    is saved either way; the HR page reads the warehouse live)."""

    finding_id: str
    reports: tuple[str, ...]
    render_error: str | None = None


def clear_and_rerender(wh: Warehouse, finding_id: str, reason: str, by: str, config: Any) -> Clearance:
    """Clearing as HR does it, from the HR page or ``crosscheck findings clear``: the finding is cleared
    (refused when unknown, already cleared, or without a reason and a name: see ``clear_finding``),
    then the latest run's report files are rendered again, so the file HR opens shows the clearance."""
    from include.audit.anchor import anchor_for

    clear_finding(wh, finding_id, reason, by, anchor_for(config))
    _refresh_level(wh, finding_id)
    try:
        return Clearance(finding_id, tuple(rerender_latest_report(wh, config)))
    except OSError as exc:
        return Clearance(finding_id, (), f"{type(exc).__name__}: {exc.strerror or exc}")


def _refresh_level(wh: Warehouse, finding_id: str) -> None:
    """The cleared finding's candidate gets their level of the run that last saw it again."""
    from include.levels import refresh_candidate

    for row in wh.query("SELECT candidate_id, last_seen_run FROM discrepancies WHERE finding_id = ?", [finding_id]):
        if row["candidate_id"] and row["last_seen_run"]:
            refresh_candidate(wh, row["last_seen_run"], row["candidate_id"])


def rerender_latest_report(wh: Warehouse, config: Any) -> list[str]:
    """Write the latest sealed run's report (the day report, its requisition pages and the CSV, every
    locale) again from the warehouse; the day report and CSV paths written."""
    from include.report.i18n import LOCALES
    from include.report.site import build_site
    from include.warehouse.runs import latest_run

    latest = latest_run(wh)
    if latest is None:
        return []
    run_id, day = latest
    site = build_site(wh, day, run_id, config, config.data_path() / "reports", [config.report.locale, *LOCALES])
    return [str(x) for p in site.values() for x in (p.html, p.csv)]


def clearance_history(wh: Warehouse, finding_id: str) -> list[dict[str, Any]]:
    """Every clearance of a finding, oldest first, including those its evidence later reopened."""
    return wh.query(
        "SELECT * FROM finding_clearances WHERE finding_id = ? ORDER BY cleared_at, clearance_id",
        [finding_id],
    )


MIN_SHORT_ID = 6  # a shortened finding id (as the HR page and CSV readers copy it) needs this many characters


def full_finding_id(wh: Warehouse, ref: str) -> str:
    """The finding id ``ref`` names: itself when it is one, else the only id that starts with it (at least
    ``MIN_SHORT_ID`` characters). ``KeyError`` with a one-line reason for none or several."""
    ref = ref.strip()
    if wh.query("SELECT finding_id FROM discrepancies WHERE finding_id = ?", [ref]):
        return ref
    if len(ref) < MIN_SHORT_ID:
        raise KeyError(f"no finding with id {ref!r} (a shortened id needs at least {MIN_SHORT_ID} characters)")
    pattern = ref.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    rows = wh.query("SELECT finding_id FROM discrepancies WHERE finding_id LIKE ? ESCAPE '\\' "
                    "ORDER BY finding_id LIMIT 3", [pattern])
    if not rows:
        raise KeyError(f"no finding with id {ref!r}")
    if len(rows) > 1:
        raise KeyError(f"finding id {ref!r} is ambiguous: several findings start so; give more of it")
    return str(rows[0]["finding_id"])


class FindingNotCleared(ValueError):
    """Reopening a finding that is open: nothing to reopen."""


def reopen_finding(wh: Warehouse, finding_id: str, by: str, anchor: Any = None) -> None:
    """HR takes back a clearance: the finding is open again, in this report and the next ones, until it is
    cleared again. The clearance stays on record, marked reopened by ``by`` (``reopened_by``), at the run
    whose report HR was reading (``reopened_run``, which also ends the clearance for the audit chain).

    Raises ``KeyError`` for an unknown finding, ``ValueError`` for an empty name, ``FindingNotCleared`` for
    a finding that is open.
    """
    from include.warehouse.runs import latest_run

    if not by or not by.strip():
        raise ValueError("the name of who reopens the finding is required")
    with wh.transaction():
        rows = wh.query("SELECT status, evidence_digest, last_seen_run FROM discrepancies WHERE finding_id = ?",
                        [finding_id])
        if not rows:
            raise KeyError(f"no finding with id {finding_id!r}")
        latest = latest_run(wh)
        run_id = latest.run_id if latest is not None else rows[0]["last_seen_run"]
        changed = wh.execute(
            "UPDATE discrepancies SET status = 'open', cleared_reason = NULL, cleared_by = NULL, cleared_at = NULL "
            "WHERE finding_id = ? AND status = 'cleared'", [finding_id])
        if changed == 0:
            raise FindingNotCleared(f"finding {finding_id} is open: there is no clearance to take back")
        wh.execute(
            "UPDATE finding_clearances SET reopened_run = ?, reopened_at = ?, reopened_evidence_digest = ?, "
            "reopened_by = ? WHERE finding_id = ? AND reopened_run IS NULL",
            [run_id, datetime.now(UTC).isoformat(), rows[0]["evidence_digest"], by.strip(), finding_id])
        from include.audit.coverage import LOCK, seal_locked

        wh.lock(LOCK)  # the changed clearance is sealed like the clearance was: the trail verifies after it
        sealed = seal_locked(wh, "reopen", finding_id, by.strip())
    if anchor is not None:
        anchor.append(sealed)


def reopen_and_rerender(wh: Warehouse, finding_id: str, by: str, config: Any) -> Clearance:
    """``reopen_finding``, then the latest run's report files rendered again (as ``clear_and_rerender``)."""
    from include.audit.anchor import anchor_for

    reopen_finding(wh, finding_id, by, anchor_for(config))
    _refresh_level(wh, finding_id)
    try:
        return Clearance(finding_id, tuple(rerender_latest_report(wh, config)))
    except OSError as exc:
        return Clearance(finding_id, (), f"{type(exc).__name__}: {exc.strerror or exc}")
