"""Small builders shared by the audit tests."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from include.models import EvidenceItem, Finding


def finding(
    candidate_id: str,
    n: int,
    summary: str = "",
    employer: str = "Halcyon Software Ltd",
    kind: str = "employer_not_on_profile",
    severity: str = "yellow",
) -> Finding:
    evidence = [
        EvidenceItem(
            side="resume",
            source="greenhouse",
            record_ref=f"{candidate_id}/e{n}",
            values={"employer": employer, "start": "2019-03", "months": 14.5},
        ),
        EvidenceItem(
            side="profile",
            source="orcid",
            record_ref=f"https://pub.orcid.org/v3.0/{candidate_id}",
            values={"employers": ["Other Corp"], "current": True},
        ),
    ]
    digest = hashlib.sha256(
        json.dumps([e.model_dump() for e in evidence], sort_keys=True).encode()
    ).hexdigest()
    return Finding(
        finding_id=f"f-{candidate_id}-{n}",
        candidate_id=candidate_id,
        application_id=f"{candidate_id.split(':')[0]}:app{n}",
        kind=kind,
        severity=severity,  # type: ignore[arg-type]
        summary=summary or f"{employer} is on the resume but on no public profile.",
        question=f"Could you tell us about your time at {employer}?",
        evidence=evidence,
        rule_version="1.0.0",
        evidence_digest=digest,
    )


def seal(wh: Any, run_id: str, findings_digest: str, day: str = "2026-11-21", **manifest: Any) -> str:
    from include.audit.chain import append_run

    return append_run(
        wh,
        run_id,
        day,
        ["crosscheck_ingest", "crosscheck_check", "crosscheck_report"],
        f"{day}T06:00:00+00:00",
        f"{day}T06:20:00+00:00",
        "success",
        {"run_id": run_id, "rule_versions": {"gaps": "1.0.0"}, "rows_written": {"x": 1.5}, **manifest},
        findings_digest,
    )
