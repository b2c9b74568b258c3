"""Employer names resolved in bulk against the registry names in the warehouse (snapshot first).

With a monthly snapshot of millions of entities in ``registry_names`` the engine cannot load the
register into memory (``RegistryIndex``) nor call an API per name. So the input names are
normalised once and go to a session temp table; one SQL join finds every exact hit on
``registry_names.normalized``; for the misses, token frequencies come from one scan of the
register, each miss gets a few narrow block keys (its rarest distinctive token; two common tokens
together; the first four letters of a token the register does not know, for typos), one more scan
fetches only the blocked candidates, and rapidfuzz pre-ranks them before the engine's own weighted
token comparison (``resolve.token_match``) decides. A name whose distinctive words are all too
common to block on, or that shares only generic words with the register, stays unresolved: that is
what the API look-ups are for (``unresolved_names``).
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from rapidfuzz import fuzz, process

from include.engine.names import has_cjk, normalise_company
from include.engine.resolve import GENERIC, GENERIC_WEIGHT, HIT_THRESHOLD, NO_MATCH, Resolution, token_match
from include.models import IndustryCode, RegistryEntity, RegistryName
from include.snapshots.bulk import drop_temp_table, fill_temp_table

BLOCK_CAP = 1000  # a key shared by more names than this does not block alone
PAIR_CAP = 25_000  # the rarer of two common tokens, filtered by the other, still narrows enough
PRERANK = 24  # candidates per name scored by token_match after the rapidfuzz pre-rank
KIND_RANK = {"legal": 0, "other": 1, "transliterated": 2, "trading": 3, "previous": 4}
_TOKENS = "SELECT entity_id, name, kind, normalized, unnest(string_to_array(normalized, ' ')) AS token " \
          "FROM registry_names WHERE normalized IS NOT NULL AND normalized <> ''"


def unresolved_names(resolutions: Mapping[str, Resolution]) -> list[str]:
    """The names no local registry entity matched, in input order: the ones to look up by API."""
    return [name for name, res in resolutions.items() if not res.hit]


def names_needing_lookup(wh: Any, names: Iterable[str]) -> list[str]:
    return unresolved_names(resolve_names(wh, names))


def resolve_names(wh: Any, names: Iterable[str], stats: dict[str, Any] | None = None) -> dict[str, Resolution]:
    """Every distinct input name -> its ``Resolution`` (``NO_MATCH`` when nothing local matches)."""
    t0 = time.perf_counter()
    by_norm: dict[str, list[str]] = defaultdict(list)
    for name in dict.fromkeys(names):
        by_norm[normalise_company(name or "")].append(name)
    norms = [n for n in by_norm if n]
    t1 = time.perf_counter()
    exact = _exact(wh, norms)
    t2 = time.perf_counter()
    misses = [n for n in norms if n not in exact]
    info: dict[str, Any] = {}
    fuzzy = _fuzzy(wh, misses, info) if misses else {}
    t3 = time.perf_counter()
    found = {**exact, **fuzzy}
    families = _parents(wh, {r.entity_id for r in found.values() if r.entity_id})
    out: dict[str, Resolution] = {}
    for norm, originals in by_norm.items():
        res = found.get(norm, NO_MATCH)
        if res.hit:
            fam = set(res.family)
            for eid in res.family:
                fam.update(families.get(eid, ()))
            res = Resolution(res.entity_id, res.confidence, res.matched_name, res.method, frozenset(fam))
        for original in originals:
            out[original] = res
    if stats is not None:
        stats.update(names=len(out), distinct_normalised=len(norms), exact=len(exact), fuzzy=len(fuzzy),
                     unresolved=sum(1 for r in out.values() if not r.hit), normalise_s=round(t1 - t0, 3),
                     exact_s=round(t2 - t1, 3), fuzzy_s=round(t3 - t2, 3),
                     total_s=round(time.perf_counter() - t0, 3), **info)
    return out


def _exact(wh: Any, norms: list[str]) -> dict[str, Resolution]:
    if not norms:
        return {}
    fill_temp_table(wh, "cc_bulk_queries", [("norm", "TEXT")], [(n,) for n in norms])
    rows = wh.query("SELECT q.norm, n.entity_id, n.name, n.kind FROM cc_bulk_queries q "
                    "JOIN registry_names n ON n.normalized = q.norm")
    drop_temp_table(wh, "cc_bulk_queries")
    hits: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for r in rows:
        hits[r["norm"]].append((r["entity_id"], r["name"], r["kind"]))
    out = {}
    for norm, hs in hits.items():
        eid, raw, _ = min(hs, key=lambda h: (KIND_RANK.get(h[2], 9), h[0]))
        out[norm] = Resolution(eid, 1.0, raw, "exact", frozenset(h[0] for h in hs))
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
    # a token the register does not know, or its rarest one, may be a typo: its first four letters
    maybe_typo = [t for t in distinct if df.get(t, 0) == 0] + ([present[0][1]] if present else [])
    for t in dict.fromkeys(maybe_typo):
        if len(t) >= 5 and not has_cjk(t) and 0 < df.get("~" + t[:4], 0) <= BLOCK_CAP:
            blocks.append(("~" + t[:4], None))
    return blocks


def _fuzzy(wh: Any, misses: list[str], info: dict[str, Any]) -> dict[str, Resolution]:
    toks_of = {m: list(dict.fromkeys(m.split())) for m in misses}
    keys = sorted({k for toks in toks_of.values() for t in toks for k in _keys_of(t)})
    keyed = "SELECT token AS key FROM t UNION ALL SELECT '~' || substr(token, 1, 4) FROM t WHERE length(token) >= 5"
    fill_temp_table(wh, "cc_bulk_keys", [("key", "TEXT")], [(k,) for k in keys])
    df = {r["key"]: int(r["df"]) for r in wh.query(
        f"WITH t AS ({_TOKENS}), k AS ({keyed}) SELECT k.key, count(*) AS df FROM k "
        "JOIN cc_bulk_keys q ON q.key = k.key GROUP BY k.key")}
    n_names = int(wh.query("SELECT count(*) AS n FROM registry_names")[0]["n"])
    weight = _weighter(df, n_names)
    block_rows: list[tuple[int, str, str | None]] = []
    for qid, m in enumerate(misses):
        block_rows.extend((qid, key, also) for key, also in _blocks(toks_of[m], df, weight))
    info.update(misses=len(misses), blocked=len({b[0] for b in block_rows}), block_keys=len(block_rows))
    if not block_rows:
        drop_temp_table(wh, "cc_bulk_keys")
        return {}
    fill_temp_table(wh, "cc_bulk_blocks", [("qid", "INTEGER"), ("key", "TEXT"), ("also", "TEXT")], block_rows)
    prefixed = any(k.startswith("~") for _, k, _ in block_rows)
    rows = wh.query(
        f"WITH t AS ({_TOKENS}), k AS (SELECT entity_id, name, kind, normalized, token AS key FROM t"
        + (" UNION ALL SELECT entity_id, name, kind, normalized, '~' || substr(token, 1, 4) FROM t "
           "WHERE length(token) >= 5" if prefixed else "")
        + ") SELECT DISTINCT b.qid, k.entity_id, k.name, k.kind, k.normalized FROM k "
          "JOIN cc_bulk_blocks b ON b.key = k.key "
          "WHERE b.also IS NULL OR strpos(' ' || k.normalized || ' ', ' ' || b.also || ' ') > 0")
    info["candidates"] = len(rows)
    cands: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for r in rows:
        cands[r["qid"]].append((r["normalized"], r["entity_id"], r["name"], r["kind"]))
    unknown = sorted({t for c in cands.values() for norm, *_ in c for t in norm.split()} - df.keys())
    if unknown:
        fill_temp_table(wh, "cc_bulk_keys", [("key", "TEXT")], [(k,) for k in unknown])
        df.update({r["key"]: int(r["df"]) for r in wh.query(
            f"WITH t AS ({_TOKENS}) SELECT t.token AS key, count(*) AS df FROM t "
            "JOIN cc_bulk_keys q ON q.key = t.token GROUP BY t.token")})
        weight = _weighter(df, n_names)
    for table in ("cc_bulk_keys", "cc_bulk_blocks"):
        drop_temp_table(wh, table)
    out: dict[str, Resolution] = {}
    for qid, cs in cands.items():
        best = _best(misses[qid], toks_of[misses[qid]], cs, weight)
        if best is not None:
            out[misses[qid]] = best
    return out


def _best(norm: str, toks: list[str], cands: list[tuple[str, str, str, str]], weight: Any) -> Resolution | None:
    if len(cands) > PRERANK:
        ranked = process.extract(norm, [c[0] for c in cands], scorer=fuzz.token_set_ratio, limit=PRERANK)
        cands = [cands[i] for _, _, i in ranked]
    best: tuple[float, str, str] | None = None
    for cnorm, eid, raw, _ in cands:
        score = token_match(toks, list(dict.fromkeys(cnorm.split())), weight)
        if score >= HIT_THRESHOLD and (best is None or score > best[0] or (score == best[0] and eid < best[1])):
            best = (score, eid, raw)
    if best is None:
        return None
    return Resolution(best[1], round(best[0], 4), best[2], "fuzzy", frozenset({best[1]}))


def _parents(wh: Any, entity_ids: set[str]) -> dict[str, list[str]]:
    if not entity_ids:
        return {}
    fill_temp_table(wh, "cc_bulk_ids", [("entity_id", "TEXT")], [(e,) for e in sorted(entity_ids)])
    rows = wh.query("SELECT e.entity_id, e.parent_ids FROM registry_entities e "
                    "JOIN cc_bulk_ids i ON i.entity_id = e.entity_id")
    drop_temp_table(wh, "cc_bulk_ids")
    return {r["entity_id"]: list(r["parent_ids"] or []) for r in rows if r["parent_ids"]}


def entities_for(wh: Any, entity_ids: Iterable[str], with_parents: bool = True) -> list[RegistryEntity]:
    """The entities (and their parents), names in the registry's order: what the check step's
    ``RegistryIndex`` needs when the whole register is too big to load."""
    wanted = set(entity_ids)
    if with_parents and wanted:
        for parents in _parents(wh, wanted).values():
            wanted.update(parents)
    if not wanted:
        return []
    fill_temp_table(wh, "cc_bulk_ids", [("entity_id", "TEXT")], [(e,) for e in sorted(wanted)])
    ents = wh.query("SELECT e.* FROM registry_entities e JOIN cc_bulk_ids i ON i.entity_id = e.entity_id "
                    "ORDER BY e.entity_id")
    names: dict[str, list[RegistryName]] = defaultdict(list)
    for n in wh.query("SELECT n.entity_id, n.name, n.kind, n.language FROM registry_names n "
                      "JOIN cc_bulk_ids i ON i.entity_id = n.entity_id ORDER BY n.entity_id, n.position, n.name"):
        names[n["entity_id"]].append(RegistryName(name=n["name"], kind=n["kind"], language=n["language"]))
    drop_temp_table(wh, "cc_bulk_ids")
    return [RegistryEntity(
        entity_id=e["entity_id"], registry=e["registry"], names=names.get(e["entity_id"], []), status=e["status"],
        created=e["created"], dissolved=e["dissolved"], jurisdiction=e["jurisdiction"],
        industry_codes=[IndustryCode(**c) for c in (e["industry_codes"] or [])],
        parent_ids=list(e["parent_ids"] or []), record_url=e["record_url"] or "") for e in ents]
