"""Incremental checks: re-check only the candidates whose findings can differ from their last check.

A candidate is re-checked when

* ``new``: no check of theirs is recorded (a first run, a new applicant, consent given again);
* ``changed``: the fingerprint of everything the rules read for them differs from the one of their last
  check (their records, their registry facts, the configuration the rules read, the rule versions);
* ``time_due``: a rule declared that its result may change on this report day with the same inputs (a
  kind's ``next_change``: a current job's months grow at the turn of the month, a recorded
  non-compete agreement ends), or the report day is before the day of their last check;
* ``full``: the run is a full re-check (``crosscheck run --full``).

Every other candidate is ``kept``: their findings of the last run that included them are written again
for this run, unchanged (same ids, evidence and digests), so the run's findings, levels, report and
seal show them as seen now, as a full re-check would. Candidates no longer checked (erased, consent
withdrawn) are in no batch, so their findings are not carried, and their rows here go.

``candidate_checks`` (migration 016) holds per candidate the fingerprint, the run and day of the last
check, the next due day and the last run that included them: hashes and days, no personal data.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from include.config import Config
from include.models import Finding
from include.run_context import RunContext
from include.warehouse import Warehouse
from include.warehouse.base import now_iso

REASONS = ("new", "changed", "time_due", "full")
TABLE = "candidate_checks"
_ALIAS_DIR = Path(__file__).resolve().parents[1] / "engine" / "aliases"


def _digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _alias_table_digest() -> str:
    h = hashlib.sha256()
    for p in sorted(_ALIAS_DIR.glob("*")):
        if p.is_file() and p.suffix in (".json", ".yaml"):
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


class Fingerprints:
    """Fingerprints against one registry index: the run-wide part and each name's registry view are
    computed once, then each candidate's fingerprint costs a hash of their records.

    The registry view of an employer name is everything the rules can read about it from the register:
    its resolution (entity, method, confidence, family, alias), the facts of the entity as each registry
    records it, the weights of its words and of the entity's registered names' words (the fuzzy
    comparisons read them), and the same for the name without a site ("Acme Gdansk Plant": "Acme").
    """

    def __init__(self, index: Any, config: Config) -> None:
        from include.engine.run import RULE_VERSIONS

        self.index = index
        self._views: dict[str, str] = {}
        hc = config.hiring_company
        hiring_ids = sorted(f"{reg}:{num}" for reg, num in hc.registry_ids.items())
        self.run_wide = _digest({
            "rules": RULE_VERSIONS,
            "config": {"hiring_company": hc.model_dump(mode="json"),
                       "thresholds": config.thresholds.model_dump(mode="json"),
                       "non_compete": config.non_compete.model_dump(mode="json")},
            "aliases": _alias_table_digest(),
            "registries": list(index.registries),
            "hiring_names": [self.view(n) for n in (hc.name, *hc.competitors)],
            "hiring_ids": [(eid, self._entities([eid]), sorted(index.family(eid)) if eid in index.entities else None)
                           for eid in hiring_ids],
        })

    def _entities(self, ids: Iterable[str]) -> list[Any]:
        out = []
        for eid in ids:
            ent = self.index.entities.get(eid)
            out.append([eid, ent.model_dump(mode="json") if ent is not None else None])
        return out

    def view(self, name: str) -> str:
        from include.engine.names import normalise_company, site_stripped

        norm = normalise_company(name)
        if norm not in self._views:
            self._views[norm] = _digest([self._view_of(norm), [self._view_of(b) for b in site_stripped(norm)]])
        return self._views[norm]

    def _view_of(self, norm: str) -> Any:
        from include.engine.resolve import name_tokens

        index = self.index
        res = index.resolve_normalised(norm)
        out: dict[str, Any] = {
            "norm": norm,
            "resolution": [res.entity_id, res.confidence, res.matched_name, res.method, sorted(res.family),
                           res.alias, res.why],
            "weights": [(t, index.weight(t)) for t in name_tokens(norm)],
        }
        if res.entity_id is not None:
            out["equivalents"] = [e.model_dump(mode="json") for e in index.equivalents(res.entity_id)]
            out["registered"] = [(n, [(t, index.weight(t)) for t in name_tokens(n)])
                                 for n in index.registered_norms(res.entity_id)]
        return out

    def of(self, bundle: Any) -> str:
        """The fingerprint of one candidate's inputs to the rules (``include.engine.run.CandidateBundle``)."""
        jobs = sorted([*bundle.resume_jobs, *bundle.profile_jobs], key=lambda j: (j.source, j.employment_id))
        return _digest({
            "run_wide": self.run_wide,
            "candidate": bundle.candidate.model_dump(mode="json"),
            "application_id": bundle.application_id,
            "jobs": [j.model_dump(mode="json") for j in jobs],
            "educations": [e.model_dump(mode="json") for e in sorted(bundle.educations, key=lambda e: e.education_id)],
            "quarantined": bundle.quarantined,
            "registry": sorted({self.view(j.employer) for j in jobs}),
        })


