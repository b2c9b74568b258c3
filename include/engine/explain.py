"""Why a company name resolves as it does (``crosscheck resolve``): which registry entity a company name resolves to, with the score and why.

A user who doubts a finding ("no registry knows AWS"?) can ask the engine directly, for one name or
a CSV column of them, and see what the check step would decide: the entity chosen (id, registry,
legal name), the score, the method (exact, alias, pinyin, acronym, fuzzy) and, in words, why: the
alias table entry used, the registered name matched, the words that matched. It resolves against
the warehouse's registry cache (every entity earlier runs and snapshots stored) plus the alias
table; without a register it still shows the alias table's answer and says no register is loaded.
"""

from __future__ import annotations

from typing import Any

from include.engine import aliases
from include.engine.names import cjk_latin_key, looks_like_abbreviation, normalise_company
from include.engine.resolve import RegistryIndex, Resolution
from include.warehouse import Warehouse

COLUMNS = ("name", "normalised", "entity_id", "registry", "legal_name", "matched_name", "score", "method",
           "alias_company", "why")
FULL_INDEX_LIMIT = 200_000  # as the check step: above this, index only the entities the names resolve to


def register_index(wh: Warehouse, names: list[str]) -> RegistryIndex:
    """The index the check step would build: the whole register when small, else the entities these
    names resolve to (bulk resolution plus earlier API look-ups)."""
    from include.warehouse.registry_cache import register_state

    n, _ = register_state(wh)
    if n == 0:
        return RegistryIndex([])
    if n <= FULL_INDEX_LIMIT:
        from include.warehouse.registry_cache import load_registry_entities

        return RegistryIndex(load_registry_entities(wh))
    from include.engine.bulk_resolve import entities_for_names

    return RegistryIndex(entities_for_names(wh, names))


def explain(name: str, index: RegistryIndex) -> dict[str, Any]:
    """One answer row (``COLUMNS``)."""
    norm = normalise_company(name)
    res: Resolution = index.resolve(name)
    ent = index.entities.get(res.entity_id) if res.entity_id else None
    alias = aliases.lookup(norm)
    why = res.why
    if not why:
        latin = cjk_latin_key(norm)
        why = "no registered name, alias table entry" + (f" or pinyin ({latin!r})" if latin else "") + \
              f" matches the words {norm.split()}"
        near = [(t, h) for t in norm.split() if len(norm.split()) > 1 and (h := aliases.lookup(t)) is not None
                and h.kind in ("legal", "name")]
        if near:
            why += f"; shares the word {near[0][0]!r} with {near[0][1].legal} but is not one of its names"
        if looks_like_abbreviation(name):
            why += "; looks like a ticker or abbreviation: ask for the full legal name"
        if not index.entities:
            why += "; no register is loaded"
    return {
        "name": name,
        "normalised": norm,
        "entity_id": res.entity_id or "",
        "registry": ent.registry if ent else "",
        "legal_name": ent.names[0].name if ent and ent.names else "",
        "matched_name": res.matched_name or "",
        "score": f"{res.confidence:.2f}",
        "method": res.method,
        "alias_company": alias.legal if alias else "",
        "why": why,
    }


def format_text(rows: list[dict[str, Any]], index: RegistryIndex, where: str) -> str:
    regs = ", ".join(index.registries) or "none"
    lines = [f"register: {len(index.entities)} entities ({regs}) from {where}; alias table v{aliases.version()}"]
    if not index.entities:
        lines.append("no register is loaded: answers come from the alias table only")
    for r in rows:
        lines.append("")
        lines.append(r["name"])
        if r["entity_id"]:
            lines.append(f"  entity:  {r['entity_id']} ({r['registry']}) {r['legal_name']}")
        else:
            lines.append("  entity:  none" + (f" (alias table: {r['alias_company']})" if r["alias_company"] else ""))
        lines.append(f"  score:   {r['score']}   method: {r['method']}")
        lines.append(f"  why:     {r['why']}")
    return "\n".join(lines) + "\n"
