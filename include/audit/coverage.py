"""What the audit trail covers beyond the runs and their findings: the tables a decision rests on.

``COVERED`` declares each covered table and its key columns; adding a table is one line. A *seal*
(``audit_seals``, a hash chain of its own) records, for every covered table, its row count and a
sha256 root over its sorted ``(key, row digest)`` pairs, where a row digest is the sha256 of the
canonical JSON of the whole row. ``audit_rows`` keeps the row digests of the latest seal, so that
``verify`` names the table, the key and the kind of change (edited, inserted, deleted) of anything
changed since.

Seals are made by every legitimate writer: a pipeline run (``chain.append_run``, in the same
transaction as the run's row), an erasure (also by retention), a clearance, a legal hold and its
release. A run seal names the run and its chain hash, and lists the unsealed runs whose rows it took
in (a run killed mid-ingest: what it stored is accounted for by the next sealed run). Each seal's
head is signed and appended to the anchor log (``include.audit.anchor``) when a key is configured.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from include.warehouse.base import canonical_json, in_range, now_iso, quote_ident, sha256_text

GENESIS = "0" * 64
LOCK = "crosscheck_audit_chain"  # the same lock as the run chain: one writer of either at a time
MAX_NAMED = 20  # changes named one by one in a verification message; the rest are counted


@dataclass(frozen=True)
class Covered:
    table: str
    key: tuple[str, ...]
    optional: bool = False  # skipped while the table does not exist (added by a later migration)


COVERED: tuple[Covered, ...] = (
    Covered("candidates", ("candidate_id",)),  # consent_given and consent among the columns
    Covered("applications", ("application_id",)),
    Covered("employments", ("employment_id",)),
    Covered("educations", ("education_id",)),
    Covered("finding_clearances", ("clearance_id",)),
    Covered("quarantine", ("quarantine_id",)),
    Covered("landed_payloads", ("run_id", "path")),
    Covered("legal_holds", ("hold_id",)),
    Covered("erasure_requests", ("request_id",)),
    Covered("recruiting_events", ("event_id",), optional=True),
    Covered("finding_disputes", ("dispute_id",), optional=True),  # candidates' disputes (include/disputes.py)
    Covered("dispute_steps", ("step_id",), optional=True),
    Covered("notice_decisions", ("decision_id",), optional=True),  # include/notices: append-only
    Covered("notice_letters", ("notice_id",), optional=True),
    Covered("notice_deliveries", ("delivery_id",), optional=True),
)

SEAL_FIELDS = ("seq", "kind", "ref", "sealed_at", "sealed_by", "run_id", "run_hash", "coverage", "changes",
               "prev_hash")


class CoverageError(RuntimeError):
    pass


@dataclass(frozen=True)
class Change:
    table: str
    key: str
    what: str  # edited | inserted | deleted

    def describe(self) -> str:
        return f"{self.table} {self.key}: {self.what}"


def seal_hash(row: dict[str, Any]) -> str:
    return sha256_text(canonical_json({k: row.get(k) for k in SEAL_FIELDS}))


def present(wh: Any) -> list[Covered]:
    """The covered tables this warehouse has (an optional one may not exist yet)."""
    have = set(wh.tables())
    out = []
    for c in COVERED:
        if c.table not in have:
            if c.optional:
                continue
            raise CoverageError(f"covered table {c.table} is missing from the warehouse")
        missing = [k for k in c.key if k not in wh.columns(c.table)]
        if missing:
            raise CoverageError(f"covered table {c.table} has no key column {missing[0]}")
        out.append(c)
    return out


def key_text(row: dict[str, Any], key: tuple[str, ...]) -> str:
    """How a row is named: its key value, or ``col=value`` pairs for a composite key."""
    if len(key) == 1:
        return str(row[key[0]])
    return ", ".join(f"{k}={row[k]}" for k in key)


def row_digest(row: dict[str, Any]) -> str:
    """sha256 of the row as sorted-key JSON (values the driver gives that JSON lacks, as text)."""
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


SEALED_RUNS = "(SELECT run_id FROM pipeline_runs WHERE run_id <> ?)"  # every sealed run but the one sealing


def taken_runs(wh: Any) -> list[str]:
    """The runs an earlier run seal took in without their own seal (``unsealed_runs``: a killed run's
    rows, recorded by the next sealed run). Their rows are recorded like a sealed run's, so a later seal
    need not read them again: without this, the rows of a run killed after storing the history would be
    read and digested by every seal after it, until each was written again."""
    out: set[str] = set()
    for r in wh.query("SELECT changes FROM audit_seals WHERE kind = 'run'"):
        changes = json.loads(r["changes"]) if isinstance(r["changes"], str) else r["changes"]
        out.update(str(k) for k in ((changes or {}).get("unsealed_runs") or {}))
    return sorted(out)


def _sealed_sql(rid: str, taken: list[str]) -> tuple[str, list[str]]:
    """SQL that holds for a row ``x`` written by a sealed run (the one sealing apart) or a taken-in one."""
    if not taken:
        return f"x.run_id IN {SEALED_RUNS}", [rid]
    return (f"(x.run_id IN {SEALED_RUNS} OR x.run_id IN ({', '.join('?' for _ in taken)}))", [rid, *taken])


def key_sql(key: tuple[str, ...], alias: str) -> str:
    """``key_text`` as a SQL expression over the row ``alias``."""
    cols = [f"CAST({alias}.{quote_ident(k)} AS VARCHAR)" for k in key]
    if len(key) == 1:
        return cols[0]
    return " || ', ' || ".join(f"'{k}=' || {col}" for k, col in zip(key, cols, strict=True))


def _changes(wh: Any, tables: list[Covered], kind: str, run_id: str | None
             ) -> Iterator[tuple[list[Change], dict[str, dict[str, str]], dict[str, dict[str, str]]]]:
    """What a seal takes in, a piece at a time: the changes against ``audit_rows``, the digests of the
    rows read and their ``run_id`` s, for one table or one range of a table's keys. The caller stores each
    piece before the next is read (``_store_rows``), so that no piece holds more than a range of rows.

    A run seal costs what the runs wrote, not the history: in a table with a ``run_id`` column that
    earlier seals recorded, only the rows no other sealed run wrote are read and digested (this run's, a
    killed run's, those without a run id), and the warehouse finds the deleted rows (recorded keys no
    longer present). Every pipeline writer stamps its run id on what it writes, so all the pipeline wrote
    is taken in; an edit of an earlier run's row is no pipeline write: the seal keeps its recorded digest
    and ``verify`` names the edit. A table without ``run_id``, never recorded, or holding a row under a
    sealed run's id that no seal recorded is read whole, as every other seal (clearance, erasure, hold)
    reads every table: a range of about ``ROOT_RANGE`` keys at a time (``_compared``)."""
    sealed, sealed_params = _sealed_sql(run_id or "", taken_runs(wh)) if kind == "run" else ("", [])
    for c in tables:
        table, key = quote_ident(c.table), key_sql(c.key, "x")
        incremental = kind == "run" and "run_id" in wh.columns(c.table) and bool(
            wh.query("SELECT 1 AS one FROM audit_rows WHERE tbl = ? LIMIT 1", [c.table])) and not wh.query(
            f"SELECT 1 AS one FROM {table} x WHERE {sealed} AND NOT EXISTS "
            f"(SELECT 1 FROM audit_rows a WHERE a.tbl = ? AND a.row_key = {key}) LIMIT 1", [*sealed_params, c.table])
        if not incremental:
            for before, digests, ids in _compared(wh, c):
                yield diff(c.table, before, digests), {c.table: digests}, {c.table: ids}
            continue
        unsealed = f"FROM {table} x WHERE x.run_id IS NULL OR NOT {sealed}"  # what no other sealed run wrote
        written = f"SELECT {key} {unsealed}"
        digests, ids = _digested(wh.query(f"SELECT * {unsealed}", sealed_params), c)
        old = {r["row_key"]: r["row_digest"] for r in wh.query(
            f"SELECT row_key, row_digest FROM audit_rows WHERE tbl = ? AND row_key IN ({written})",
            [c.table, *sealed_params])}
        for r in wh.query(f"SELECT row_key FROM audit_rows a WHERE a.tbl = ? AND NOT EXISTS "
                          f"(SELECT 1 FROM {table} x WHERE {key} = a.row_key)", [c.table]):
            old[str(r["row_key"])] = ""  # deleted: recorded, no longer in the table
        yield diff(c.table, old, digests), {c.table: digests}, {c.table: ids}


def _digested(rows: Iterable[dict[str, Any]], c: Covered) -> tuple[dict[str, str], dict[str, str]]:
    """The rows' digests by key, and the ``run_id`` of those that have one."""
    digests: dict[str, str] = {}
    ids: dict[str, str] = {}
    for r in rows:
        k = key_text(r, c.key)
        digests[k] = row_digest(r)
        if r.get("run_id"):
            ids[k] = str(r["run_id"])
    return digests, ids


