"""Ingest steps, one per kind of source. Each lands raw payloads, validates, stores and returns its
manifest part. ``make_client(source, on_payload)`` builds a connector client from the source's
connection, or returns None when the connection is not defined (the source is then skipped)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from connectors.http import SourceError
from include.config import Config
from include.landing import Lander
from include.models import Candidate
from include.pipeline import store
from include.run_context import RunContext
from include.warehouse import Warehouse
from include.warehouse.candidates import candidate_rows, delete_candidate_rows, resume_employments
from include.warehouse.profile_reads import forget as forget_profile_reads

log = logging.getLogger("crosscheck.pipeline")

MakeClient = Callable[[str, Callable[..., None]], Any]
PROFILE_SOURCES = ("orcid", "github")
# How far a source's clock may run ahead of ours. A watermark is set this far before the moment the
# source was read, so a record the source stamps a little "early" (its clock ahead, or written while
# the read was under way) is read again next time instead of falling between two runs. Re-reading a
# few minutes costs nothing: records are upserted by key.
CLOCK_SKEW = timedelta(minutes=5)
# A profile source whose every answer in a chunk of at least this many people failed is broken as a
# whole (a proxy's error page, a changed API): the task fails instead of quarantining everyone.
BROKEN_SOURCE_MIN = 3
REGISTRY_SOURCES = ("companies_house", "gleif", "opencorporates")


@contextlib.contextmanager
def _atomic(wh: Warehouse) -> Iterator[None]:
    """One transaction per stored batch; when a batch is rejected the rollback must not take its
    quarantine with it, so the quarantined records are stored again, alone, before the task fails."""
    from include.quality.validate import BatchRejected

    try:
        with wh.transaction():
            yield
    except BatchRejected as exc:
        if exc.outcome is not None:
            store.store_quarantine(wh, exc.outcome.quarantined)
        raise


def skipped(source: str, why: str = "connection not defined") -> dict[str, Any]:
    log.info("source %s skipped: %s", source, why)
    return {"source": source, "skipped": True, "reason": why}


def skipped_sources(sources: tuple[str, ...], is_defined: Callable[[str], bool]) -> dict[str, dict[str, Any]]:
    """Source-level parts for the mapped (chunked) sources whose connection is not defined.

    Chunk parts only list the sources they skipped; the sealed manifest's ``sources_skipped`` is built
    from ``source-<name>`` parts, so a skipped profile or registry source needs one of its own. Decided
    once per run (at planning), so it is reported even when there is nothing to look up."""
    return {s: skipped(s) for s in sources if not is_defined(s)}


def read_bound(run: RunContext, read_at: datetime) -> datetime:
    """Where a watermark may move after reading a source at ``read_at`` (taken before its first request):
    the end of the report day, or, for a run during that day, ``read_at`` less ``CLOCK_SKEW``. Anything
    updated after the source was read is then read by the next run, a consent withdrawal included."""
    return min(run.end_of_day, read_at - CLOCK_SKEW)


def _lander(config: Config, run: RunContext, source: str, task: str = "main") -> Lander:
    return Lander(config.landing_path(), source, run.report_day.isoformat(), run.run_id, task)


ATS_DATASETS = (("jobs", "jobs", None), ("candidates", "candidates", None), ("applications", "applications", None),
                ("employments", "resume_jobs", None), ("employments", "linkedin_jobs", "linkedin"),
                ("educations", "educations", None))


def ingest_ats(source: str, make_client: MakeClient, wh: Warehouse, config: Config, run: RunContext,
               with_timeline: bool = True) -> dict[str, Any]:
    """Candidates, applications, jobs, resume jobs, educations and LinkedIn exports of one ATS, then (unless
    ``with_timeline`` is off) its recruiting timeline (``ingest_timeline``).

    The source is read and stored a chunk of candidates at a time (``include.ingest.ats``), each chunk
    in its own transaction; the watermark moves only after the last chunk is stored, so a failed run
    re-reads the whole window and the upserts make that harmless, and only as far as ``read_bound``
    (the moment the source was read, for a run during its report day). Candidates read without
    consent whom the warehouse held with consent are erased (``_erase_withdrawn``) once the read is
    landed and stored.
    """
    from include.ingest import ats, ats_common
    from include.ingest.ats_greenhouse import NonCompeteFields

    size = ats_common.CHUNK_CANDIDATES
    mark = read_bound(run, datetime.now(UTC))  # before the first request
    lander = _lander(config, run, source)
    client = make_client(source, lander)
    if client is None:
        return skipped(source)
    stream = "candidates"
    since = store.get_watermark(wh, source, stream)
    until = run.end_of_day
    if source == "greenhouse":
        nc = config.non_compete
        chunks = ats.iter_greenhouse(client, since=since, until=until.isoformat().replace("+00:00", "Z"),
                                     consent_field=config.consent.greenhouse_custom_field, chunk_size=size,
                                     mark=mark.isoformat(timespec="seconds").replace("+00:00", "Z"),
                                     non_compete=NonCompeteFields(nc.agreement_field, nc.end_date_field,
                                                                  nc.location_field))
    else:
        chunks = ats.iter_lever(client, since_ms=int(since) if since else None,
                                until_ms=int(until.timestamp() * 1000), consent_tag=config.consent.lever_tag,
                                chunk_size=size, mark_ms=int(mark.timestamp() * 1000))
    dq: list[dict[str, Any]] = []
    validated: set[tuple[str, str]] = set()
    records_read: dict[str, int] = {}
    evidence: list[dict[str, Any]] = []
    erased = quarantined = n_chunks = 0
    new_watermark = None
    revoked: list[str] = []  # consent given before, withdrawn now: erased once this read is landed
    for batch in chunks:
        n_chunks += 1
        batch, gone = _drop_erased(wh, batch)
        erased += gone
        revoked.extend(_had_consent(wh, [c.candidate_id for c in batch.candidates if not c.consent.given]))
        quarantined += len(batch.quarantined)
        for dataset, n in batch.records_read.items():
            records_read[dataset] = records_read.get(dataset, 0) + n
        new_watermark = batch.new_watermark
        pointer = lander.current_path()
        with _atomic(wh):
            for dataset, attr, as_source in ATS_DATASETS:
                if attr == "resume_jobs" and batch.candidates:  # re-read candidates' jobs replace the old ones
                    _replace_jobs(wh, [c.candidate_id for c in batch.candidates if c.consent.given],
                                  [source, "linkedin"])
                records = getattr(batch, attr)
                if records:
                    dq.append(store.validate_and_store(wh, config, run, dataset, as_source or source, records,
                                                       pointer))
                    validated.add((dataset, as_source or source))
            store.store_quarantine(wh, store.quarantine_rows(run, source, batch.quarantined, pointer))
            # consent withdrawn: nothing beyond the application may stay
            withdrawn = [c.candidate_id for c in batch.candidates if not c.consent.given]
            _replace_jobs(wh, withdrawn, [source, "linkedin", "orcid", "github"])
            forget_profile_reads(wh, withdrawn)  # consent given again: the profiles are read in full
            delete_candidate_rows(wh, "educations", withdrawn)
        evidence.extend({"candidate_id": c.candidate_id, **c.consent.model_dump()} for c in batch.candidates)
        log.info("%s: chunk %d stored (%d candidates)", source, n_chunks, len(batch.candidates))
    files = lander.close()
    payloads = store.record_payloads(wh, run, source, files)
    pointer = files[0].path if files else ""
    for dataset, _attr, as_source in ATS_DATASETS:  # an empty read still says so in the manifest
        if (dataset, as_source or source) not in validated:
            validated.add((dataset, as_source or source))
            dq.append(store.validate_and_store(wh, config, run, dataset, as_source or source, [], pointer))
    n_withdrawn = _erase_withdrawn(wh, config, revoked)
    store.set_watermark(wh, run, source, stream, new_watermark)
    timeline = ingest_timeline(source, make_client, wh, config, run) if with_timeline else {"skipped": True}
    given = sum(1 for e in evidence if e["given"])
    return {"source": source, "skipped": False, "records_read": records_read, "chunks": n_chunks, "timeline": timeline,
            "consent": {"given": given, "not_given": len(evidence) - given, "evidence": evidence,
                        "withdrawn_erased": n_withdrawn},
            "erased_skipped": erased, "connector_quarantined": quarantined,
            "watermark": {"before": since, "after": new_watermark}, "payloads": payloads, "data_quality": dq}


def ingest_timeline(source: str, make_client: MakeClient, wh: Warehouse, config: Config, run: RunContext) -> dict[str, Any]:
    """The recruiting events of every application of one ATS (``include.ingest.timeline``), appended to
    ``recruiting_events``; its own watermark (stream ``timeline``) moves only after they are stored."""
    from include.audit.subject import erased_among
    from include.ingest import timeline as read
    from include.warehouse.timeline import store_events

    lander = _lander(config, run, source, "timeline")
    client = make_client(source, lander)
    if client is None:
        return skipped(source)
    since = store.get_watermark(wh, source, "timeline")
    until = run.end_of_day
    if source == "greenhouse":
        after = until.isoformat().replace("+00:00", "Z")
        batches = read.read_greenhouse(client, since=since, until=after, pointer=lander.current_path)
        watermark = ats_advance(since, after)
    else:
        until_ms = int(until.timestamp() * 1000)
        batches = read.read_lever(client, since_ms=int(since) if since else None, until_ms=until_ms,
                                  pointer=lander.current_path)
        watermark = str(max(int(since or 0), until_ms))
    records_read: dict[str, int] = {}
    n_read = added = quarantined = 0
    for batch in batches:
        # close the landing parts written so far: every event of this batch came in one of them, so its
        # file's sha256 is known when the event is stored (the next response opens a new part)
        files = lander.close()
        _fill_candidates(wh, batch.events)
        gone = erased_among(wh, sorted({e["candidate_id"] for e in batch.events if e.get("candidate_id")}))
        events = [e for e in batch.events if e.get("candidate_id") not in gone]
        with _atomic(wh):
            store.record_payloads(wh, run, source, files)
            added += store_events(wh, events, run.run_id, {f.path: f.sha256 for f in files})
            store.store_quarantine(wh, store.quarantine_rows(run, source, batch.quarantined))
        n_read += len(events)
        quarantined += len(batch.quarantined)
        for dataset, n in batch.records_read.items():
            records_read[dataset] = records_read.get(dataset, 0) + n
    payloads = store.record_payloads(wh, run, source, lander.close())
    store.set_watermark(wh, run, source, "timeline", watermark)
    log.info("%s: %d recruiting events read, %d new", source, n_read, added)
    return {"records_read": records_read, "events_read": n_read, "events_added": added,
            "quarantined": quarantined, "watermark": {"before": since, "after": watermark},
            "payloads": payloads}


def _fill_candidates(wh: Warehouse, events: list[dict[str, Any]], batch: int = 500) -> None:
    """An interview of an application not read in this window names no candidate: the stored application does."""
    missing = sorted({e["application_id"] for e in events if not e.get("candidate_id")})
    found: dict[str, str] = {}
    for i in range(0, len(missing), batch):
        part = missing[i:i + batch]
        marks = ",".join("?" for _ in part)
        found.update({r["application_id"]: r["candidate_id"] for r in wh.query(
            f"SELECT application_id, candidate_id FROM applications WHERE application_id IN ({marks})", part)})
    for e in events:
        if not e.get("candidate_id"):
            e["candidate_id"] = found.get(e["application_id"])


def ats_advance(since: str | None, until: str) -> str:
    from include.ingest.ats_common import advance

    return advance(since, until)


def _had_consent(wh: Warehouse, candidate_ids: list[str], batch: int = 500) -> list[str]:
    """Those of the candidates (read now without consent) that the warehouse holds with consent given, or
    with findings: asked before the new read is stored. Findings stay until the erasure succeeds, so a
    run that failed before erasing a withdrawal finds it again."""
    out: list[str] = []
    for i in range(0, len(candidate_ids), batch):
        part = candidate_ids[i:i + batch]
        marks = ",".join("?" for _ in part)
        rows = wh.query(f"SELECT candidate_id FROM candidates WHERE consent_given AND candidate_id IN ({marks}) "
                        f"UNION SELECT candidate_id FROM discrepancies WHERE candidate_id IN ({marks})", [*part, *part])
        out.extend(r["candidate_id"] for r in rows)
    return out


def _erase_withdrawn(wh: Warehouse, config: Config, candidate_ids: list[str]) -> int:
    """Consent withdrawn: the person's data goes as an erasure takes it (findings with their evidence,
    resume and profile records, quarantined records, their lines in landing files, findings files and
    reports, this run's landing files included), leaving a tombstone. The erasure does not bar them:
    consent given again is new consent. Returns how many were erased (ids are not logged)."""
    from include.audit.holds import OnHold
    from include.audit.subject import WITHDRAWAL, erase_candidate

    erased = held = 0
    for cid in sorted(set(candidate_ids)):
        try:
            erase_candidate(wh, cid, config.landing_path(), WITHDRAWAL, config=config)
            erased += 1
        except OnHold:  # a legal hold keeps the data; the refused request is recorded and sealed
            held += 1
    if candidate_ids:
        log.info("consent withdrawn: %d candidate(s) erased, tombstones kept; %d kept under legal hold", erased, held)
    return erased


def _drop_erased(wh: Warehouse, batch: Any) -> tuple[Any, int]:
    """A candidate erased on request is never stored again, whatever a source still sends."""
    from dataclasses import replace

    from include.audit.subject import erased_among

    gone = erased_among(wh, [c.candidate_id for c in batch.candidates])
    if not gone:
        return batch, 0

    def keep(rows: list[Any]) -> list[Any]:
        return [r for r in rows if r.candidate_id not in gone]

    return replace(batch, candidates=keep(batch.candidates), applications=keep(batch.applications),
                   resume_jobs=keep(batch.resume_jobs), educations=keep(batch.educations),
                   linkedin_jobs=keep(batch.linkedin_jobs)), len(gone)


def _replace_jobs(wh: Warehouse, candidate_ids: list[str], sources: list[str]) -> None:
    """A re-read candidate's jobs replace the old ones, so removed jobs do not linger."""
    delete_candidate_rows(wh, "employments", candidate_ids, sources)


