"""The tamper-evident audit trail: ``pipeline_runs`` as a hash chain, covering each run's findings.

Each run row is hashed over canonical JSON of (seq, run_id, report_day, dag_ids, started_at,
ended_at, state, manifest, findings_digest, prev_hash); ``prev_hash`` is the previous row's hash
(``"0" * 64`` for the first). ``findings_digest`` covers ``run_findings``, the digest of every
finding row the run wrote, so an edit of a past finding is detected too.

Decisions:

* One row per run id. Sealing the same run id again with the same content is a no-op; with other
  content (a retried seal task) it replaces the row only while it is the tip of the chain, so the
  chain never forks. A re-run of a day is a new run id and a new row.
* The chain holds ids, counts and digests, never names or e-mails, so a candidate's erasure leaves
  it intact. Findings that erasure removed are listed (as salted hashes of their ids) in the
  ``erasures`` tombstone,
  and landing files it rewrote keep their original sha256 in the manifest: a record of what was read.
* HR's clearances are not in the findings digests (they are legitimate later edits), but a finding
  marked ``cleared`` must have its clearance recorded in ``finding_clearances``, and that table is
  covered by the seals of ``include.audit.coverage`` (sealed with every run and every clearance).
"""

from __future__ import annotations

import json
import math
import secrets
from dataclasses import dataclass
from typing import Any

from include.audit.digests import digest_of_rows, row_digest
from include.warehouse import Warehouse
from include.warehouse.base import canonical_json, sha256_text

GENESIS = "0" * 64
CHAIN_FIELDS = (
    "seq",
    "run_id",
    "report_day",
    "dag_ids",
    "started_at",
    "ended_at",
    "state",
    "manifest",
    "findings_digest",
    "prev_hash",
)


class ChainError(RuntimeError):
    pass


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    rows: int
    first_bad: str | None  # run id of the first row found altered
    reason: str


def erasure_salt(wh: Warehouse, create: bool = False) -> str | None:
    """The warehouse's secret salt for erasure tombstones (made on the first erasure)."""
    rows = wh.query("SELECT value FROM warehouse_meta WHERE key = 'erasure_salt'")
    if rows or not create:
        return str(rows[0]["value"]) if rows else None
    wh.upsert("warehouse_meta", [{"key": "erasure_salt", "value": secrets.token_hex(32)}], ["key"])
    return str(wh.query("SELECT value FROM warehouse_meta WHERE key = 'erasure_salt'")[0]["value"])


def salted_hash(salt: str, value: str) -> str:
    """How a tombstone names an erased candidate or finding without naming it."""
    return sha256_text(f"{salt}:{value}")


def run_hash(row: dict[str, Any]) -> str:
    return sha256_text(canonical_json({k: row.get(k) for k in CHAIN_FIELDS}))


