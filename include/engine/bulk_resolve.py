"""Employer names resolved in bulk against the registry names in the warehouse (snapshot first).

With a monthly snapshot of millions of entities in ``registry_names`` the engine cannot load the
register into memory (``RegistryIndex``) nor call an API per name. So the input names are
normalised once and go to a session temp table; one SQL join finds every exact hit on
``registry_names.normalized``; for the misses, token frequencies come from one scan of the
register, each miss gets a few narrow block keys (its rarest distinctive token; two common tokens
together; the first four letters of a token the register does not know, for typos), one more scan
fetches only the blocked candidates (a chunk of names per scan, so memory stays flat), and
rapidfuzz pre-ranks them before the engine's own weighted token comparison (``resolve.token_match``)
decides, with two additions: a word one edit from the candidate's (a swap of neighbours included)
is read as that word, and a candidate lacking a word of the name at least as distinctive as every
word they share is refused ("Mint Quzxaz Digital" is not "Mint Digital"). A name whose distinctive
words are all too common to block on, or that shares only generic words with the register, stays
unresolved: that is what the API look-ups are for (``unresolved_names``).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from include.engine import aliases
from include.engine.names import CANONICAL_WORDS, has_cjk, normalise_company, normalise_name, site_stripped
from include.engine.resolve import (
    GENERIC,
    GENERIC_WEIGHT,
    HIT_THRESHOLD,
    NO_MATCH,
    Resolution,
    close_spelling,
    token_match,
)
from include.models import RegistryEntity, RegistryName
from include.warehouse import Warehouse
from include.warehouse.bulk import drop_temp_table, fill_temp_table

BLOCK_CAP = 1000  # a word shared by more names than this does not block alone
PREFIX_CAP = 300  # nor a four-letter prefix (for misspellings) shared by more than this
CHUNK = 2500  # names whose candidates are fetched per scan of the register
PAIR_CAP = 25_000  # the rarer of two common tokens, filtered by the other, still narrows enough
PRERANK = 24  # candidates per name scored by token_match after the rapidfuzz pre-rank
TYPO_PENALTY = 0.05  # per misspelt word, so that a candidate spelt as written wins
KIND_RANK = {"legal": 0, "other": 1, "transliterated": 2, "trading": 3, "previous": 4}
_TOKENS = (
    "SELECT entity_id, normalized, unnest(string_to_array(normalized, ' ')) AS token "
    "FROM registry_names WHERE normalized IS NOT NULL AND normalized <> ''"
)


def unresolved_names(resolutions: Mapping[str, Resolution]) -> list[str]:
    """The names no local registry entity matched, in input order: the ones to look up by API."""
    return [name for name, res in resolutions.items() if not res.hit]


def names_needing_lookup(wh: Warehouse, names: Iterable[str], refresh_before: str | None = None) -> list[str]:
    """Names the APIs must still be asked about: those nothing local matched, and those matched only
    fuzzily. A fuzzy local match is a guess the check step's index may not make (at 100k entities a
    typo-tolerant match to a namesake kept a dissolved company, absent from the snapshot, from ever
    being looked up, and the check then found no registry entry); only exact matches skip the APIs.

    A name the alias table knows is asked about by its legal names instead ("AWS" -> "Amazon Web
    Services, Inc." and "Amazon.com, Inc."): registers search legal names, and no register knows "AWS".

    ``refresh_before`` (an ISO time): a name matched exactly to an entity that an API look-up fetched
    before then is asked about again, so that facts looked up are reused only up to an age
    (``registries.max_age_days``); entities of a bulk snapshot are refreshed by loading a newer one."""
    out: list[str] = []
    resolved = resolve_names(wh, names)
    aged = _fetched_before(wh, {r.entity_id for r in resolved.values() if r.entity_id}, refresh_before) \
        if refresh_before else set()
    for name, res in resolved.items():
        if res.hit and res.method != "fuzzy" and res.entity_id not in aged:
            continue
        hit = aliases.lookup(normalise_company(name or ""))
        out.extend(aliases.legal_names_for_lookup(hit) if hit is not None else [name])
    return list(dict.fromkeys(out))


def _fetched_before(wh: Warehouse, entity_ids: set[str], before: str) -> set[str]:
    """Those of the entities an API look-up stored (not a bulk snapshot) before ``before``."""
    rows = wh.query_in(
        "SELECT entity_id FROM registry_entities WHERE entity_id IN ({ids}) "
        "AND (run_id IS NULL OR run_id NOT LIKE 'snapshot:%') AND fetched_at < ?",
        sorted(entity_ids), [before],
    )
    return {r["entity_id"] for r in rows}


def resolve_names(
    wh: Warehouse, names: Iterable[str], stats: dict[str, Any] | None = None
) -> dict[str, Resolution]:
    """Every distinct input name -> its ``Resolution`` (``NO_MATCH`` when nothing local matches)."""
    t0 = time.perf_counter()
    by_norm: dict[str, list[str]] = defaultdict(list)
    for name in dict.fromkeys(names):
        by_norm[normalise_company(name or "")].append(name)
    norms = [n for n in by_norm if n]
    t1 = time.perf_counter()
    info: dict[str, Any] = {}
    with wh.session():  # the temp tables below belong to this call until it returns
        exact = _exact(wh, norms)
        exact.update(_by_alias(wh, [n for n in norms if n not in exact]))
        t2 = time.perf_counter()
        # a famous name is matched in the alias table's forms only, never fuzzily
        misses = [n for n in norms if n not in exact and aliases.lookup(n) is None]
        fuzzy = _fuzzy(wh, misses, info) if misses else {}
        t3 = time.perf_counter()
        found = {**exact, **fuzzy}
        found.update(_at_site(wh, [n for n in norms if not found.get(n, NO_MATCH).hit], found))
        families = _parents(wh, {r.entity_id for r in found.values() if r.entity_id})
    out: dict[str, Resolution] = {}
    for norm, originals in by_norm.items():
        res = found.get(norm, NO_MATCH)
        if res.hit:
            fam = set(res.family)
            for eid in res.family:
                fam.update(families.get(eid, ()))
            res = Resolution(res.entity_id, res.confidence, res.matched_name, res.method, frozenset(fam),
                             res.alias, res.why)
        for original in originals:
            out[original] = res
    if stats is not None:
        stats.update(
            names=len(out),
            distinct_normalised=len(norms),
            exact=len(exact),
            fuzzy=len(fuzzy),
            unresolved=sum(1 for r in out.values() if not r.hit),
            normalise_s=round(t1 - t0, 3),
            exact_s=round(t2 - t1, 3),
            fuzzy_s=round(t3 - t2, 3),
            total_s=round(time.perf_counter() - t0, 3),
            **info,
        )
    return out


def _exact(wh: Warehouse, norms: list[str]) -> dict[str, Resolution]:
    if not norms:
        return {}
    fill_temp_table(wh, "cc_bulk_queries", [("norm", "TEXT")], [(n,) for n in norms])
    rows = wh.query(
        "SELECT q.norm, n.entity_id, n.name, n.kind FROM cc_bulk_queries q "
        "JOIN registry_names n ON n.normalized = q.norm"
    )
    drop_temp_table(wh, "cc_bulk_queries")
    hits: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in rows:
        hits[r["norm"]].append((r["entity_id"], r["name"], r["kind"]))
    out = {}
    for norm, hs in hits.items():
        eid, raw, _ = min(hs, key=lambda h: (KIND_RANK.get(h[2], 9), h[0]))
        out[norm] = Resolution(eid, 1.0, raw, "exact", frozenset(h[0] for h in hs))
    return out


def _at_site(wh: Warehouse, misses: list[str], found: Mapping[str, Resolution]) -> dict[str, Resolution]:
    """Misses with a site after the name ("acme gdansk plant"), found exactly without it."""
    variants = {n: v for n in misses if (v := site_stripped(n))}
    bare = sorted({b for v in variants.values() for b in v} - set(found))
    hits = {**_exact(wh, bare), **found}
    out: dict[str, Resolution] = {}
    for norm, options in variants.items():
        res = next((hits[b] for b in options if b in hits and hits[b].hit), None)
        if res is not None:
            out[norm] = Resolution(res.entity_id, round(res.confidence * 0.97, 4), res.matched_name, res.method,
                                   res.family, res.alias, f"{res.why}, after the site qualifier of {norm!r}".lstrip(", "))
    return out


def _by_alias(wh: Warehouse, norms: list[str]) -> dict[str, Resolution]:
    """Names the alias table knows, found in the register under the company's (or its family's)
    names; a known name the register lacks resolves to no entity but keeps the table's answer."""
    hits = {n: h for n in norms if (h := aliases.lookup(n)) is not None}
    if not hits:
        return {}
    wanted = sorted({cand for h in hits.values() for cand, _ in aliases.register_norms(h)})
    found = _exact(wh, wanted)
    out: dict[str, Resolution] = {}
    for norm, hit in hits.items():
        res = Resolution(None, 0.0, None, "alias", frozenset(), hit.legal, f"{hit.why}; not in the register")
        for cand, own in aliases.register_norms(hit):
            reg = found.get(cand)
            if reg is not None and reg.entity_id is not None:
                how = "registered as" if own else "registered under its corporate family as"
                res = Resolution(reg.entity_id, 0.97 if own else 0.93, reg.matched_name, "alias", reg.family,
                                 hit.legal, f"{hit.why}; {how} {reg.matched_name!r}")
                break
        out[norm] = res
    return out