def load_candidates(wh: Warehouse, candidate_ids: list[str]) -> list[Candidate]:
    if not candidate_ids:
        return []
    out = []
    for r in candidate_rows(wh, candidate_ids):
        out.append(Candidate(
            candidate_id=r["candidate_id"], source=r["source"], source_id=r["source_id"],
            first_name=r["first_name"], last_name=r["last_name"], emails=_json(r["emails"]) or [],
            phones=_json(r["phones"]) or [], consent=_json(r["consent"]), orcid=r["orcid"],
            github_login=r["github_login"], linkedin_export_url=r["linkedin_export_url"],
            updated_at=r["updated_at"], record_url=r["record_url"], location=r.get("location"),
            non_compete=_json(r.get("non_compete"))))
    return out


def _json(value: Any) -> Any:
    import json

    return json.loads(value) if isinstance(value, str) else value


def plan_profile_reads(wh: Warehouse, config: Config, run: RunContext, defined: Callable[[str], bool],
                       force: Iterable[str] = (), now: datetime | None = None,
                       ) -> tuple[dict[str, dict[str, str | None]], dict[str, Any]]:
    """Which profiles this run reads (``include.ingest.refresh``): candidate id -> {source: ETag or None}, and
    the manifest's figures per source (budget, due by reason, planned, fresh, pending). ``force``: candidate
    ids to re-read in full whatever their state (e.g. ``include.disputes.candidates_to_reread(wh)``)."""
    from include.ingest import refresh
    from include.warehouse import profile_reads

    prof = config.profiles
    budgets = {s: getattr(prof, s).requests_per_run for s in PROFILE_SOURCES if defined(s)}
    inputs = refresh.profile_inputs(profile_reads.profile_inputs(wh))
    states = profile_reads.read_states(wh)
    _drop_unlisted_profiles(wh, inputs, states)
    _drop_undefined_sources(wh, [s for s in PROFILE_SOURCES if s not in budgets], states)
    plans = refresh.select_reads(inputs, states, now or datetime.now(UTC), prof.max_age_days,
                                 budgets, full=run.full, force=force)
    summary: dict[str, Any] = {s: p.summary() for s, p in plans.items()}
    summary["max_age_days"] = prof.max_age_days
    summary["full"] = run.full
    summary["pending"] = sum(p.pending for p in plans.values())
    log.info("profiles: %s", ", ".join(f"{s} {p.summary()['planned']} to read, {p.pending} pending, {p.fresh} fresh"
                                       for s, p in plans.items()) or "no profile source defined")
    return refresh.reads_by_candidate(plans), summary


