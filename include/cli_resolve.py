"""``crosscheck resolve``: the command line of ``include.engine.explain`` (one name, or a CSV column of names)."""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path
from typing import Any

from include.cli_checks import UsageError, open_warehouse, warehouse_conn, where
from include.engine.explain import COLUMNS, explain, format_text, register_index
from include.engine.resolve import RegistryIndex


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


def _open(where_out: list[str]) -> Any:
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