def _weighter(df: Mapping[str, int], n_names: int) -> Any:
    """The engine's token weight (``RegistryIndex.weight``) from register-wide token counts."""
    log_n = math.log(max(n_names, 10))
    cache: dict[str, float] = {}

    def weight(token: str) -> float:
        w = cache.get(token)
        if w is None:
            if token in GENERIC or token.isdigit():
                w = GENERIC_WEIGHT
            else:
                d = df.get(token, 0)
                w = 1.0 if d <= 3 else max(0.25, 1.0 - math.log(d / 3) / log_n)
            cache[token] = w
        return w

    return weight


def _keys_of(token: str) -> list[str]:
    return [token, "~" + token[:4]] if len(token) >= 5 and not has_cjk(token) else [token]


def _blocks(toks: list[str], df: Mapping[str, int], weight: Any) -> list[tuple[str, str | None]]:
    """(key, also-required token) pairs that narrow one name's candidates; [] when none can."""
    distinct = [t for t in toks if weight(t) > GENERIC_WEIGHT]
    present = sorted((df.get(t, 0), t) for t in distinct if df.get(t, 0) > 0)
    blocks: list[tuple[str, str | None]] = []
    if present and present[0][0] <= BLOCK_CAP:
        blocks.append((present[0][1], None))
    elif len(present) >= 2 and present[0][0] <= PAIR_CAP:
        blocks.append((present[0][1], present[1][1]))
    # A word the register does not know may be misspelt, and so may a very rare one (a misspelling
    # can be another company's coined word): block on its first four letters too.
    maybe_typo = [t for t in distinct if df.get(t, 0) == 0]
    if present and present[0][0] <= 3:
        maybe_typo.append(present[0][1])
    for t in dict.fromkeys(maybe_typo):
        if len(t) < 5 or has_cjk(t):
            continue
        prefix = df.get("~" + t[:4], 0)
        if 0 < prefix <= PREFIX_CAP:
            blocks.append(("~" + t[:4], None))
        elif prefix and present and not blocks and min(prefix, present[0][0]) <= PAIR_CAP:
            blocks.append(("~" + t[:4], present[0][1]))  # a misspelt common word beside another word
    return blocks