def _drop_undefined_sources(wh: Warehouse, sources: list[str], states: dict[tuple[str, str], Any]) -> None:
    """A profile source without a connection is skipped, and its stored jobs go with it: no finding of the
    run may cite a source the run could not read. Its read state goes too, so that once the connection is
    back every profile is read in full. Changes ``states``."""
    if not sources:
        return
    marks = ", ".join("?" for _ in sources)
    with wh.transaction():
        wh.execute(f"DELETE FROM employments WHERE source IN ({marks})", sources)
        wh.execute(f"DELETE FROM profile_reads WHERE source IN ({marks})", sources)
    for key in [k for k in states if k[1] in sources]:
        del states[key]


def _drop_unlisted_profiles(wh: Warehouse, inputs: list[Any], states: dict[tuple[str, str], Any]) -> None:
    """A profile read before whose id the candidate no longer lists (or who no longer consents): its jobs
    and read state go, as a re-read of the candidate would have removed them. Changes ``states``."""
    listed = {(i.candidate_id, s) for i in inputs for s in i.subjects}
    gone: dict[str, list[str]] = {}
    for cid, s in [k for k in states if k not in listed]:
        gone.setdefault(s, []).append(cid)
        del states[(cid, s)]
    if gone:
        with wh.transaction():
            for s, ids in gone.items():
                _replace_jobs(wh, ids, [s])
                wh.execute_in("DELETE FROM profile_reads WHERE candidate_id IN ({ids}) AND source = ?", ids, [s])
        log.info("profiles: %d read profile(s) no longer listed by their candidate, their jobs removed",
                 sum(len(v) for v in gone.values()))


