"""The recruiting timeline in the warehouse: ``recruiting_events``, append-only.

``store_events`` only ever inserts. An event's id is the digest of what it says (source, record, kind,
time and detail, never the run or the landing file), so a re-read of the same records adds nothing; a
record that changed (an offer revised, sent, accepted) says something new and becomes a new row, with
the next ``version`` of that record. An *observed* event (Greenhouse's current stage) is stored only
when it differs from the last observation of that application, with the time of the read that saw it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from include.warehouse.base import canonical_json, now_iso, sha256_text

TABLE = "recruiting_events"
ID_FIELDS = ("source", "record_type", "record_id", "kind", "occurred_at", "basis", "application_id")


def event_id(e: dict[str, Any]) -> str:
    basis = {k: e.get(k) for k in ID_FIELDS}
    if e.get("basis") == "observed":  # the same stage seen again later is not a new step
        basis["occurred_at"] = None
    return sha256_text(canonical_json({**basis, "detail": e.get("detail") or {}}))


def _detail(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else dict(value or {})


def store_events(wh: Any, events: Sequence[dict[str, Any]], run_id: str | None,
                 payload_sha: dict[str, str] | None = None) -> int:
    """Insert the events not stored yet; return how many rows were added."""
    payload_sha = payload_sha or {}
    recorded = now_iso()
    added = 0
    with wh.transaction():
        for e in sorted(events, key=lambda e: (e["application_id"], e.get("occurred_at") or "", e["kind"])):
            eid = event_id(e)
            if e.get("basis") == "observed":
                last = wh.query(f"SELECT detail FROM {TABLE} WHERE application_id = ? AND kind = ? "
                                "ORDER BY recorded_at DESC, occurred_at DESC LIMIT 1", [e["application_id"], e["kind"]])
                if last and _detail(last[0]["detail"]) == (e.get("detail") or {}):
                    continue
                if wh.query(f"SELECT 1 AS x FROM {TABLE} WHERE event_id = ?", [eid]):
                    # back to a stage seen before (A -> B -> A): a new step, with its own id
                    eid = sha256_text(eid + "|" + str(e.get("occurred_at")))
            if wh.query(f"SELECT 1 AS x FROM {TABLE} WHERE event_id = ?", [eid]):
                continue
            prior = wh.query(f"SELECT COUNT(*) AS n FROM {TABLE} WHERE source = ? AND record_type = ? "
                             "AND record_id = ? AND kind = ?", [e["source"], e["record_type"], e["record_id"], e["kind"]])
            version = int(prior[0]["n"]) + 1 if e["kind"] == "offer" else 1
            wh.execute(
                f"INSERT INTO {TABLE} (event_id, source, candidate_id, application_id, kind, occurred_at, basis, "
                "record_type, record_id, version, detail, record_sha256, landed_path, payload_sha256, run_id, "
                "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [eid, e["source"], e.get("candidate_id"), e["application_id"], e["kind"], e.get("occurred_at"),
                 e.get("basis", "reported"), e["record_type"], e["record_id"], version,
                 canonical_json(e.get("detail") or {}), e["record_sha256"], e.get("landed_path"),
                 payload_sha.get(e.get("landed_path") or ""), run_id, recorded])
            added += 1
    return added


def events_for(wh: Any, candidate_id: str) -> list[dict[str, Any]]:
    """A candidate's events in the order they happened (then in the order they were recorded)."""
    rows = wh.query(f"SELECT * FROM {TABLE} WHERE candidate_id = ? OR application_id IN "
                    "(SELECT application_id FROM applications WHERE candidate_id = ?)", [candidate_id, candidate_id])
    for r in rows:
        r["detail"] = _detail(r["detail"])
    return sorted(rows, key=lambda r: (r.get("occurred_at") or "", r.get("recorded_at") or "", r["version"],
                                       r["event_id"]))
