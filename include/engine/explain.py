"""``crosscheck resolve``: which registry entity a company name resolves to, with the score and why.

A user who doubts a finding ("no registry knows AWS"?) can ask the engine directly, for one name or
a CSV column of them, and see what the check step would decide: the entity chosen (id, registry,
legal name), the score, the method (exact, alias, pinyin, acronym, fuzzy) and, in words, why: the
alias table entry used, the registered name matched, the words that matched. It resolves against
the warehouse's registry cache (every entity earlier runs and snapshots stored) plus the alias
table; without a register it still shows the alias table's answer and says no register is loaded.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

from include.engine import aliases
from include.engine.names import cjk_latin_key, looks_like_abbreviation, normalise_company
from include.engine.resolve import RegistryIndex, Resolution
from include.warehouse import Warehouse

COLUMNS = ("name", "normalised", "entity_id", "registry", "legal_name", "matched_name", "score", "method",
           "alias_company", "why")
FULL_INDEX_LIMIT = 200_000  # as the check step: above this, index only the entities the names resolve to


def add_parser(subparsers: Any, formatter_class: type[argparse.HelpFormatter] | None = None) -> argparse.ArgumentParser:
    """Register ``resolve`` on the CLI's subparsers; the handler is set as ``func``."""
    p = subparsers.add_parser(
        "resolve", help="which registry entity a company name resolves to, with the score and why",
        description=(
            "Resolve company names as the check step does: against the registry entities in the warehouse\n"
            "(earlier runs' look-ups and loaded snapshots) and the alias table (tickers, brands, subsidiaries,\n"
            "Chinese/Japanese/Korean names). Prints, per name, the entity chosen (id, registry, legal name),\n"
            "the score, the method and why. Reads only; without a warehouse or register, shows the alias\n"
            "table's answer and says that no register is loaded. Exit status 1 if a name resolves to nothing."),
        formatter_class=formatter_class or argparse.RawDescriptionHelpFormatter)
    p.add_argument("names", nargs="*", metavar="NAME", help='company names, e.g. "AWS" "百度" "NASDAQ: MSFT"')
    p.add_argument("--csv", metavar="FILE", help="read the names from this CSV file's column (see --column) instead")
    p.add_argument("--column", metavar="COLUMN",
                   help="the CSV column holding the names (default: 'name', 'employer' or 'company' if present, "
                        "else the first column)")
    p.add_argument("--out", metavar="FILE", help="write the answers as CSV to this file (with --csv the CSV goes "
                                                   "to stdout when --out is not given)")
    p.set_defaults(func=cmd_resolve)
    return p


def read_names(path: Path, column: str | None) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        if not fields:
            raise ValueError(f"{path}: no header row")
        if column is None:
            column = next((c for c in fields if c.strip().casefold() in ("name", "employer", "company")), fields[0])
        elif column not in fields:
            raise ValueError(f"{path}: no column {column!r} (columns: {', '.join(fields)})")
        return [row[column].strip() for row in reader if (row.get(column) or "").strip()]


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


def _open(where_out: list[str]) -> Warehouse | None:
    from include.cli_checks import UsageError, open_warehouse, warehouse_conn, where

    try:
        wh = open_warehouse(migrate=False)
    except UsageError as exc:
        where_out.append(f"no warehouse ({exc})")
        return None
    where_out.append(where(warehouse_conn()))
    return wh


def cmd_resolve(args: argparse.Namespace) -> int:
    names = list(args.names or [])
    if args.csv:
        try:
            names += read_names(Path(args.csv), args.column)
        except (OSError, ValueError) as exc:
            print(f"crosscheck: error: --csv: {exc}", file=sys.stderr)
            return 2
    if not names:
        print("crosscheck: error: resolve: give NAME... or --csv FILE", file=sys.stderr)
        return 2
    where: list[str] = []
    wh = _open(where)
    try:
        index = register_index(wh, names) if wh is not None else RegistryIndex([])
    finally:
        if wh is not None:
            wh.close()
    rows = [explain(n, index) for n in names]
    if args.csv or args.out:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        if args.out:
            Path(args.out).write_text(buf.getvalue(), encoding="utf-8")
            print(f"wrote {len(rows)} answers to {args.out}")
        else:
            sys.stdout.write(buf.getvalue())
    else:
        sys.stdout.write(format_text(rows, index, where[0]))
    return 0 if all(r["entity_id"] or r["alias_company"] for r in rows) else 1