def ingest_profiles(chunk: list[str], index: int, make_client: MakeClient, wh: Warehouse, config: Config,
                    run: RunContext, reads: dict[str, dict[str, str | None]] | None = None) -> dict[str, Any]:
    """ORCID and GitHub profiles of a chunk of consenting candidates.

    ``reads`` (from ``plan_profile_reads``) says which sources to read for each candidate and, with an ETag,
    that the read is conditional; without it every source is read in full. A candidate's stored jobs of a
    source are replaced only when it was read (a GitHub 304 keeps them), and each read is recorded in
    ``profile_reads`` (a failed answer as never read, so that the next run asks again)."""
    from include.ingest import refresh
    from include.ingest.profiles import ConsentRequired, ProfileRead, github_read, orcid_read
    from include.warehouse import profile_reads

    landers = {s: _lander(config, run, s, f"chunk{index:03d}") for s in PROFILE_SOURCES}
    clients = {s: make_client(s, landers[s]) for s in landers}
    candidates = [c for c in load_candidates(wh, chunk) if c.consent.given]
    prints = {i.candidate_id: i.fingerprints
              for i in refresh.profile_inputs(profile_reads.profile_inputs(wh, [c.candidate_id for c in candidates]))}
    jobs: list[Any] = []
    quarantined: list[dict[str, Any]] = []
    asked = {s: 0 for s in PROFILE_SOURCES}
    failed = {s: 0 for s in PROFILE_SOURCES}
    outcomes: dict[str, dict[str, int]] = {s: {} for s in PROFILE_SOURCES}
    replace: dict[str, list[str]] = {s: [] for s in PROFILE_SOURCES}
    states: list[dict[str, Any]] = []
    read_at = datetime.now(UTC).isoformat(timespec="seconds")
    for cand in candidates:
        if cand.consent.given is not True:
            raise ConsentRequired("public profiles may only be fetched for candidates who gave consent")
        wanted = reads.get(cand.candidate_id, {}) if reads is not None else dict.fromkeys(PROFILE_SOURCES)
        for s in PROFILE_SOURCES:
            subject = cand.orcid if s == "orcid" else cand.github_login
            client = clients[s]
            if client is None or not subject or s not in wanted:
                continue
            got: ProfileRead = orcid_read(cand, client) if s == "orcid" else github_read(cand, client, wanted[s])
            asked[s] += 1
            outcomes[s][got.outcome] = outcomes[s].get(got.outcome, 0) + 1
            jobs.extend(got.jobs)
            for q in got.bad:  # where the answer landed (a malformed body is landed before it is parsed)
                q.setdefault("raw_pointer", landers[s].current_path())
                failed[s] += bool(q.get("failed_answer"))
            quarantined.extend(got.bad)
            if got.outcome != "not_modified":
                replace[s].append(cand.candidate_id)
            ok = got.outcome != "failed"
            states.append({"candidate_id": cand.candidate_id, "source": s, "outcome": got.outcome, "run_id": run.run_id,
                           "fingerprint": prints.get(cand.candidate_id, {}).get(s) if ok else None,
                           "etag": got.etag if ok else None, "last_modified": None, "read_at": read_at if ok else None})
    for s in PROFILE_SOURCES:  # one person's bad answer is theirs; everyone's is the source's
        if asked[s] >= BROKEN_SOURCE_MIN and failed[s] == asked[s]:
            raise SourceError(s, "profiles", f"all {asked[s]} answers of this chunk failed (see the "
                              "quarantine): the source is broken, not one person's record")
    payloads = {s: store.record_payloads(wh, run, s, landers[s].close()) for s in landers}
    with _atomic(wh):
        for s, ids in replace.items():
            _replace_jobs(wh, ids, [s])
        dq = store.validate_and_store(wh, config, run, "employments", "profiles", jobs)
        store.store_quarantine(wh, store.quarantine_rows(run, "profiles", quarantined))
        profile_reads.record_reads(wh, states)
    requests = {s: dict(c.stats) for s, c in clients.items() if c is not None and hasattr(c, "stats")}
    return {"chunk": index, "candidates": len(candidates), "profile_jobs": len(jobs),
            "skipped": [s for s, c in clients.items() if c is None], "payloads": payloads, "data_quality": dq,
            "reads": {s: {"asked": asked[s], "outcomes": outcomes[s]} for s in PROFILE_SOURCES},
            "requests": requests}