def _counts(wh: Warehouse, table: str, keys: Iterable[str]) -> dict[str, int]:
    fill_temp_table(wh, "cc_bulk_want", [("key", "TEXT")], [(k,) for k in sorted(set(keys))])
    rows = wh.query(f"SELECT d.key, d.df FROM {table} d JOIN cc_bulk_want w ON w.key = d.key")
    drop_temp_table(wh, "cc_bulk_want")
    return {r["key"]: int(r["df"]) for r in rows}


def _fuzzy(wh: Warehouse, misses: list[str], info: dict[str, Any]) -> dict[str, Resolution]:
    """Blocked candidates for the misses, a chunk of names per scan, so memory stays bounded."""
    toks_of = {m: list(dict.fromkeys(m.split())) for m in misses}
    drop_temp_table(wh, "cc_bulk_df")
    wh.execute(  # how many registry names have each token, and each four-letter prefix (one scan)
        f"CREATE TEMP TABLE cc_bulk_df AS WITH t AS ({_TOKENS}) SELECT key, count(*) AS df FROM "
        "(SELECT token AS key FROM t UNION ALL SELECT '~' || substr(token, 1, 4) AS key FROM t "
        "WHERE length(token) >= 5) k GROUP BY key"
    )
    df = _counts(wh, "cc_bulk_df", (k for toks in toks_of.values() for t in toks for k in _keys_of(t)))
    n_names = int(wh.query("SELECT count(*) AS n FROM registry_names")[0]["n"])
    weight = _weighter(df, n_names)
    blocks = {qid: _blocks(toks_of[m], df, weight) for qid, m in enumerate(misses)}
    blocked = [qid for qid, b in blocks.items() if b]
    info.update(
        misses=len(misses),
        blocked=len(blocked),
        block_keys=sum(len(b) for b in blocks.values()),
        candidates=0,
        chunks=0,
    )
    winners: dict[int, tuple[str, str, float]] = {}
    for start in range(0, len(blocked), CHUNK):
        rows = [(qid, key, also) for qid in blocked[start : start + CHUNK] for key, also in blocks[qid]]
        cands = _candidates(wh, rows)
        info["candidates"] += sum(len(c) for c in cands.values())
        info["chunks"] += 1
        unknown = {t for c in cands.values() for norm, _ in c for t in norm.split()} - df.keys()
        if unknown:
            df.update(_counts(wh, "cc_bulk_df", unknown))
            weight = _weighter(df, n_names)
        for qid, cs in cands.items():
            best = _best(misses[qid], toks_of[misses[qid]], cs, weight)
            if best is not None:
                winners[qid] = best
    drop_temp_table(wh, "cc_bulk_df")
    raw = _raw_names(wh, {(eid, norm) for eid, norm, _ in winners.values()})
    return {
        misses[qid]: Resolution(eid, conf, raw.get((eid, norm)), "fuzzy", frozenset({eid}))
        for qid, (eid, norm, conf) in winners.items()
        # a famous registered name ("Apple Inc.") is not matched by a longer namesake ("Apple Leisure Group")
        if aliases.lookup(norm) is None or close_spelling(misses[qid], norm)
    }