def _compared(wh: Any, c: Covered, table_present: bool = True
              ) -> Iterator[tuple[dict[str, str], dict[str, str], dict[str, str]]]:
    """A covered table against its record, a range of keys at a time: for each range, the recorded
    digests, the live rows' digests and their run ids. The ranges (``_key_ranges``, sampled from both
    the table and the record) cover every key whatever the sample, so each row, live or recorded, is in
    exactly one (keys are primary keys: never NULL). ``table_present=False``: a table that was sealed and
    no longer exists; its recorded rows are all there is."""
    collate = ' COLLATE "C"' if wh.dialect == "postgres" else ""
    table, key = quote_ident(c.table), key_sql(c.key, "x")
    for lo, hi in _key_ranges(wh, c.table, collate, live=c if table_present else None):
        where, params = in_range(f"row_key{collate}", lo, hi)
        before = {r["row_key"]: r["row_digest"] for r in wh.query(
            f"SELECT row_key, row_digest FROM audit_rows WHERE tbl = ?{where}", [c.table, *params])}
        if not table_present:
            yield before, {}, {}
            continue
        where, params = in_range(f"({key}){collate}", lo, hi)
        digests, ids = _digested(wh.query(f"SELECT * FROM {table} x WHERE TRUE{where}", params), c)
        yield before, digests, ids