def latest_employers(wh: Warehouse) -> list[str]:
    """Each consenting candidate's current or latest resume employer: the report gives them context."""
    return sorted({employer for employer, _run in _latest_jobs(wh).values()})


def _latest_jobs(wh: Warehouse) -> dict[str, tuple[str, str | None]]:
    """candidate id -> (employer, run that stored it) of each consenting candidate's latest resume job."""
    rows = resume_employments(wh, ("greenhouse", "lever"))
    latest: dict[str, tuple[tuple[str, str], str, str | None]] = {}
    for r in rows:
        key = (str(r["end_raw"] or "9999"), str(r["start_raw"] or ""))
        if r["candidate_id"] not in latest or key > latest[r["candidate_id"]][0]:
            latest[r["candidate_id"]] = (key, r["employer"], r.get("run_id"))
    return {cid: (employer, run_id) for cid, (_key, employer, run_id) in latest.items()}


def names_needing_lookup(wh: Warehouse, names: list[str], max_age_days: int | None = None,
                         now: datetime | None = None) -> list[str]:
    """Names the local registry (bulk snapshots and earlier look-ups) cannot resolve: only these go to the APIs;
    with ``max_age_days``, also names resolved to an entity an API look-up fetched longer ago than that."""
    from include.engine.bulk_resolve import names_needing_lookup as misses
    from include.snapshots.normalised import renormalise_if_stale

    renormalise_if_stale(wh)
    before = None
    if max_age_days is not None:
        before = ((now or datetime.now(UTC)) - timedelta(days=max_age_days)).isoformat(timespec="seconds")
    return misses(wh, names, refresh_before=before)


