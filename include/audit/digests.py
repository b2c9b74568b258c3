"""The digests the audit chain seals a run's findings with: one per finding row, one per run.

``include.findings`` writes them beside each run's findings (``run_findings``) and ``include.audit.chain``
recomputes them when it verifies; both read them from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from include.models import Finding
from include.warehouse.base import canonical_json, sha256_text

DIGEST_FIELDS = (
    "finding_id",
    "candidate_id",
    "application_id",
    "kind",
    "severity",
    "summary",
    "question",
    "evidence",
    "rule_version",
    "evidence_digest",
)


def row_digest(row: dict[str, Any] | Finding) -> str:
    """sha256 of a finding's content as written: the same from a ``Finding`` and from its warehouse row."""
    data = row.model_dump(mode="json") if isinstance(row, Finding) else row
    return sha256_text(canonical_json({k: data.get(k) for k in DIGEST_FIELDS}))


def digest_of_rows(pairs: Iterable[tuple[str, str]]) -> str:
    """The digest of a run's findings from (finding_id, row_digest) pairs, in any order."""
    return sha256_text(canonical_json(sorted([fid, d] for fid, d in pairs)))
