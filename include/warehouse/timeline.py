"""The recruiting timeline in the warehouse: ``recruiting_events``, append-only.

``store_events`` only ever inserts. An event's id is the digest of what it says (source, record, kind,
time and detail, never the run or the landing file), so a re-read of the same records adds nothing; a
record that changed (an offer revised, sent, accepted) says something new and becomes a new row, with
the next ``version`` of that record. An *observed* event (Greenhouse's current stage) is stored only
when it differs from the last observation of that application, with the time of the read that saw it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from include.warehouse.base import MAX_PARAMS_PER_STATEMENT, canonical_json, now_iso, sha256_text

TABLE = "recruiting_events"
ID_FIELDS = ("source", "record_type", "record_id", "kind", "occurred_at", "basis", "application_id")


def event_id(e: dict[str, Any]) -> str:
    basis = {k: e.get(k) for k in ID_FIELDS}
    if e.get("basis") == "observed":  # the same stage seen again later is not a new step
        basis["occurred_at"] = None
    return sha256_text(canonical_json({**basis, "detail": e.get("detail") or {}}))


def _detail(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


COLUMNS = ("event_id", "source", "candidate_id", "application_id", "kind", "occurred_at", "basis", "record_type",
           "record_id", "version", "detail", "record_sha256", "landed_path", "payload_sha256", "run_id", "recorded_at")
CHUNK = 500  # ids per look-up statement


def _chunks(items: Sequence[str]) -> Iterator[list[str]]:
    items = list(items)
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _marks(part: Sequence[Any]) -> str:
    return ",".join("?" for _ in part)


def _existing(wh: Any, ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for part in _chunks(sorted(set(ids))):
        found.update(r["event_id"] for r in wh.query(
            f"SELECT event_id FROM {TABLE} WHERE event_id IN ({_marks(part)})", part))
    return found


def _last_observed(wh: Any, kind: str, applications: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The detail of the newest stored event of ``kind`` per application."""
    newest: dict[str, tuple[tuple[str, str], dict[str, Any]]] = {}
    for part in _chunks(sorted(set(applications))):
        for r in wh.query(f"SELECT application_id, detail, recorded_at, occurred_at FROM {TABLE} "
                          f"WHERE kind = ? AND application_id IN ({_marks(part)})", [kind, *part]):
            order = (str(r["recorded_at"] or ""), str(r["occurred_at"] or ""))
            if r["application_id"] not in newest or order >= newest[r["application_id"]][0]:
                newest[r["application_id"]] = (order, _detail(r["detail"]))
    return {app: detail for app, (_, detail) in newest.items()}


def _versions(wh: Any, events: Sequence[dict[str, Any]]) -> dict[tuple[str, str, str], int]:
    """Rows stored so far per offer record (source, record_type, record_id)."""
    out: dict[tuple[str, str, str], int] = {}
    keys = sorted({(e["source"], e["record_type"]) for e in events if e["kind"] == "offer"})
    for source, record_type in keys:
        ids = sorted({e["record_id"] for e in events if e["kind"] == "offer" and e["source"] == source
                      and e["record_type"] == record_type})
        for part in _chunks(ids):
            for r in wh.query(f"SELECT record_id, COUNT(*) AS n FROM {TABLE} WHERE kind = 'offer' AND source = ? "
                              f"AND record_type = ? AND record_id IN ({_marks(part)}) GROUP BY record_id",
                              [source, record_type, *part]):
                out[(source, record_type, r["record_id"])] = int(r["n"])
    return out


def store_events(wh: Any, events: Sequence[dict[str, Any]], run_id: str | None,
                 payload_sha: dict[str, str] | None = None) -> int:
    """Insert the events not stored yet; return how many rows were added. Never updates a row."""
    payload_sha = payload_sha or {}
    recorded = now_iso()
    ordered = sorted(events, key=lambda e: (e["application_id"], e.get("occurred_at") or "", e["kind"]))
    ids = [event_id(e) for e in ordered]
    with wh.transaction():
        stored = _existing(wh, ids)
        observed_kinds = {e["kind"] for e in ordered if e.get("basis") == "observed"}
        last = {k: _last_observed(wh, k, [e["application_id"] for e in ordered if e["kind"] == k
                                          and e.get("basis") == "observed"]) for k in observed_kinds}
        versions = _versions(wh, ordered)
        rows: list[list[Any]] = []
        for e, eid in zip(ordered, ids, strict=True):
            detail = e.get("detail") or {}
            if e.get("basis") == "observed":
                seen = last[e["kind"]]
                if seen.get(e["application_id"]) == detail:
                    continue  # the same as the last observation: no step
                if eid in stored:  # back to a stage seen before (A -> B -> A): a new step, with its own id
                    eid = sha256_text(eid + "|" + str(e.get("occurred_at")))
                seen[e["application_id"]] = detail
            if eid in stored:
                continue
            stored.add(eid)
            version = 1
            if e["kind"] == "offer":
                key = (e["source"], e["record_type"], e["record_id"])
                versions[key] = version = versions.get(key, 0) + 1
            rows.append([eid, e["source"], e.get("candidate_id"), e["application_id"], e["kind"], e.get("occurred_at"),
                         e.get("basis", "reported"), e["record_type"], e["record_id"], version,
                         canonical_json(detail), e["record_sha256"], e.get("landed_path"),
                         payload_sha.get(e.get("landed_path") or ""), run_id, recorded])
        one = "(" + _marks(COLUMNS) + ")"
        per = max(1, MAX_PARAMS_PER_STATEMENT // len(COLUMNS))
        for i in range(0, len(rows), per):
            batch = rows[i:i + per]
            # DO NOTHING: a row another writer stored meanwhile is kept as it is, never overwritten
            wh.execute(f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES {', '.join([one] * len(batch))} "
                       "ON CONFLICT (event_id) DO NOTHING", [v for row in batch for v in row])
    return len(rows)


def events_for(wh: Any, candidate_id: str) -> list[dict[str, Any]]:
    """A candidate's events in the order they happened (then in the order they were recorded)."""
    rows = wh.query(f"SELECT * FROM {TABLE} WHERE candidate_id = ? OR application_id IN "
                    "(SELECT application_id FROM applications WHERE candidate_id = ?)", [candidate_id, candidate_id])
    for r in rows:
        r["detail"] = _detail(r["detail"])
    return sorted(rows, key=lambda r: (r.get("occurred_at") or "", r.get("recorded_at") or "", r["version"],
                                       r["event_id"]))