def drop_cached_names(wh: Warehouse, names: list[str], registries: Iterable[str],
                      now: datetime | None = None) -> tuple[list[str], int]:
    """``names`` less those ``lookup_employer`` would answer from the query cache in every registry of
    ``registries`` (those with a client: a registry without one is not asked), and less those with no name
    key (it asks nothing about them); with how many were dropped. The ingest task would make no request for
    a dropped name; one kept that the cache answers after all costs a cache read, not a wrong answer."""
    from include.engine.names import normalise_name
    from include.warehouse.registry_cache import answered_from_cache

    keys = {n: normalise_name(n) for n in dict.fromkeys(names)}
    cached = answered_from_cache(wh, [f"name:{k}" for k in keys.values() if k], list(registries),
                                 clock=lambda: now or datetime.now(UTC))
    ask = [n for n, k in keys.items() if k and f"name:{k}" not in cached]
    return ask, len(keys) - len(ask)


def plan_registry_lookups(wh: Warehouse, names: list[str], registries: Iterable[str],
                          max_age_days: int | None = None, now: datetime | None = None) -> tuple[list[str], dict[str, Any]]:
    """The names the ``ingest_registries`` tasks look up, and the manifest part ``registry-plan``: those the
    local register cannot resolve (``names_needing_lookup``) less those the query cache answers in every
    registry of ``registries`` (``drop_cached_names``), plus disputed candidates' employers (asked past any
    cache)."""
    misses = names_needing_lookup(wh, names, max_age_days, now=now)
    ask, cached = drop_cached_names(wh, misses, registries, now=now)
    disputed = disputed_employers(wh)
    ask = list(dict.fromkeys([*ask, *disputed]))
    return ask, {"names": len(names), "resolved_locally": len(names) - len(misses), "answered_by_cache": cached,
                 "disputed": len(disputed), "api_lookups": len(ask)}