ROOT_RANGE = 50_000  # recorded rows the warehouse sorts at once for a table's root


def recorded_roots(wh: Any, tables: list[Covered]) -> dict[str, dict[str, Any]]:
    """``roots`` of ``recorded``: the same bytes hashed in the same order, as the warehouse streams the
    recorded rows in key order (``length`` counts code points; keys sort by code point on both engines:
    ``tests/audit`` checks it against ``roots``). A table's rows are sorted a range of about
    ``ROOT_RANGE`` keys at a time (``_key_ranges``), so neither the warehouse nor this process holds a
    history's worth of them at once."""
    collate = ' COLLATE "C"' if wh.dialect == "postgres" else ""
    out: dict[str, dict[str, Any]] = {}
    for c in tables:
        h, n = hashlib.sha256(), 0
        for lo, hi in _key_ranges(wh, c.table, collate):
            where, params = in_range(f"row_key{collate}", lo, hi)
            for key, digest in wh.rows(f"SELECT row_key, row_digest FROM audit_rows WHERE tbl = ?{where} "
                                       f"ORDER BY row_key{collate}", [c.table, *params]):
                h.update(f"{len(key)}:{key}{digest}\n".encode())
                n += 1
        out[c.table] = {"rows": n, "root": h.hexdigest()}
    return out