def _candidates(wh: Warehouse, block_rows: list[tuple[int, str, str | None]]) -> dict[int, list[tuple[str, str]]]:
    """qid -> [(normalised name, entity id)] sharing a block key (and the also-required token)."""
    fill_temp_table(wh, "cc_bulk_blocks", [("qid", "INTEGER"), ("key", "TEXT"), ("also", "TEXT")], block_rows)
    prefixed = any(k.startswith("~") for _, k, _ in block_rows)
    prefix_keys = (
        " UNION ALL SELECT entity_id, normalized, '~' || substr(token, 1, 4) FROM t WHERE length(token) >= 5"
        if prefixed
        else ""
    )
    rows = wh.query(
        f"WITH t AS ({_TOKENS}), k AS (SELECT entity_id, normalized, token AS key FROM t{prefix_keys}) "
        "SELECT DISTINCT b.qid, k.entity_id, k.normalized FROM k JOIN cc_bulk_blocks b ON b.key = k.key "
        "WHERE b.also IS NULL OR strpos(' ' || k.normalized || ' ', ' ' || b.also || ' ') > 0"
    )
    drop_temp_table(wh, "cc_bulk_blocks")
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        out[r["qid"]].append((r["normalized"], r["entity_id"]))
    return out


def _raw_names(wh: Warehouse, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The registry's own spelling of each matched (entity, normalised name), legal name first."""
    if not pairs:
        return {}
    fill_temp_table(wh, "cc_bulk_pairs", [("entity_id", "TEXT"), ("norm", "TEXT")], sorted(pairs))
    rows = wh.query(
        "SELECT n.entity_id, n.normalized, n.name, n.kind FROM registry_names n "
        "JOIN cc_bulk_pairs p ON p.entity_id = n.entity_id AND p.norm = n.normalized"
    )
    drop_temp_table(wh, "cc_bulk_pairs")
    best: dict[tuple[str, str], tuple[int, str]] = {}
    for r in rows:
        key, cand = (r["entity_id"], r["normalized"]), (KIND_RANK.get(r["kind"], 9), r["name"])
        if key not in best or cand < best[key]:
            best[key] = cand
    return {k: v[1] for k, v in best.items()}


def align_typos(toks: list[str], other: list[str]) -> list[str]:
    """Query tokens read as the candidate's token one edit away (a swap of neighbours is one edit;
    five letters at least), or as its short form when the misspelt word is a long form the
    normaliser shortens ("managment" -> "mgmt"). The engine's token similarity rejects a swap in
    a word under nine letters, which is the commonest typo; the weighted comparison then runs as usual."""
    have = set(other)
    out = []
    for t in toks:
        if t in have or len(t) < 5 or has_cjk(t):
            out.append(t)
            continue
        near = next(
            (
                u
                for u in other
                if len(u) >= 5 and abs(len(u) - len(t)) <= 1 and OSA.distance(t, u, score_cutoff=1) <= 1
            ),
            None,
        )
        if near is None:
            near = next(
                (
                    short
                    for long_, short in CANONICAL_WORDS.items()
                    if short in have
                    and abs(len(long_) - len(t)) <= 1
                    and OSA.distance(t, long_, score_cutoff=1) <= 1
                ),
                None,
            )
        out.append(near or t)
    return out


def _best(
    norm: str, toks: list[str], cands: list[tuple[str, str]], weight: Any
) -> tuple[str, str, float] | None:
    """(entity id, matched normalised name, confidence) of the best candidate above the threshold."""
    if len(cands) > PRERANK:
        ranked = process.extract(norm, [c[0] for c in cands], scorer=fuzz.token_set_ratio, limit=PRERANK)
        cands = [cands[i] for _, _, i in ranked]
    # Most query words found first, then fewest read as misspelt, then the engine's score, then
    # the closer spelling (word order: "Lockwood & Sherwood" is not "Sherwood & Lockwood").
    best: tuple[int, int, float, float, str, str] | None = None
    for cnorm, eid in cands:
        other = list(dict.fromkeys(cnorm.split()))
        aligned = align_typos(toks, other)
        score = token_match(aligned, other, weight)
        if score < HIT_THRESHOLD or _distinctive_word_missing(aligned, other, weight):
            continue
        have = set(other)
        typos = sum(a != t for a, t in zip(aligned, toks, strict=True))
        key = (-sum(a in have for a in aligned), typos, -score, -fuzz.ratio(norm, cnorm), eid, cnorm)
        if best is None or key < best:
            best = key
    if best is None:
        return None
    return best[4], best[5], round(-best[2] - TYPO_PENALTY * best[1], 4)


def _distinctive_word_missing(toks: list[str], other: list[str], weight: Any) -> bool:
    """True when the name has a word the candidate lacks that identifies at least as much as any
    word they share: "Mint Quzxaz Digital" is not "Mint Digital", though it contains it."""
    have = set(other)
    missing = [weight(t) for t in toks if t not in have]
    shared = [weight(t) for t in toks if t in have]
    return bool(missing and shared) and max(missing) > GENERIC_WEIGHT and max(missing) >= max(shared)


def _parents(wh: Warehouse, entity_ids: set[str]) -> dict[str, list[str]]:
    if not entity_ids:
        return {}
    fill_temp_table(wh, "cc_bulk_ids", [("entity_id", "TEXT")], [(e,) for e in sorted(entity_ids)])
    rows = wh.query(
        "SELECT e.entity_id, e.parent_ids FROM registry_entities e "
        "JOIN cc_bulk_ids i ON i.entity_id = e.entity_id"
    )
    drop_temp_table(wh, "cc_bulk_ids")
    return {r["entity_id"]: list(r["parent_ids"] or []) for r in rows if r["parent_ids"]}


def entities_for(wh: Warehouse, entity_ids: Iterable[str], with_parents: bool = True) -> list[RegistryEntity]:
    """The entities (and their parents), names in the registry's order: what the check step's
    ``RegistryIndex`` needs when the whole register is too big to load."""
    wanted = set(entity_ids)
    if with_parents and wanted:
        for parents in _parents(wh, wanted).values():
            wanted.update(parents)
    if not wanted:
        return []
    fill_temp_table(wh, "cc_bulk_ids", [("entity_id", "TEXT")], [(e,) for e in sorted(wanted)])
    ents = wh.query(
        "SELECT e.* FROM registry_entities e JOIN cc_bulk_ids i ON i.entity_id = e.entity_id "
        "ORDER BY e.entity_id"
    )
    names: dict[str, list[RegistryName]] = defaultdict(list)
    for n in wh.query(
        "SELECT n.entity_id, n.name, n.kind, n.language FROM registry_names n "
        "JOIN cc_bulk_ids i ON i.entity_id = n.entity_id ORDER BY n.entity_id, n.position, n.name"
    ):
        names[n["entity_id"]].append(RegistryName(name=n["name"], kind=n["kind"], language=n["language"]))
    drop_temp_table(wh, "cc_bulk_ids")
    from include.warehouse.registry_cache import entity_from_row

    return [entity_from_row(e, names.get(e["entity_id"], [])) for e in ents]


def entities_for_names(wh: Warehouse, names: Iterable[str]) -> list[RegistryEntity]:
    """Every entity an employer name resolves to locally or was found for by an API look-up
    (``registry_lookups``), with parents: a ``RegistryIndex`` over these decides as one over the
    whole register would, without loading millions of entities."""
    names = list(dict.fromkeys(n for n in names if n))
    # a name the alias table knows was looked up by its legal names (``names_needing_lookup``)
    known = [h for n in names if (h := aliases.lookup(normalise_company(n))) is not None]
    names = list(dict.fromkeys([*names, *(legal for h in known for legal in aliases.legal_names_for_lookup(h))]))
    ids = {r.entity_id for r in resolve_names(wh, names).values() if r.entity_id}
    keys = sorted({f"name:{k}" for n in names if (k := normalise_name(n))})
    if keys:
        fill_temp_table(wh, "cc_bulk_lookup_keys", [("query_key", "TEXT")], [(k,) for k in keys])
        for row in wh.query(
            "SELECT l.entity_ids FROM registry_lookups l JOIN cc_bulk_lookup_keys k ON k.query_key = l.query_key"
        ):
            ids.update(str(e) for e in (row["entity_ids"] or []))
        drop_temp_table(wh, "cc_bulk_lookup_keys")
    return entities_for(wh, ids)