def plan_dispute_rereads(wh: Warehouse) -> list[dict[str, str]]:
    """The disputes this run re-reads the candidate for (``include.disputes``): ids only."""
    from include.disputes import reread_plan

    return reread_plan(wh)


def with_disputed(config: Config, run: RunContext, plan: list[dict[str, str]], ids: list[str]) -> list[str]:
    """``ids`` and the candidates of ``plan`` (every profile of a disputed candidate is read in full this
    run, whatever an incremental read would skip; the consent gate still applies in ``ingest_profiles``).
    The plan is kept in the run folder (``plan/disputes.json``) for the check step to record what the
    re-read found (``include.pipeline.check.write_findings``)."""
    import json

    from include.pipeline.runs import run_dir
    from include.private import private_dir, write_private_text

    write_private_text(private_dir(run_dir(config, run) / "plan") / "disputes.json", json.dumps(plan))
    return list(dict.fromkeys([*ids, *(p["candidate_id"] for p in plan)]))


def disputed_employers(wh: Warehouse) -> list[str]:
    """The employers of disputed candidates awaiting a re-read: looked up again past the registry cache."""
    from include.disputes import employers_to_reread

    return employers_to_reread(wh)


def ingest_registries(names: list[str], index: int, make_client: MakeClient, wh: Warehouse, config: Config,
                      run: RunContext) -> dict[str, Any]:
    """Look up a chunk of employer names in every defined registry (cached in the warehouse)."""
    from include.engine.names import normalise_name
    from include.ingest.registries import lookup_employer
    from include.warehouse.registry_cache import WarehouseRegistryCache

    sources = REGISTRY_SOURCES
    landers = {s: _lander(config, run, s, f"chunk{index:03d}") for s in sources}
    clients = {s: c for s in sources if (c := make_client(s, landers[s])) is not None}
    cache = WarehouseRegistryCache(wh, normalise_name)
    found = 0
    now = datetime.now(UTC)
    fresh = set(disputed_employers(wh))  # a disputed candidate's employers: read again, not from the cache
    for name in names:
        found += len(lookup_employer(name, clients, cache, now, fresh=name in fresh,
                                     ttl_days=config.registries.max_age_days))
    payloads = {s: store.record_payloads(wh, run, s, landers[s].close()) for s in sources}
    return {"chunk": index, "names": len(names), "entities": found,
            "skipped": [s for s in sources if s not in clients], "payloads": payloads,
            "requests": {s: dict(c.stats) for s, c in clients.items() if hasattr(c, "stats")}}