def _key_ranges(wh: Any, table: str, collate: str, live: Covered | None = None
                ) -> list[tuple[str | None, str | None]]:
    """Half-open ranges of ``table``'s recorded keys (with ``live``, also of the covered table's own keys),
    about ``ROOT_RANGE`` each, bounded by a random sample of the keys (sorted by code point, as the
    warehouse sorts them): the first is open below, the last above, so that together they take in every
    key whatever the sample."""
    sources = [("audit_rows a WHERE a.tbl = ?", "a.row_key", [table])]
    if live is not None:
        sources.append((f"{quote_ident(live.table)} x WHERE TRUE", key_sql(live.key, "x"), []))
    total = max(int(wh.query(f"SELECT count(*) AS n FROM {src}", params)[0]["n"]) for src, _, params in sources)
    if total <= ROOT_RANGE:
        return [(None, None)]
    ranges = -(-total // ROOT_RANGE)
    fraction = min(1.0, 20 * ranges / total)  # about 20 sampled keys per range
    sample = sorted({str(r["k"]) for src, expr, params in sources for r in wh.query(
        f"SELECT {expr} AS k FROM {src} AND random() < ?", [*params, fraction])})
    step = max(1, round(len(sample) / ranges))
    edges: list[str | None] = [None, *sample[step::step], None]
    return list(itertools.pairwise(edges))


def root(digests: dict[str, str]) -> str:
    """sha256 over ``<length of key>:<key><digest>\n`` for each key in sorted order (unambiguous)."""
    h = hashlib.sha256()
    for k in sorted(digests):
        h.update(f"{len(k)}:{k}{digests[k]}\n".encode())
    return h.hexdigest()


def roots(state: dict[str, dict[str, str]], tables: Iterable[str]) -> dict[str, dict[str, Any]]:
    return {t: {"rows": len(state.get(t, {})), "root": root(state.get(t, {}))} for t in tables}


def diff(table: str, old: dict[str, str], new: dict[str, str]) -> list[Change]:
    """One table's changes from its recorded digests ``old`` to ``new``, by key."""
    out = []
    for k in sorted(set(old) | set(new)):
        if k not in new:
            out.append(Change(table, k, "deleted"))
        elif k not in old:
            out.append(Change(table, k, "inserted"))
        elif old[k] != new[k]:
            out.append(Change(table, k, "edited"))
    return out


def seal_locked(wh: Any, kind: str, ref: str = "", by: str = "", run_id: str | None = None,
                run_hash: str | None = None) -> dict[str, Any]:
    """Append a seal of the covered tables as they are now. The caller holds a transaction and ``LOCK``.
    A run seal reads what the runs since the last seal wrote; any other seal reads every covered row, a
    range of keys at a time (``_changes``); either stores each piece's digests before reading the next."""
    tables = present(wh)
    counts: dict[str, dict[str, int]] = {}
    unsealed: dict[str, int] = {}
    sealed_runs = {r["run_id"] for r in wh.query("SELECT run_id FROM pipeline_runs")} if kind == "run" else set()
    for changes, now, run_ids in _changes(wh, tables, kind, run_id):
        for ch in changes:
            counts.setdefault(ch.table, {}).setdefault(ch.what, 0)
            counts[ch.table][ch.what] += 1
            rid = run_ids.get(ch.table, {}).get(ch.key) if ch.what != "deleted" else None
            if kind == "run" and rid and rid != run_id and rid not in sealed_runs:
                unsealed[rid] = unsealed.get(rid, 0) + 1  # a killed run's rows, taken in by this run seal
        _store_rows(wh, changes, now)
    summary: dict[str, Any] = {"rows": counts}
    if kind == "run":
        summary["unsealed_runs"] = dict(sorted(unsealed.items()))
    last = wh.query("SELECT seq, hash FROM audit_seals ORDER BY seq DESC LIMIT 1")
    row: dict[str, Any] = {
        "seq": (int(last[0]["seq"]) + 1) if last else 1,
        "kind": kind,
        "ref": ref,
        "sealed_at": now_iso(),
        "sealed_by": by,
        "run_id": run_id,
        "run_hash": run_hash,
        "coverage": recorded_roots(wh, tables),  # the record now holds every covered row's digest
        "changes": summary,
        "prev_hash": last[0]["hash"] if last else GENESIS,
    }
    row["hash"] = seal_hash(row)
    wh.upsert("audit_seals", [row], ["seq"])
    stored = wh.query("SELECT * FROM audit_seals WHERE seq = ?", [row["seq"]])[0]
    if seal_hash(stored) != row["hash"]:
        raise CoverageError("the warehouse changed the seal while storing it (JSON round trip); not sealed")
    return row


def seal(wh: Any, kind: str, ref: str = "", by: str = "", anchor: Any = None) -> dict[str, Any]:
    """Seal the covered tables (after an erasure, a clearance, a hold...) and anchor the head."""
    with wh.transaction():
        wh.lock(LOCK)
        row = seal_locked(wh, kind, ref, by)
    if anchor is not None:
        anchor.append(row)
    return row


def _store_rows(wh: Any, changes: list[Change], now: dict[str, dict[str, str]]) -> None:
    gone: dict[str, list[str]] = {}
    put = []
    for ch in changes:
        if ch.what == "deleted":
            gone.setdefault(ch.table, []).append(ch.key)
        else:
            put.append({"tbl": ch.table, "row_key": ch.key, "row_digest": now[ch.table][ch.key]})
    for table, keys in gone.items():
        for i in range(0, len(keys), 500):
            part = keys[i:i + 500]
            wh.execute(f"DELETE FROM audit_rows WHERE tbl = ? AND row_key IN ({', '.join('?' for _ in part)})",
                       [table, *part])
    for i in range(0, len(put), 2000):
        wh.upsert("audit_rows", put[i:i + 2000], ["tbl", "row_key"])


# -- verification ---------------------------------------------------------------------------------------

@dataclass
class Report:
    """What ``verify`` found: ``problems`` (each one line) fail it; ``notes`` do not."""

    problems: list[str]
    notes: list[str]
    seals: int = 0
    files_checked: int = 0
    anchored: bool = False


def verify(wh: Any, anchor: Any = None, all_files: bool = False) -> Report:
    """Check the seal chain, its runs, the covered tables against the latest seal, the landed files and
    (with a public key) the anchor log."""
    rep = Report([], [])
    seals = wh.query("SELECT * FROM audit_seals ORDER BY seq")
    rep.seals = len(seals)
    runs = {r["run_id"]: r for r in wh.query("SELECT run_id, seq, hash FROM pipeline_runs")}
    prev = GENESIS
    latest_for_run: dict[str, dict[str, Any]] = {}
    for i, s in enumerate(seals, start=1):
        if s["seq"] != i:
            rep.problems.append(f"audit seal {i} is missing (found seal {s['seq']} in its place): seals were deleted")
            break
        if s["prev_hash"] != prev:
            rep.problems.append(f"audit seal {i} does not link to seal {i - 1}: the seal chain was altered")
            break
        if seal_hash(s) != s["hash"]:
            rep.problems.append(f"audit seal {i} ({s['kind']}) was altered after it was sealed (hash mismatch)")
            break
        if s["kind"] == "run" and s["run_id"]:
            latest_for_run[s["run_id"]] = s
        prev = s["hash"]
    for run_id, s in latest_for_run.items():
        r = runs.get(run_id)
        if r is None:
            rep.problems.append(f"pipeline_runs {run_id}: deleted (sealed at audit seal {s['seq']}): "
                                "the newest runs were removed")
        elif r["hash"] != s["run_hash"]:
            rep.problems.append(f"pipeline_runs {run_id}: its hash differs from the one audit seal {s['seq']} recorded")
    if latest_for_run:
        first = min(runs[r]["seq"] for r in latest_for_run if r in runs) if any(
            r in runs for r in latest_for_run) else None
        for run_id, r in sorted(runs.items(), key=lambda kv: kv[1]["seq"]):
            if first is not None and r["seq"] > first and run_id not in latest_for_run:
                rep.problems.append(f"pipeline_runs {run_id}: run {r['seq']} has no audit seal of the tables it wrote")
    tables = present(wh)
    if seals:
        last = seals[-1]
        sealed_cov = last["coverage"] or {}
        recorded_now = recorded_roots(wh, [Covered(t, ()) for t in sorted(sealed_cov)])
        for t, cov in sorted(sealed_cov.items()):
            if recorded_now[t]["root"] != cov.get("root"):
                rep.problems.append(f"audit_rows of {t}: do not match the root sealed at audit seal {last['seq']}: "
                                    "the record of digests was altered")
        for c in tables:
            if c.table not in sealed_cov and _has_rows(wh, c.table):
                rep.notes.append(f"{c.table}: covered from the next seal on (not in audit seal {last['seq']})")
        since = (f"since audit seal {last['seq']} ({last['kind']}"
                 f"{' ' + last['run_id'] if last.get('run_id') else ''})")
        found = 0
        by_table = {c.table: c for c in tables}
        for t in sorted(sealed_cov):  # the table as it is against its record, a range of keys at a time
            for before, digests, _ in _compared(wh, by_table.get(t, Covered(t, ())), t in by_table):
                for ch in diff(t, before, digests):
                    found += 1
                    if found <= MAX_NAMED:
                        rep.problems.append(f"{ch.describe()} {since}")
        if found > MAX_NAMED:
            rep.problems.append(f"... and {found - MAX_NAMED} more changed rows in covered tables")
    elif runs and any(_has_rows(wh, c.table) for c in tables):
        rep.notes.append("the covered tables are not sealed yet (a warehouse from before coverage): "
                         "the next run seals them")
    rep.files_checked = _check_files(wh, seals, all_files, rep)
    _check_anchor(seals, anchor, rep)
    return rep


def _has_rows(wh: Any, table: str) -> bool:
    return bool(wh.query(f"SELECT 1 AS one FROM {quote_ident(table)} LIMIT 1"))


def _check_files(wh: Any, seals: list[dict[str, Any]], all_files: bool, rep: Report) -> int:
    """Re-hash the landed files: every run's with ``all_files``, else the latest sealed run's (with the
    unsealed runs it accounted for)."""
    if all_files:
        rows = wh.query("SELECT run_id, path, sha256 FROM landed_payloads ORDER BY run_id, path")
    else:
        run_seals = [s for s in seals if s["kind"] == "run"]
        if run_seals:
            last = run_seals[-1]
            ids = [last["run_id"], *((last.get("changes") or {}).get("unsealed_runs") or {})]
        else:
            latest = wh.query("SELECT run_id FROM pipeline_runs ORDER BY seq DESC LIMIT 1")
            ids = [latest[0]["run_id"]] if latest else []
        if not ids:
            return 0
        marks = ", ".join("?" for _ in ids)
        rows = wh.query(f"SELECT run_id, path, sha256 FROM landed_payloads WHERE run_id IN ({marks}) "
                        "ORDER BY run_id, path", ids)
    bad = 0
    for r in rows:
        p = Path(r["path"])
        what = None
        if not p.is_file():
            what = "deleted"
        elif _file_sha256(p) != r["sha256"]:
            what = "rewritten"
        if what:
            bad += 1
            if bad <= MAX_NAMED:
                rep.problems.append(f"landed file {p} (run {r['run_id']}): {what} since it was landed")
    if bad > MAX_NAMED:
        rep.problems.append(f"... and {bad - MAX_NAMED} more landed files changed")
    return len(rows)


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    fd = os.open(path, os.O_RDONLY)
    with os.fdopen(fd, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _check_anchor(seals: list[dict[str, Any]], anchor: Any, rep: Report) -> None:
    if anchor is None or anchor.verifier is None:
        rep.notes.append("the chain head is not anchored: no public key is configured (audit.public_key, or "
                         "the crosscheck_audit_key connection), so a chain rebuilt by whoever can write the "
                         "warehouse would verify")
        return
    heads, problems = anchor.read()
    rep.problems.extend(problems)
    by_seq = {int(s["seq"]): s for s in seals}
    tip = max(by_seq) if by_seq else 0
    for seq in sorted(heads):
        s = by_seq.get(seq)
        if s is None:
            if seq > tip:
                rep.problems.append(f"audit seal {seq}: signed in the anchor log {anchor.log} but missing from the "
                                    f"warehouse (its chain ends at seal {tip}): the newest entries were deleted")
                break
            continue
        if s["hash"] != heads[seq]:
            rep.problems.append(f"audit seal {seq}: its hash differs from the head signed in the anchor log: "
                                "the chain was rebuilt or altered")
            break
    if tip and heads.get(tip) != by_seq[tip]["hash"]:
        rep.problems.append(f"audit seal {tip} (the head): not signed in the anchor log {anchor.log}: sealed "
                            "without the key, or forged")
    rep.anchored = not problems and bool(tip) and heads.get(tip) == by_seq[tip]["hash"]
