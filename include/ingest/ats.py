"""Applicant-tracking systems -> canonical records, behind the consent gate.

``iter_greenhouse`` and ``iter_lever`` turn a connector client's raw payloads into
``include.models`` records and yield ``AtsBatch`` chunks of ``CHUNK_CANDIDATES`` candidates with their
resume data, so that no whole source is held in memory; ``fetch_greenhouse`` / ``fetch_lever`` merge
the chunks into one batch. The consent gate comes first: a candidate
without consent yields the candidate (with the consent as read, and when) and the application;
nothing else is requested for them. Greenhouse employment, education and attachment requests
carry ``candidate_ids`` of consenting candidates only; Lever resumes and files are requested per
consenting opportunity. LinkedIn ``Positions.csv`` attachments become profile jobs (source
``linkedin``). Malformed records go to ``AtsBatch.quarantined`` with a reason; the batch goes on.
"""

from __future__ import annotations

from include.ingest.ats_common import (
           CHUNK_CANDIDATES,
           AtsBatch,
           MappingError,
           linkedin_jobs,
           merged,
           reason_of,
)
from include.ingest.ats_greenhouse import fetch_greenhouse, iter_greenhouse
from include.ingest.ats_lever import fetch_lever, iter_lever

__all__ = ["CHUNK_CANDIDATES", "AtsBatch", "MappingError", "fetch_greenhouse", "fetch_lever", "iter_greenhouse",
           "iter_lever", "linkedin_jobs", "merged", "reason_of"]