def ingest_reviews(make_client: MakeClient, wh: Warehouse, config: Config, run: RunContext,
                   now: datetime | None = None) -> dict[str, Any]:
    """Reviews of the hiring company and of consenting candidates' latest employers: only the employers due
    (``include.ingest.review_plan``: the hiring company on every run, never-read employers with the full
    look-back, those read ``reviews.max_age_days`` ago or more from their own last read day), within
    ``reviews.requests_per_run``. Each asked employer's read day moves, in the transaction that stores its
    reviews, to the day the feed was read (docs/INCREMENTAL.md#reviews)."""
    from include.ingest.profiles import fetch_reviews
    from include.ingest.review_plan import select_employers
    from include.warehouse import review_reads

    # the feed's ``since`` is an inclusive day: the day the feed was read (if before the report day
    # ended) is asked for again next time, so a review posted later that day is not lost
    mark = min(run.report_day, ((now or datetime.now(UTC)) - CLOCK_SKEW).date())
    lander = _lander(config, run, "reviews")
    client = make_client("reviews", lander)
    if client is None:
        return skipped("reviews")
    hiring = config.hiring_company.name
    jobs = _latest_jobs(wh)
    employers = sorted({employer for employer, _run in jobs.values()})
    last_read = review_reads.read_days(wh)
    legacy = review_reads.legacy_watermark(wh)
    seeds = _seed_from_legacy(wh, legacy, hiring, jobs, last_read) if legacy is not None else {}
    plan = select_employers(hiring, employers, {**seeds, **last_read}, mark, config.reviews.max_age_days,
                            config.reviews.requests_per_run)
    reviews: dict[str, Any] = {}  # by review id: two spellings of one company may find the same review
    bad: list[dict[str, Any]] = []
    for ask in plan.asks:  # the hiring company first, then as planned; each employer from its own day
        got, got_bad = fetch_reviews(client, [ask.employer], ask.since)
        reviews.update((r.review_id, r) for r in got if r.date <= run.report_day.isoformat())
        bad.extend(got_bad)
    files = lander.close()
    payloads = store.record_payloads(wh, run, "reviews", files)
    asked = {a.key for a in plan.asks}
    rows = [{"employer": k, "read_day": day, "run_id": legacy["run_id"] if legacy else None}
            for k, day in seeds.items() if k not in asked and k not in last_read]
    for a in plan.asks:  # never backwards (a backfill of an earlier day)
        rows.append({"employer": a.key, "read_day": max(last_read.get(a.key) or seeds.get(a.key) or "",
                                                          mark.isoformat()), "run_id": run.run_id})
    with _atomic(wh):
        dq = store.validate_and_store(wh, config, run, "reviews", "reviews", list(reviews.values()),
                                      files[0].path if files else "")
        store.store_quarantine(wh, store.quarantine_rows(run, "reviews", bad, files[0].path if files else ""))
        review_reads.record_reads(wh, rows)
        if legacy is not None:  # its days live on in review_reads now
            review_reads.drop_legacy_watermark(wh)
    summary = plan.summary()
    log.info("reviews: %d employer(s) asked (%s), %d fresh, %d pending", summary["asked"],
             ", ".join(f"{n} {r}" for r, n in summary["asked_by_reason"].items() if n), plan.fresh, plan.pending)
    return {"source": "reviews", "skipped": False, "employers": len(plan.asks), "reviews": len(reviews), **summary,
            "seeded_from_watermark": len(seeds), "requests": dict(getattr(client, "stats", {}) or {}),
            "payloads": payloads, "data_quality": dq}


def _seed_from_legacy(wh: Warehouse, legacy: dict[str, Any], hiring: str, jobs: dict[str, tuple[str, str | None]],
                      last_read: dict[str, str]) -> dict[str, str]:
    """The read days the single review watermark of the code before migration 017 stands for.

    That code asked the feed about the hiring company and every consenting candidate's latest employer on
    every run, all from the one watermark. An employer not yet in ``review_reads`` is taken as read up to that
    watermark only if it was surely asked by the run that set it: the hiring company, or the latest job of a
    candidate stored by that run or by a run sealed before the watermark was set (a candidate's jobs are
    replaced together when re-read, so an old latest job was the latest then too). A job stored since (a new
    candidate, a re-read one, a run that failed before its reviews) is not: its employer is read with the full
    look-back. ``legacy``: the watermark row (``review_reads.legacy_watermark``; the run that stores what
    it seeds deletes it). Employer key -> day."""
    from include.ingest.review_plan import employer_key
    from include.warehouse import review_reads

    day = str(legacy["value"])
    then = review_reads.runs_done_by(wh, str(legacy["updated_at"] or "")) | {legacy["run_id"]}
    keys = {employer_key(hiring)} | {employer_key(e) for e, run_id in jobs.values() if run_id in then}
    return {k: day for k in sorted(keys) if k and k not in last_read}
