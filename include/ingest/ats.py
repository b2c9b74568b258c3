"""Applicant-tracking systems -> canonical records, behind the consent gate.

``fetch_greenhouse`` and ``fetch_lever`` turn a connector client's raw payloads into
``include.models`` records and return an ``AtsBatch``. The consent gate comes first: a candidate
without consent yields the candidate (with the consent as read, and when) and the application;
nothing else is requested for them. Greenhouse employment, education and attachment requests
carry ``candidate_ids`` of consenting candidates only; Lever resumes and files are requested per
consenting opportunity. LinkedIn ``Positions.csv`` attachments become profile jobs (source
``linkedin``). Malformed records go to ``AtsBatch.quarantined`` with a reason; the batch goes on.
"""

from __future__ import annotations

from include.ingest.ats_common import AtsBatch, MappingError, linkedin_jobs, reason_of
from include.ingest.ats_greenhouse import fetch_greenhouse
from include.ingest.ats_lever import fetch_lever

__all__ = ["AtsBatch", "MappingError", "fetch_greenhouse", "fetch_lever", "linkedin_jobs", "reason_of"]
