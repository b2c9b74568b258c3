"""A seeded warehouse for dispute-file tests: one Lever candidate whose formal offer was sent and whose
application was then rejected, with a cleared finding (used by the dossier and screenshot tests)."""

from __future__ import annotations

from include.warehouse.timeline import store_events

CID = "lever:c-1"


def _event(kind, at, record_type, record_id, detail, **over):
    return {"source": "lever", "candidate_id": CID, "application_id": "lever:o-1", "kind": kind, "occurred_at": at,
            "basis": "reported", "record_type": record_type, "record_id": record_id, "detail": detail,
            "record_sha256": f"{abs(hash((kind, at))):064d}"[-64:], "landed_path": "/landing/x.jsonl.gz", **over}


def seed(wh) -> None:
    wh.upsert("candidates", [{"candidate_id": CID, "source": "lever", "source_id": "c-1", "first_name": "Mei",
                              "last_name": "Lin", "consent_given": True,
                              "consent": {"given": True, "source_field": "tag:background-check-consent",
                                          "value": "true", "read_at": "2026-09-01T06:00:00Z"}}], ["candidate_id"])
    wh.upsert("applications", [{"application_id": "lever:o-1", "candidate_id": CID, "status": "archived"}],
              ["application_id"])
    offer = {"status": "sent", "created_at": "2026-09-10T09:00:00.000Z", "approved_at": "2026-09-11T09:00:00.000Z",
             "sent_at": "2026-09-12T09:00:00.000Z", "resolved_at": None, "starts_at": "2026-11-01"}
    store_events(wh, [
        _event("applied", "2026-08-01T10:00:00.000Z", "opportunity", "o-1", {}),
        _event("stage", "2026-08-20T10:00:00.000Z", "opportunity", "o-1", {"stage": "Final Round"}),
        _event("interview", "2026-08-25T14:00:00.000Z", "interview", "i-1",
               {"start": "2026-08-25T14:00:00.000Z", "interview": "Final Round", "scheduled_at": None}),
        _event("stage", "2026-09-05T10:00:00.000Z", "opportunity", "o-1", {"stage": "Offer intent (verbal)"}),
        _event("offer", "2026-09-12T09:00:00.000Z", "offer", "of-1", offer),
        _event("rejected", "2026-09-20T16:00:00.000Z", "opportunity", "o-1",
               {"reason": "Offer withdrawn: position closed", "reason_type": "non-hired"}),
    ], "cc-seed")
    wh.upsert("discrepancies", [{"finding_id": "f-1", "candidate_id": CID, "kind": "employer_not_in_registry",
                                 "severity": "yellow", "summary": "Employer not found in any registry.",
                                 "question": "Can you share the employer's registered name?",
                                 "evidence": {"employer": "Halcyon"}, "status": "cleared",
                                 "cleared_reason": "Trading name of a registered company", "cleared_by": "hr@example.com",
                                 "cleared_at": "2026-09-15T10:00:00Z"}], ["finding_id"])
    wh.upsert("finding_clearances", [{"clearance_id": "cl-1", "finding_id": "f-1", "candidate_id": CID,
                                      "reason": "Trading name of a registered company", "cleared_by": "hr@example.com",
                                      "cleared_at": "2026-09-15T10:00:00Z"}], ["clearance_id"])