def stored_checks(wh: Warehouse, ids: list[str]) -> dict[str, dict[str, Any]]:
    """candidate id -> their ``candidate_checks`` row (absent when none is recorded)."""
    if not ids:
        return {}
    rows = wh.query_in(f"SELECT * FROM {TABLE} WHERE candidate_id IN ({{ids}})", list(ids))
    return {r["candidate_id"]: r for r in rows}


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def reason(run: RunContext, fingerprint: str, stored: dict[str, Any] | None) -> str:
    """Why the candidate is re-checked on this run (one of ``REASONS``), or ``kept``."""
    if run.full:
        return "full"
    if stored is None:
        return "new"
    if stored["fingerprint"] != fingerprint:
        return "changed"
    checked_day, next_check = _day(stored["checked_day"]), _day(stored.get("next_check"))
    if checked_day is None or run.report_day < checked_day or (next_check is not None and next_check <= run.report_day):
        return "time_due"
    return "kept"


def kept_findings(wh: Warehouse, stored: dict[str, dict[str, Any]]) -> list[Finding]:
    """The findings of the last run that included each of these candidates, as that run wrote them."""
    if not stored:
        return []
    rows = wh.query_in("SELECT * FROM discrepancies WHERE candidate_id IN ({ids}) ORDER BY candidate_id, finding_id",
                       sorted(stored))
    fields = set(Finding.model_fields)
    out = []
    for r in rows:
        if r["last_seen_run"] != stored[r["candidate_id"]]["seen_run"]:
            continue  # resolved earlier: not among the candidate's current findings
        data = {k: v for k, v in r.items() if k in fields}
        for k in ("evidence", "message"):
            if isinstance(data.get(k), str):
                data[k] = json.loads(data[k])
        out.append(Finding.model_validate(data))
    return out


def record(wh: Warehouse, run: RunContext, rows: list[dict[str, Any]]) -> None:
    """Store this run's check records (in the caller's transaction, with the findings): every candidate
    of the run now has ``seen_run`` = this run; rows of candidates the run did not include go."""
    now = now_iso()
    wh.upsert(TABLE, [{**{k: r[k] for k in ("candidate_id", "fingerprint", "checked_run", "checked_day",
                                              "next_check")}, "seen_run": run.run_id, "updated_at": now}
                      for r in rows], ["candidate_id"])
    wh.execute(f"DELETE FROM {TABLE} WHERE seen_run <> ?", [run.run_id])


def summary(rows: Iterable[dict[str, Any]], run: RunContext) -> dict[str, Any]:
    """For the run manifest: candidates re-checked, by reason, and kept."""
    counts = dict.fromkeys((*REASONS, "kept"), 0)
    for r in rows:
        counts[r["reason"]] += 1
    rechecked = {k: counts[k] for k in REASONS}
    return {"full": run.full, "rechecked": sum(rechecked.values()), "rechecked_by_reason": rechecked,
            "kept": counts["kept"]}