def plain_json(value: Any) -> Any:
    """The value as the warehouse will give it back: JSON types only, NaN/inf as null, keys as text."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [plain_json(v) for v in items]
    return plain_json(json.loads(json.dumps(value, default=str)))


def append_run(
    wh: Warehouse,
    run_id: str,
    report_day: str,
    dag_ids: list[str],
    started_at: str,
    ended_at: str,
    state: str,
    manifest: dict[str, Any],
    findings_digest: str,
    anchor: Any = None,
) -> str:
    """Seal a run into the chain, with a seal of the covered tables (``include.audit.coverage``) in the
    same transaction; with an ``anchor`` holding a key, its head is signed and logged. Return its hash."""
    from include.audit.coverage import seal_locked
    if not run_id:
        raise ValueError("run_id is required")
    row: dict[str, Any] = {
        "run_id": run_id,
        "report_day": report_day,
        "dag_ids": plain_json(list(dag_ids)),
        "started_at": started_at,
        "ended_at": ended_at,
        "state": state,
        "manifest": plain_json(manifest),
        "findings_digest": findings_digest or "",
    }
    with wh.transaction():
        wh.lock("crosscheck_audit_chain")
        existing = wh.query("SELECT * FROM pipeline_runs WHERE run_id = ?", [run_id])
        if existing:
            old = existing[0]
            row.update(seq=old["seq"], prev_hash=old["prev_hash"])
            row["hash"] = run_hash(row)
            if row["hash"] == old["hash"]:
                return str(old["hash"])
            tip = wh.query("SELECT MAX(seq) AS s FROM pipeline_runs")[0]["s"]
            if old["seq"] != tip:
                raise ChainError(
                    f"run {run_id} is already sealed and later runs are chained on it; "
                    "a re-run needs a new run id"
                )
        else:
            last = wh.query("SELECT seq, hash FROM pipeline_runs ORDER BY seq DESC LIMIT 1")
            row.update(
                seq=(last[0]["seq"] + 1) if last else 1, prev_hash=last[0]["hash"] if last else GENESIS
            )
            row["hash"] = run_hash(row)
        wh.upsert("pipeline_runs", [row], ["run_id"])
        stored = wh.query("SELECT * FROM pipeline_runs WHERE run_id = ?", [run_id])[0]
        if run_hash(stored) != row["hash"]:
            raise ChainError(
                f"run {run_id}: the warehouse changed the row while storing it (JSON round trip); not sealed"
            )
        sealed = seal_locked(wh, "run", run_id, "pipeline", run_id=run_id, run_hash=str(row["hash"]))
    if anchor is not None:
        anchor.append(sealed)
    return str(row["hash"])


def verify(wh: Warehouse) -> VerifyResult:
    """Re-hash every run, check the links, and check each run's findings against what it wrote."""
    runs = wh.query("SELECT * FROM pipeline_runs ORDER BY seq")
    findings = wh.query("SELECT * FROM discrepancies")
    by_last: dict[str, list[dict[str, Any]]] = {}
    for f in findings:
        by_last.setdefault(f["last_seen_run"] or "", []).append(f)
    present = {f["finding_id"] for f in findings}
    erased: set[str] = set()  # salted hashes of the finding ids that erasures removed
    for e in wh.query("SELECT findings FROM erasures"):
        erased.update(e["findings"] or [])
    salt = erasure_salt(wh) if erased else None
    clearances = _active_clearances(wh)
    disputed = _open_disputes(wh)
    prev = GENESIS
    for i, r in enumerate(runs, start=1):
        run_id = r["run_id"]
        if r["seq"] != i:
            return _bad(run_id, len(runs), f"sequence broken: expected seq {i}, found {r['seq']}")
        if r["prev_hash"] != prev:
            return _bad(run_id, len(runs), "prev_hash does not match the hash of the run before it")
        if run_hash(r) != r["hash"]:
            return _bad(run_id, len(runs), "the run row was altered after it was sealed (hash mismatch)")
        written = {
            w["finding_id"]: w["row_digest"]
            for w in wh.query("SELECT finding_id, row_digest FROM run_findings WHERE run_id = ?", [run_id])
        }
        sealed = r["findings_digest"] or ""
        if (sealed or written) and digest_of_rows(written.items()) != sealed:
            return _bad(
                run_id,
                len(runs),
                "the findings recorded for this run do not match its sealed findings digest",
            )
        problem = _check_findings(by_last.pop(run_id, []), written, clearances, disputed)
        if problem:
            return _bad(run_id, len(runs), problem)
        gone = sorted(
            fid for fid in written if fid not in present and not (salt and salted_hash(salt, fid) in erased)
        )
        if gone:
            return _bad(run_id, len(runs), f"finding {gone[0]} written by this run was deleted")
        prev = r["hash"]
    for run_id, rows in sorted(by_last.items()):  # findings of a run not sealed yet (or of no run at all)
        written = {
            w["finding_id"]: w["row_digest"]
            for w in wh.query("SELECT finding_id, row_digest FROM run_findings WHERE run_id = ?", [run_id])
        }
        problem = _check_findings(rows, written, clearances, disputed)
        if problem:
            return _bad(run_id, len(runs), problem + " (run not sealed)")
    return VerifyResult(True, len(runs), None, "ok")


def _check_findings(
    rows: list[dict[str, Any]], written: dict[str, str], clearances: dict[str, tuple[Any, Any, Any]],
    disputed: set[str] | None = None,
) -> str:
    for f in sorted(rows, key=lambda f: f["finding_id"]):
        fid = f["finding_id"]
        if fid not in written:
            return f"finding {fid} names this run as last seen, but the run did not write it"
        if row_digest(f) != written[fid]:
            return f"finding {fid} was altered after this run wrote it"
        if f["status"] == "cleared" and clearances.get(fid) != (
            f["cleared_reason"],
            f["cleared_by"],
            f["cleared_at"],
        ):
            return f"finding {fid} is marked cleared, but no matching clearance is recorded"
        if f["status"] == "disputed" and fid not in (disputed or set()):
            return f"finding {fid} is marked disputed, but no dispute awaiting an outcome is recorded"
        if f["status"] not in ("open", "cleared", "disputed"):
            return f"finding {fid} has an unknown status"
    return ""


def _open_disputes(wh: Warehouse) -> set[str]:
    """Findings with a dispute awaiting its outcome (``include.disputes``): only these may be ``disputed``."""
    from include.warehouse.disputes import open_disputes

    return {str(d["finding_id"]) for d in open_disputes(wh)}


def _active_clearances(wh: Warehouse) -> dict[str, tuple[Any, Any, Any]]:
    rows = wh.query(
        "SELECT finding_id, reason, cleared_by, cleared_at, clearance_id FROM finding_clearances "
        "WHERE reopened_run IS NULL ORDER BY cleared_at, clearance_id"
    )
    return {r["finding_id"]: (r["reason"], r["cleared_by"], r["cleared_at"]) for r in rows}


def _bad(run_id: str, rows: int, reason: str) -> VerifyResult:
    return VerifyResult(False, rows, run_id, reason)
