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

Before any candidate is loaded, ``plan`` carries over unread every candidate whose rows, register and
rules have the digests stored at their last check (computed in SQL: ``include.warehouse.check_inputs``)
and who is not time-due; only the others are loaded and decided as above.

``candidate_checks`` (migrations 016, 018) holds per candidate the fingerprint, the run and day of the last
check, the next due day and the last run that included them: hashes and days, no personal data.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
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
_ENGINE_DIR = Path(__file__).resolve().parents[1] / "engine"


def _digest(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@functools.cache
def engine_code_digest() -> str:
    """The engine's code and data (rules, resolution, names, dates, titles, the alias table): a new
    version of any of them re-checks everyone, whether or not a rule version was bumped."""
    h = hashlib.sha256()
    for p in sorted(_ENGINE_DIR.rglob("*")):
        if p.is_file() and p.suffix in (".py", ".json", ".yaml"):
            h.update(str(p.relative_to(_ENGINE_DIR)).encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def run_wide(config: Config) -> str:
    """The part of every fingerprint that is the same for all candidates: the rule versions, the
    configuration the rules read and the engine's code."""
    from include.engine.run import RULE_VERSIONS

    hc = config.hiring_company
    return _digest({
        "rules": RULE_VERSIONS,
        "config": {"hiring_company": hc.model_dump(mode="json"),
                   "thresholds": config.thresholds.model_dump(mode="json"),
                   "non_compete": config.non_compete.model_dump(mode="json")},
        "engine": engine_code_digest(),
    })


PAIRS_KEPT = 50_000  # comparison digests kept for reuse (the index keeps the comparisons themselves)


class Fingerprints:
    """Fingerprints against one registry index: the run-wide part and each name's registry view are
    computed once, then each candidate's fingerprint costs a hash of their records and their employers'
    comparisons.

    What the rules read of the register, and so what a fingerprint holds: each employer name's
    resolution (entity, method, confidence, family, alias, why) and the facts of the entity as each
    registry records it; every comparison of two employer names the rules make for the candidate
    (``same_employer``: resume against profile employers, resume employers against the hiring company
    and its competitors, quarantined lines' employers against the candidate's); and, run-wide, the
    registries consulted and the hiring company's and competitors' views. The comparisons' results are
    hashed rather than what they are computed from (every word's weight moves when the register grows),
    so a register that grows re-checks only the candidates whose comparisons it changes.
    """

    def __init__(self, index: Any, config: Config) -> None:
        self.index = index
        self._views: dict[str, str] = {}  # raw and normalised name -> view digest
        self._pairs: dict[str, str] = {}  # two raw names -> their comparison's digest
        self._register: str | None = None
        self._registry_wide: str | None = None
        hc = config.hiring_company
        self.hiring = [hc.name, *hc.competitors]
        self.hiring_ids = sorted(f"{reg}:{num}" for reg, num in hc.registry_ids.items())
        self.run_wide = run_wide(config)

    @property
    def register(self) -> str:
        """The digest of every entity the index holds: equal digests, equal answers to every question."""
        if self._register is None:
            h = hashlib.sha256()
            for eid in sorted(self.index.entities):
                h.update(_digest(self.index.entities[eid].model_dump(mode="json")).encode())
            self._register = h.hexdigest()
        return self._register

    def _registry_run_wide(self) -> str:
        if self._registry_wide is None:
            index = self.index
            self._registry_wide = _digest({
                "registries": list(index.registries),
                "hiring_names": [self.view(n) for n in self.hiring],
                "hiring_ids": [(eid, self._entity(eid), sorted(index.family(eid)) if eid in index.entities else None)
                               for eid in self.hiring_ids],
            })
        return self._registry_wide

    def _entity(self, eid: str) -> Any:
        ent = self.index.entities.get(eid)
        return ent.model_dump(mode="json") if ent is not None else None

    def view(self, name: str) -> str:
        """What the rules can read of the register about one employer name (kept per normalised name)."""
        from include.engine.names import normalise_company

        if name in self._views:
            return self._views[name]
        norm = normalise_company(name)
        if norm not in self._views:
            res = self.index.resolve_normalised(norm)
            self._views[norm] = _digest({
                "resolution": [res.entity_id, res.confidence, res.matched_name, res.method, sorted(res.family),
                               res.alias, res.why],
                "equivalents": [e.model_dump(mode="json") for e in self.index.equivalents(res.entity_id)]
                if res.entity_id is not None else None,
            })
        self._views[name] = self._views[norm]
        return self._views[name]

    def _same(self, a: str, b: str) -> str:
        from include.engine.resolve import same_employer

        lo, hi = sorted((a, b))
        key = lo + "\0" + hi
        if key not in self._pairs:
            if len(self._pairs) >= PAIRS_KEPT:  # most pairs are one candidate's own: bounded, not a history's worth
                self._pairs.clear()
            self._pairs[key] = _digest([lo, hi, list(same_employer(lo, hi, self.index))])
        return self._pairs[key]

    def inputs(self, bundle: Any) -> str:
        """The fingerprint of one candidate's own inputs to the rules (``include.engine.run.CandidateBundle``),
        with the rule versions and the configuration the rules read; the register apart (``registry``)."""
        jobs = sorted([*bundle.resume_jobs, *bundle.profile_jobs], key=lambda j: (j.source, j.employment_id))
        return _digest({
            "run_wide": self.run_wide,
            "candidate": bundle.candidate.model_dump(mode="json"),
            "application_id": bundle.application_id,
            "jobs": [j.model_dump(mode="json") for j in jobs],
            "educations": [e.model_dump(mode="json") for e in sorted(bundle.educations, key=lambda e: e.education_id)],
            "quarantined": bundle.quarantined,
        })

    def registry(self, bundle: Any) -> str:
        """The fingerprint of what the rules read of the register for this candidate: only needed when the
        register differs from the one of their last check (``register``), as it costs name comparisons."""
        return self.registry_of([j.employer for j in bundle.resume_jobs], [j.employer for j in bundle.profile_jobs],
                                bundle.quarantined)

    def registry_of(self, resume_employers: Iterable[str], profile_employers: Iterable[str],
                    quarantined: Iterable[dict[str, Any]]) -> str:
        """``registry`` from the employer names alone (resume jobs', profile jobs') and the quarantined
        records the check reads for the candidate: what the plan computes without loading them."""
        from include.engine.incomplete import named_employer

        resume = sorted(set(resume_employers))
        profile = sorted(set(profile_employers))
        lines = sorted({n for q in quarantined if (n := named_employer(q.get("raw")))})
        pairs = {*((r, p) for r in resume for p in profile), *((r, h) for r in resume for h in self.hiring),
                 *((q, e) for q in lines for e in (*resume, *profile))}
        return _digest({
            "run_wide": self._registry_run_wide(),
            "views": sorted({self.view(n) for n in (*resume, *profile, *lines)}),
            "comparisons": sorted(self._same(a, b) for a, b in pairs),
        })


@dataclass
class Decision:
    """Why a candidate is re-checked (one of ``REASONS``) or ``kept``, with the fingerprints to store."""

    reason: str
    inputs: str
    register: str
    registry: str


def decide(run: RunContext, fps: Fingerprints, bundle: Any, stored: dict[str, Any] | None) -> Decision:
    """Re-check or keep one candidate. The register's part is computed only when it can have changed:
    when their own inputs changed (new names to compare) or the register is not the one of their last
    check (then it decides, by what the rules read of it for them)."""
    inputs, register = fps.inputs(bundle), fps.register
    why = reason(run, inputs, stored)
    if stored is not None and stored["fingerprint"] == inputs and stored.get("register_digest") == register:
        # the same names against the same register: the same answers (kept, or due for time alone)
        return Decision(why, inputs, register, str(stored["registry_fingerprint"]))
    registry = fps.registry(bundle)
    if why == "kept" and stored is not None and stored.get("registry_fingerprint") != registry:
        why = "changed"
    return Decision(why, inputs, register, registry)


def stored_checks(wh: Warehouse, ids: list[str]) -> dict[str, dict[str, Any]]:
    """candidate id -> their ``candidate_checks`` row (absent when none is recorded)."""
    if not ids:
        return {}
    rows = wh.query_in(f"SELECT * FROM {TABLE} WHERE candidate_id IN ({{ids}})", list(ids))
    return {r["candidate_id"]: r for r in rows}


def _day(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _time_due(run: RunContext, stored: dict[str, Any]) -> bool:
    checked_day, next_check = _day(stored["checked_day"]), _day(stored.get("next_check"))
    return checked_day is None or run.report_day < checked_day or (next_check is not None and next_check <= run.report_day)


def reason(run: RunContext, fingerprint: str, stored: dict[str, Any] | None) -> str:
    """Why the candidate is re-checked on this run (one of ``REASONS``), or ``kept``."""
    if run.full:
        return "full"
    if stored is None:
        return "new"
    if stored["fingerprint"] != fingerprint:
        return "changed"
    if _time_due(run, stored):
        return "time_due"
    return "kept"


# Why the plan sends a candidate to the check batches (loaded, then compared exactly by ``decide``)
# rather than carrying them over unread: the run is full, no check of theirs is recorded, none recorded
# with the plan's digests (before migration 018, or the run is planned again after its findings were
# written), a time-dependent result is due, the rules or configuration changed, their rows changed, the
# register changed.
LOAD_REASONS = ("full", "new", "unrecorded", "time_due", "rules", "inputs", "register")


@dataclass
class CheckPlan:
    """The check step's plan: who is loaded and compared, who is carried over without being read."""

    due: list[str]  # loaded in the check batches (``decide`` re-checks or keeps each), in id order
    quiet: dict[str, str]  # candidate id -> the run whose findings they keep (their ``seen_run``)
    inputs: dict[str, str]  # due candidate id -> the SQL digest of their rows (stored with their check)
    register_sql: str
    run_wide: str
    why: dict[str, int]  # due candidates by ``LOAD_REASONS``
    rebased: list[str] = field(default_factory=list)  # carried after the register changed: what the
    # rules read of it for them did not; their checks are stored with the new register's digests
    register: str = ""  # the new register's ``Fingerprints.register`` (only when some were rebased)

    def digests(self) -> dict[str, Any]:
        return {"inputs": self.inputs, "register_sql": self.register_sql, "run_wide": self.run_wide,
                "rebased": self.rebased, "register": self.register}

    def summary(self) -> dict[str, Any]:
        return {"loaded": len(self.due), "loaded_by_reason": dict(self.why), "carried_unread": len(self.quiet),
                "carried_after_register_change": len(self.rebased)}


RegistryCheck = Callable[[list[str]], tuple[str, dict[str, str]]]


def plan(wh: Warehouse, run: RunContext, config: Config, ids: list[str],
         registry_check: RegistryCheck | None = None) -> CheckPlan:
    """Which of the candidates ``ids`` the check batches load, and which are carried over unread: a
    candidate is carried (``quiet``) when a check of theirs is recorded with the plan's digests, no
    time-dependent result of theirs is due, and the rule versions and configuration (``run_wide``), the
    rows the check would load for them and the register (``include.warehouse.check_inputs``) all have the
    digests stored at that check. Their findings are then the ones a load and comparison would keep; the
    others go to ``decide`` as before. Costs a few aggregate queries, not a load of every candidate.

    When the register changed, ``registry_check`` (candidate ids -> the new register's ``register`` digest
    and each one's ``Fingerprints.registry``, from their employer names alone) decides for the candidates
    whose only change is the register: one whose registry fingerprint is the stored one is carried too
    (``rebased``); the others are loaded."""
    from include.warehouse.check_inputs import input_digests, register_digest

    stored = {r["candidate_id"]: r for r in wh.query(
        f"SELECT candidate_id, checked_day, next_check, seen_run, inputs_sql, register_sql, run_wide, "
        f"registry_fingerprint FROM {TABLE}")}
    inputs = input_digests(wh, run.run_id)
    register, wide = register_digest(wh), run_wide(config)
    due: list[str] = []
    moved: list[str] = []  # due for the register alone
    quiet: dict[str, str] = {}
    why = dict.fromkeys(LOAD_REASONS, 0)
    for cid in ids:
        s = stored.get(cid)
        if run.full:
            reason_ = "full"
        elif s is None:
            reason_ = "new"
        elif s["inputs_sql"] is None or s["seen_run"] == run.run_id:
            reason_ = "unrecorded"
        elif _time_due(run, s):
            reason_ = "time_due"
        elif s["run_wide"] != wide:
            reason_ = "rules"
        elif s["inputs_sql"] != inputs.get(cid):
            reason_ = "inputs"
        elif s["register_sql"] != register:
            reason_ = "register"
        else:
            quiet[cid] = str(s["seen_run"])
            continue
        due.append(cid)
        why[reason_] += 1
        if reason_ == "register":  # everything else as at their last check
            moved.append(cid)
    rebased: list[str] = []
    register_py = ""
    if moved and registry_check is not None:
        register_py, fps = registry_check(moved)
        rebased = [cid for cid in moved if fps.get(cid) == stored[cid]["registry_fingerprint"]]
        for cid in rebased:
            quiet[cid] = str(stored[cid]["seen_run"])
        why["register"] -= len(rebased)
        gone = set(rebased)
        due = [cid for cid in due if cid not in gone]
    return CheckPlan(due, quiet, {cid: inputs.get(cid, "") for cid in due}, register, wide, why, rebased, register_py)


def kept_findings(wh: Warehouse, stored: dict[str, dict[str, Any]]) -> list[Finding]:
    """The findings of the last run that included each of these candidates, as that run wrote them."""
    if not stored:
        return []
    rows = wh.query_in("SELECT * FROM discrepancies WHERE candidate_id IN ({ids}) ORDER BY candidate_id, finding_id",
                       sorted(stored))
    from include.findings import finding_data

    return [Finding.model_validate(finding_data(r)) for r in rows
            if r["last_seen_run"] == stored[r["candidate_id"]]["seen_run"]]  # others: resolved earlier


RECORDED = ("candidate_id", "fingerprint", "register_digest", "registry_fingerprint", "checked_run", "checked_day",
            "next_check", "inputs_sql", "register_sql", "run_wide")


def record(wh: Warehouse, run: RunContext, rows: list[dict[str, Any]], quiet: Iterable[str] = (),
           planned: dict[str, Any] | None = None) -> None:
    """Store this run's check records (in the caller's transaction, with the findings): the loaded
    candidates' ``rows`` with the plan's digests, and the candidates carried unread (``quiet``), whose
    records stand; every candidate of the run now has ``seen_run`` = this run; rows of candidates the
    run did not include go."""
    from include.warehouse.base import IN_CHUNK, placeholders

    now = now_iso()
    wh.upsert(TABLE, [{**{k: r.get(k) for k in RECORDED}, "seen_run": run.run_id, "updated_at": now}
                      for r in rows], ["candidate_id"])
    ids = sorted(quiet)
    for i in range(0, len(ids), IN_CHUNK):
        part = ids[i:i + IN_CHUNK]
        wh.execute(f"UPDATE {TABLE} SET seen_run = ?, updated_at = ? WHERE candidate_id IN ({placeholders(len(part))})",
                   [run.run_id, now, *part])
    if planned and planned.get("rebased"):  # carried after the register changed: their checks hold the new one
        ids = sorted(planned["rebased"])
        for i in range(0, len(ids), IN_CHUNK):
            part = ids[i:i + IN_CHUNK]
            wh.execute(f"UPDATE {TABLE} SET register_digest = ?, register_sql = ? "
                       f"WHERE candidate_id IN ({placeholders(len(part))})",
                       [planned["register"], planned["register_sql"], *part])
    wh.execute(f"DELETE FROM {TABLE} WHERE seen_run <> ?", [run.run_id])


def summary(rows: Iterable[dict[str, Any]], run: RunContext, carried: int = 0,
            planned: dict[str, Any] | None = None) -> dict[str, Any]:
    """For the run manifest: candidates re-checked, by reason, and kept (``carried`` of them unread,
    by the plan: ``planned`` is ``CheckPlan.summary``)."""
    counts = dict.fromkeys((*REASONS, "kept"), 0)
    for r in rows:
        counts[r["reason"]] += 1
    rechecked = {k: counts[k] for k in REASONS}
    return {"full": run.full, "rechecked": sum(rechecked.values()), "rechecked_by_reason": rechecked,
            "kept": counts["kept"] + carried, "plan": planned or {}}
