"""The recruiting timeline: each ATS's process records -> events (stored by ``include.warehouse.timeline``).

Read for every applicant, consenting or not (they are the employer's own process records), and only
what a dispute needs: times, stages, offer terms that matter (status, dates, proposed start date) and
rejection reasons; never scorecards, feedback, notes or interview subjects.

Greenhouse Harvest v3 (``since``/``until`` on ``updated_at``): ``applications`` (``applied_at`` /
``created_at``, ``current_stage``, ``status``, ``rejected_at``, ``rejection_reason_id``), ``offers``
(one record per version), ``scheduled_interviews`` (``start``/``end``) and ``rejection_reasons``
(their ``type`` tells a rejection from a withdrawal). v3 keeps no stage history: the current stage is
an *observed* event, kept only when it differs from the last one stored (``include.warehouse.timeline``).

Lever v1 (opportunities updated in ``[since_ms, until_ms)``): the opportunity's ``createdAt``,
``stageChanges`` and ``archived`` (``archivedAt``, ``reason``), resolved through ``/stages`` and
``/archive_reasons`` (type ``hired`` is a hire); per opportunity ``/offers`` and ``/interviews``.

An event's ``landed_path`` is the landing file its response was written to; its ``record_sha256``
the sha256 of the record as read (canonical JSON).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from include.ingest.ats_common import MappingError, iso_timestamp, ms_to_iso, now_iso, reason_of, require_id
from include.warehouse.base import canonical_json

Pointer = Callable[[], str]
CHUNK_EVENTS = 20_000  # events held and stored at a time: a first read of a large account never sits in memory


@dataclass
class TimelineBatch:
    source: str
    events: list[dict[str, Any]] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    records_read: dict[str, int] = field(default_factory=dict)

    def read(self, dataset: str, n: int = 1) -> None:
        self.records_read[dataset] = self.records_read.get(dataset, 0) + n

    def full(self, size: int) -> bool:
        return len(self.events) + len(self.quarantined) >= size

    def add(self, dataset: str, raw: Any, pointer: Pointer, build: Callable[[], list[dict[str, Any]]]) -> None:
        self.read(dataset)
        try:
            events = build()
        except (MappingError, KeyError, TypeError, ValueError, AttributeError) as exc:
            key = str(raw.get("id")) if isinstance(raw, dict) and raw.get("id") is not None else "?"
            self.quarantined.append({"source": self.source, "dataset": dataset, "record_key": key,
                                     "reason": reason_of(exc), "raw": raw})
            return
        digest = record_digest(raw)
        path = pointer()
        for e in events:
            e.update(source=self.source, record_sha256=digest, landed_path=path)
            self.events.append(e)


def _one(build: Callable[..., dict[str, Any]], *args: Any) -> list[dict[str, Any]]:
    return [build(*args)]


def record_digest(raw: Any) -> str:
    return hashlib.sha256(canonical_json(raw).encode("utf-8")).hexdigest()


def _event(kind: str, application_id: str, candidate_id: str | None, occurred_at: str | None, record_type: str,
           record_id: str, detail: dict[str, Any], basis: str = "reported") -> dict[str, Any]:
    return {"kind": kind, "application_id": application_id, "candidate_id": candidate_id,
            "occurred_at": occurred_at, "basis": basis, "record_type": record_type, "record_id": record_id,
            "detail": detail}


def _opt_ts(value: Any, name: str) -> str | None:
    return None if value in (None, "") else iso_timestamp(value, name)


def _opt_ms(value: Any, name: str) -> str | None:
    return None if value is None else ms_to_iso(value, name)


# ---- Greenhouse -----------------------------------------------------------------------------------

GH = "greenhouse"


def read_greenhouse(client: Any, *, since: str | None, until: str, pointer: Pointer, read_at: str | None = None,
                    chunk_events: int | None = None) -> Iterator[TimelineBatch]:
    """The events of records updated in [since, until], a batch of about ``chunk_events`` at a time."""
    chunk_events = chunk_events or CHUNK_EVENTS
    batch = TimelineBatch(GH)
    read_at = read_at or now_iso()
    reasons: dict[str, dict[str, Any]] = {}
    for raw in client.rejection_reasons():
        batch.read("rejection_reasons")
        if isinstance(raw, dict) and raw.get("id") is not None:
            reasons[str(raw["id"])] = raw
    candidates: dict[str, str] = {}  # application -> candidate, for interviews (they name only the application)
    for raw in client.applications(updated_after=since, updated_before=until):
        batch.add("applications", raw, pointer, partial(_gh_application, raw, reasons, read_at))
        if isinstance(raw, dict) and raw.get("id") is not None:
            candidates[str(raw["id"])] = f"{GH}:{raw.get('candidate_id')}"
        if batch.full(chunk_events):
            yield batch
            batch = TimelineBatch(GH)
    for raw in client.offers(updated_after=since, updated_before=until):
        batch.add("offers", raw, pointer, partial(_one, _gh_offer, raw))
        if batch.full(chunk_events):
            yield batch
            batch = TimelineBatch(GH)
    for raw in client.scheduled_interviews(updated_after=since, updated_before=until):
        batch.add("scheduled_interviews", raw, pointer, partial(_one, _gh_interview, raw, candidates))
        if batch.full(chunk_events):
            yield batch
            batch = TimelineBatch(GH)
    yield batch


def _gh_application(raw: dict[str, Any], reasons: dict[str, dict[str, Any]], read_at: str) -> list[dict[str, Any]]:
    aid, cid = f"{GH}:{require_id(raw)}", f"{GH}:{require_id(raw, 'candidate_id')}"
    rid = str(raw["id"])
    out = []
    applied = raw.get("applied_at") or raw.get("created_at")
    if applied is not None:
        out.append(_event("applied", aid, cid, iso_timestamp(applied, "applied_at"), "application", rid, {}))
    stage = raw.get("current_stage")
    name = stage.get("name") if isinstance(stage, dict) else raw.get("stage_name")
    if isinstance(name, str) and name.strip():
        out.append(_event("stage", aid, cid, read_at, "application", rid, {"stage": name.strip()}, "observed"))
    status = raw.get("status")
    if status == "rejected":
        reason = reasons.get(str(raw.get("rejection_reason_id")), {})
        rtype: dict[str, Any] = reason["type"] if isinstance(reason.get("type"), dict) else {}
        withdrawn = isinstance(rtype.get("name"), str) and "they rejected" in rtype["name"].lower()
        out.append(_event("withdrawn" if withdrawn else "rejected", aid, cid,
                          _opt_ts(raw.get("rejected_at"), "rejected_at"), "application", rid,
                          {"reason": reason.get("name"), "reason_type": rtype.get("name"),
                           "reason_id": raw.get("rejection_reason_id")}))
    elif status == "hired":
        hired = raw.get("hired_at")
        out.append(_event("hired", aid, cid, _opt_ts(hired, "hired_at") or read_at, "application", rid, {},
                          "reported" if hired else "observed"))
    return out


def _gh_offer(raw: dict[str, Any]) -> dict[str, Any]:
    aid = f"{GH}:{require_id(raw, 'application_id')}"
    cid = f"{GH}:{raw['candidate_id']}" if raw.get("candidate_id") is not None else None
    detail = {"status": raw.get("status"), "ats_version": raw.get("version"),
              "created_at": _opt_ts(raw.get("created_at"), "created_at"),
              "sent_at": _opt_ts(raw.get("sent_at"), "sent_at"),
              "resolved_at": _opt_ts(raw.get("resolved_at"), "resolved_at"),
              "starts_at": raw.get("starts_at"), "approved_at": None}
    occurred = _opt_ts(raw.get("updated_at"), "updated_at") or detail["created_at"]
    return _event("offer", aid, cid, occurred, "offer", require_id(raw), detail)


def _gh_interview(raw: dict[str, Any], candidates: dict[str, str]) -> dict[str, Any]:
    app = require_id(raw, "application_id")
    start, end = raw.get("start") or {}, raw.get("end") or {}
    begin = start.get("date_time") or start.get("date")
    detail = {"start": _opt_ts(begin, "start"), "end": _opt_ts(end.get("date_time") or end.get("date"), "end"),
              "status": raw.get("status"),
              "interview": raw.get("interview_name") or (raw.get("interview") or {}).get("name"),
              "scheduled_at": _opt_ts(raw.get("created_at"), "created_at")}
    return _event("interview", f"{GH}:{app}", candidates.get(app), detail["start"], "scheduled_interview",
                  require_id(raw), detail)


# ---- Lever ----------------------------------------------------------------------------------------

LV = "lever"


def read_lever(client: Any, *, since_ms: int | None, until_ms: int, pointer: Pointer,
               chunk_events: int | None = None) -> Iterator[TimelineBatch]:
    """The events of opportunities updated in [since_ms, until_ms), about ``chunk_events`` a batch (an
    opportunity's events, offers and interviews always in one batch)."""
    chunk_events = chunk_events or CHUNK_EVENTS
    batch = TimelineBatch(LV)
    stages = {str(s.get("id")): s.get("text") for s in client.stages() if isinstance(s, dict)}
    batch.read("stages", len(stages))
    reasons = {str(r.get("id")): r for r in client.archive_reasons() if isinstance(r, dict)}
    batch.read("archive_reasons", len(reasons))
    for raw in client.opportunities(updated_since_ms=since_ms, updated_until_ms=until_ms, expand=()):
        batch.add("opportunities", raw, pointer, partial(_lv_opportunity, raw, stages, reasons))
        if isinstance(raw, dict) and raw.get("id") is not None:
            opp = str(raw["id"])
            cid = f"{LV}:{raw.get('contact') or opp}"
            for offer in client.offers(opp):
                batch.add("offers", offer, pointer, partial(_one, _lv_offer, offer, opp, cid))
            for interview in client.interviews(opp):
                batch.add("interviews", interview, pointer, partial(_lv_interview, interview, opp, cid, stages))
        if batch.full(chunk_events):
            yield batch
            batch = TimelineBatch(LV)
    yield batch


def _lv_opportunity(raw: dict[str, Any], stages: dict[str, Any], reasons: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    opp = require_id(raw)
    aid, cid = f"{LV}:{opp}", f"{LV}:{raw.get('contact') or opp}"
    out = [_event("applied", aid, cid, _opt_ms(raw.get("createdAt"), "createdAt"), "opportunity", opp, {})]
    changes = raw.get("stageChanges") or []
    if not isinstance(changes, list):
        raise MappingError("stageChanges is not a list")
    for ch in changes:
        if not isinstance(ch, dict):
            raise MappingError("stageChanges holds a non-object")
        sid = str(ch.get("toStageId"))
        out.append(_event("stage", aid, cid, ms_to_iso(ch.get("updatedAt"), "stageChanges.updatedAt"),
                          "opportunity", opp, {"stage": stages.get(sid) or sid, "stage_id": sid}))
    archived = raw.get("archived")
    if isinstance(archived, dict) and archived.get("archivedAt") is not None:
        reason = reasons.get(str(archived.get("reason")), {})
        text = reason.get("text")
        kind = "hired" if reason.get("type") == "hired" else "withdrawn" if _by_candidate(text) else "rejected"
        detail = {} if kind == "hired" else {"reason": text, "reason_type": reason.get("type"),
                                             "reason_id": archived.get("reason")}
        out.append(_event(kind, aid, cid, ms_to_iso(archived["archivedAt"], "archived.archivedAt"), "opportunity",
                          opp, detail))
    return out


def _by_candidate(text: Any) -> bool:
    """Lever's archive reasons say hired or not, not who closed the candidacy: the reason's words do
    (Lever's defaults "Withdrew", "Offer declined"); anything else counts as our rejection."""
    words = text.strip().lower() if isinstance(text, str) else ""
    return words.startswith("withdrew") or "declined" in words


def _lv_offer(raw: dict[str, Any], opp: str, cid: str) -> dict[str, Any]:
    fields = {f.get("identifier"): f.get("value") for f in raw.get("fields") or [] if isinstance(f, dict)}
    start = fields.get("anticipated_start_date")
    signed: dict[str, Any] = raw["signedDocument"] if isinstance(raw.get("signedDocument"), dict) else {}
    sent_doc: dict[str, Any] = raw["sentDocument"] if isinstance(raw.get("sentDocument"), dict) else {}
    status = raw.get("status")
    detail = {"status": status, "ats_version": fields.get("offer_version"),
              "created_at": _opt_ms(raw.get("createdAt"), "createdAt"),
              "approved_at": _opt_ms(raw.get("approvedAt"), "approvedAt"),
              "sent_at": _opt_ms(raw.get("sentAt") or sent_doc.get("uploadedAt"), "sentAt"),
              "resolved_at": _opt_ms(signed.get("uploadedAt"), "signedDocument.uploadedAt") if status == "signed"
              else None,
              "starts_at": ms_to_iso(start, "anticipated_start_date")[:10] if isinstance(start, (int, float)) else start}
    times = [t for t in (detail["created_at"], detail["approved_at"], detail["sent_at"], detail["resolved_at"]) if t]
    return _event("offer", f"{LV}:{opp}", cid, max(times) if times else None, "offer", require_id(raw), detail)


def _lv_interview(raw: dict[str, Any], opp: str, cid: str, stages: dict[str, Any]) -> list[dict[str, Any]]:
    start = _opt_ms(raw.get("date"), "date")
    duration = raw.get("duration")
    end = None
    if start and isinstance(duration, int) and not isinstance(duration, bool):
        end = ms_to_iso(raw["date"] + duration * 60_000, "date")
    detail = {"start": start, "end": end, "status": "canceled" if raw.get("canceledAt") else None,
              "interview": stages.get(str(raw.get("stage"))), "scheduled_at": _opt_ms(raw.get("createdAt"), "createdAt")}
    return [_event("interview", f"{LV}:{opp}", cid, start, "interview", require_id(raw), detail)]


